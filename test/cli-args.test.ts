// The CLI's argument rules, as a table: ids that start with "-" are arguments, not options.
import { describe, expect, it } from 'vitest';
import { apiKeysCreate, apiKeysRevoke } from '../src/cli/api-keys-commands.ts';
import { CliError, parseCommandArgs } from '../src/cli/command.ts';
import { importCsv } from '../src/cli/import-command.ts';

const DASHED_ID = '-Xq3vT0bq1Zr9Yw2Lk8MnA';
const DOUBLE_DASHED_ID = '--q3vT0bq1Zr9Yw2Lk8MnA';

describe('CLI arguments', () => {
  it.each([
    ['an ordinary id', apiKeysRevoke, ['abcDEF0123456789_-xyzA'], ['abcDEF0123456789_-xyzA']],
    ['an id that starts with "-"', apiKeysRevoke, [DASHED_ID], [DASHED_ID]],
    ['an id that starts with "--"', apiKeysRevoke, [DOUBLE_DASHED_ID], [DOUBLE_DASHED_ID]],
    ['an id after "--"', apiKeysRevoke, ['--', DASHED_ID], [DASHED_ID]],
    ['a name', apiKeysRevoke, ['deploy bot'], ['deploy bot']],
    ['a dashed id beside an option', apiKeysCreate, ['--scope', 'full', DASHED_ID], [DASHED_ID]],
  ])('%s is a positional', (_, command, args, positionals) => {
    expect(parseCommandArgs(command, args).positionals).toEqual(positionals);
  });

  it('a dashed value of a string option stays with its option: inline it is the value, apart it is misuse with a hint', () => {
    const inline = parseCommandArgs(importCsv, [`--charset=${DASHED_ID}`, 'contacts.csv']);
    expect(inline.values['charset']).toBe(DASHED_ID);
    expect(inline.positionals).toEqual(['contacts.csv']);
    expect(() => parseCommandArgs(importCsv, ['--charset', DASHED_ID, 'contacts.csv'])).toThrow(
      `use '--charset=-XYZ'`,
    );
  });

  it.each([
    ['an unknown option', apiKeysRevoke, ['--force', 'x']],
    ['a typo of an option', importCsv, ['--jsno', 'contacts.csv']],
    ['two positionals', apiKeysRevoke, ['a', DASHED_ID]],
    ['none', apiKeysRevoke, []],
  ])('%s is misuse (exit 2)', (_, command, args) => {
    let thrown: unknown;
    try {
      parseCommandArgs(command, args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).exitCode).toBe(2);
  });
});
