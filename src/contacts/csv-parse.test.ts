import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord, parseCsv } from './csv-parse.ts';

const ok = (...rows: string[][]): CsvRecord[] => rows.map((cells) => ({ cells }));

describe('parseCsv', () => {
  it.each([
    ['plain cells', 'a,b,c\n1,2,3\n', ok(['a', 'b', 'c'], ['1', '2', '3'])],
    ['CRLF line breaks', 'a,b\r\n1,2\r\n', ok(['a', 'b'], ['1', '2'])],
    ['lone CR line breaks', 'a,b\r1,2\r', ok(['a', 'b'], ['1', '2'])],
    ['no final line break', 'a,b\n1,2', ok(['a', 'b'], ['1', '2'])],
    ['empty input', '', []],
    ['only a line break', '\n', ok([''])],
    ['blank line between records', 'a\n\nb\n', ok(['a'], [''], ['b'])],
    ['empty cells', ',a,,\n', ok(['', 'a', '', ''])],
    ['trailing comma without line break', 'a,', ok(['a', ''])],
    ['spaces are kept', ' a , b \n', ok([' a ', ' b '])],
    ['quoted cell with a comma', '"Smith, Ada",x\n', ok(['Smith, Ada', 'x'])],
    ['doubled quotes', '"say ""hi""",x\n', ok(['say "hi"', 'x'])],
    ['quoted empty cell', '"",x\n', ok(['', 'x'])],
    ['only a doubled quote', '""""\n', ok(['"'])],
    ['LF inside quotes', '"line 1\nline 2",x\n', ok(['line 1\nline 2', 'x'])],
    ['CRLF inside quotes', '"line 1\r\nline 2"\r\nnext\r\n', ok(['line 1\r\nline 2'], ['next'])],
    ['quote inside an unquoted cell is literal', `5'11",b\n`, ok([`5'11"`, 'b'])],
    ['byte order mark is dropped', '\uFEFFemail\nx\n', ok(['email'], ['x'])],
    ['BOM only at the very start', 'a\n\uFEFFb\n', ok(['a'], ['\uFEFFb'])],
    ['unicode', 'Zoë,東京,🙂\n', ok(['Zoë', '東京', '🙂'])],
    [
      'text after a closing quote',
      '"ab"cd,e\nnext\n',
      [
        { cells: ['abcd', 'e'], problem: 'a quoted cell has text after its closing quote' },
        { cells: ['next'] },
      ],
    ],
    [
      'unterminated quote at the end of the file',
      'a,"open\nstill open',
      [
        {
          cells: ['a', 'open\nstill open'],
          problem: 'the file ends inside a quoted cell (a closing quote is missing)',
        },
      ],
    ],
    ['closing quote right at the end', 'a,"b"', ok(['a', 'b'])],
    ['a cell starting with a doubled quote is well formed', '"""Boss""",x\n', ok(['"Boss"', 'x'])],
    ...(
      [
        ['"a""b"cd,x\n', 'a"bcd'],
        ['"ab"c"d,x\n', 'abc"d'],
        ['"Zoë""x"ë,x\n', 'Zoë"xë'],
        ['"ab" ,x\n', 'ab '],
      ] as const
    ).map(([text, cell]): [string, string, CsvRecord[]] => [
      `text after a closing quote: ${JSON.stringify(text)}`,
      text,
      [{ cells: [cell, 'x'], problem: 'a quoted cell has text after its closing quote' }],
    ]),
  ])('%s', (_name, text, expected) => {
    expect(parseCsv(text)).toEqual(expected);
  });

  it.each([
    ['a record over the limit is reported and the next one still parses', 'a,bcdefghijk\nok\n', 10],
    ['a quoted record over the limit', '"abcdefghijk"\nok\n', 10],
    ['many empty cells count too', ',,,,,,,,,,,,\nok\n', 10],
  ])('%s', (_name, text, limit) => {
    expect(parseCsv(text, limit)).toEqual([
      { cells: [], problem: 'the row is longer than 10 characters' },
      { cells: ['ok'] },
    ]);
  });
});

describe('CsvParser chunking', () => {
  const text = '\uFEFFemail,"note"\r\n"a@x.io","he said ""hi"",\r\nthen left"\r\nb@x.io,plain\rc@x.io,""\n';

  it('gives the same records wherever the input is split', () => {
    const whole = parseCsv(text);
    expect(whole).toEqual(
      ok(['email', 'note'], ['a@x.io', 'he said "hi",\r\nthen left'], ['b@x.io', 'plain'], ['c@x.io', '']),
    );
    for (let at = 0; at <= text.length; at++) {
      const parser = new CsvParser();
      const records = [...parser.push(text.slice(0, at)), ...parser.push(text.slice(at)), ...parser.end()];
      expect(records, `split at ${at}`).toEqual(whole);
    }
  });

  it('parses one character at a time', () => {
    const parser = new CsvParser();
    const records = [...text].flatMap((c) => parser.push(c));
    expect([...records, ...parser.end()]).toEqual(parseCsv(text));
  });
});

describe('CsvParser.stop', () => {
  it.each([
    ['a record whose line break was read', 'email\na@x.io\n', ok(['email'], ['a@x.io'])],
    ['a record ending in CR', 'email\ra@x.io\r', ok(['email'], ['a@x.io'])],
    ['a quoted cell closed just before the line break', 'email\n"a@x.io"\n', ok(['email'], ['a@x.io'])],
    ['not a record cut short', 'email\na@x.io\nb@x', ok(['email'], ['a@x.io'])],
    ['not a line break inside quotes', 'email\n"a@x.io\n', ok(['email'])],
  ])('returns %s', (_name, text, expected) => {
    const parser = new CsvParser();
    expect([...parser.push(text), ...parser.stop()]).toEqual(expected);
  });
});
