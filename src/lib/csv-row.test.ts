import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from './csv-row.ts';

describe('csvField', () => {
  it.each([
    ['plain', 'ada@mail.example', 'ada@mail.example'],
    ['a number', 42, '42'],
    ['nothing', null, ''],
    ['a comma', 'Lovelace, Ada', '"Lovelace, Ada"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'two\nlines', '"two\nlines"'],
    ['a formula', '=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['a plus', '+1 555', "'+1 555"],
    ['a minus', '-2', "'-2"],
    ['an at sign', '@SUM(A1)', "'@SUM(A1)"],
  ])('%s', (_case, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('ends a row with CRLF', () => {
    expect(csvRow(['a', 1, null])).toBe('a,1,\r\n');
  });
});
