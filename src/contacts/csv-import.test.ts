import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.ts';
import type { CustomFieldDefinition } from './contact.ts';
import { mapColumns, readRow } from './csv-import.ts';

const definitions: CustomFieldDefinition[] = [
  { key: 'employees', label: 'Employees', type: 'number' },
  { key: 'position', label: 'Position', type: 'text' },
];

const header = (...cells: string[]) => ({ cells });

describe('mapColumns', () => {
  it.each([
    [['email'], [{ standard: 'email' }]],
    [['E-mail'], [{ standard: 'email' }]],
    [['e_mail'], [{ standard: 'email' }]],
    [
      ['Email Address', 'First Name', 'last_name'],
      [{ standard: 'email' }, { standard: 'firstName' }, { standard: 'lastName' }],
    ],
    [
      ['email', 'firstName', 'LastName', 'Company', 'Phone', 'Job Title', 'country'],
      [
        { standard: 'email' },
        { standard: 'firstName' },
        { standard: 'lastName' },
        { standard: 'company' },
        { standard: 'phone' },
        { standard: 'jobTitle' },
        { standard: 'country' },
      ],
    ],
    [
      ['email', 'Employees'],
      [{ standard: 'email' }, { custom: 'employees' }],
    ],
    // A custom field's key wins over the "position" alias of job title.
    [
      ['email', 'position'],
      [{ standard: 'email' }, { custom: 'position' }],
    ],
    [
      [' email ', ''],
      [{ standard: 'email' }, null],
    ],
  ] as const)('%j → %j', (cells, targets) => {
    expect(mapColumns(header(...cells), definitions, 'refuse').targets).toEqual(targets);
  });

  it.each([
    [
      ['email', 'First Met'],
      [{ standard: 'email' }, { custom: 'first_met' }],
    ],
    // A loose spelling of a key never takes a standard field's column; the exact key does.
    [
      ['E-mail', 'e_mail'],
      [{ standard: 'email' }, { custom: 'e_mail' }],
    ],
  ] as const)('with keys first_met and e_mail: %j → %j', (cells, targets) => {
    const more: CustomFieldDefinition[] = [
      { key: 'first_met', label: 'First met', type: 'date' },
      { key: 'e_mail', label: 'Old address', type: 'text' },
    ];
    expect(mapColumns(header(...cells), more, 'refuse').targets).toEqual(targets);
  });

  it.each([
    [['first name'], 'refuse', 'The CSV has no email column; contacts are matched by email.'],
    [['email', 'Shoe size', 'Pet'], 'refuse', 'Unknown columns: "Shoe size", "Pet".'],
    [['email', 'e-mail'], 'refuse', 'The columns "email" and "e-mail" are the same field.'],
    [['Shoe size'], 'ignore', 'The CSV has no email column; contacts are matched by email.'],
  ] as const)('%j (%s) is refused: %s', (cells, unknownColumns, message) => {
    const attempt = () => mapColumns(header(...cells), definitions, unknownColumns);
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(message);
  });

  it('ignores unknown columns when asked, and says which', () => {
    const columns = mapColumns(header('Pet', 'email'), definitions, 'ignore');
    expect(columns.targets).toEqual([null, { standard: 'email' }]);
    expect(columns.ignored).toEqual(['Pet']);
  });

  it('refuses a malformed or mis-decoded header', () => {
    expect(() => mapColumns({ cells: ['email'], problem: 'x' }, definitions, 'refuse')).toThrow(
      'The header row is malformed: x.',
    );
    expect(() => mapColumns(header('e\uFFFDmail'), definitions, 'refuse')).toThrow('not valid text');
  });
});

describe('readRow', () => {
  const columns = mapColumns(header('E-mail', 'Phone', 'employees', 'Pet'), definitions, 'ignore');
  it.each([
    [
      ['ada@example.com', '', '', 'cat'],
      { row: 7, values: { email: 'ada@example.com' }, match: 'ada@example.com' },
    ],
    [
      [' Ada@Example.com ', '+44 20', '12'],
      {
        row: 7,
        values: { email: ' Ada@Example.com ', phone: '+44 20', custom: { employees: '12' } },
        match: 'ada@example.com',
      },
    ],
    [['', '', '', ''], 'blank'],
    [['   '], 'blank'],
    [['', '+44 20'], { row: 7, reason: 'E-mail is required' }],
    [
      ['nope', 'call me', 'many'],
      {
        row: 7,
        reason:
          'E-mail is not a valid email address; Phone is not a phone number; employees must be a number',
      },
    ],
    [['a@example.com', '', '', '', 'extra'], { row: 7, reason: 'the row has 5 cells but the header has 4' }],
    [
      ['a@example.com', '', '', '', ''],
      { row: 7, values: { email: 'a@example.com' }, match: 'a@example.com' },
    ],
    [
      ['a@example.com', 'Zo\uFFFD'],
      { row: 7, reason: 'the row is not valid text in the declared charset (UTF-8 by default)' },
    ],
    [['a@example.com', '', '', 'c\u0000t'], { row: 7, reason: 'the row holds a NUL character (U+0000)' }],
  ] as const)('%j → %j', (cells, expected) => {
    expect(readRow({ cells: [...cells] }, 7, columns, definitions)).toEqual(expected);
  });

  it('reports a malformed record with its parse problem', () => {
    expect(readRow({ cells: ['a@example.com'], problem: 'oops' }, 3, columns, definitions)).toEqual({
      row: 3,
      reason: 'oops',
    });
  });
});
