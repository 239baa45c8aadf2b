import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileUserPattern, matchesWhole } from './user-pattern.ts';

// Patterns that make a backtracking engine take time exponential in the input, each with inputs built to
// trigger it (a long run that almost matches). RE2 answers them in one pass; the verdicts must be right.
const CATASTROPHIC: { pattern: string; value: string; matches: boolean }[] = [
  { pattern: '(a+)+$', value: `${'a'.repeat(5000)}!`, matches: false },
  { pattern: '(a+)+$', value: 'a'.repeat(5000), matches: true },
  { pattern: '(a|a)*$', value: `${'a'.repeat(5000)}b`, matches: false },
  { pattern: '(a|aa)+$', value: `${'a'.repeat(5000)}b`, matches: false },
  { pattern: '(a|aa)+$', value: 'a'.repeat(5000), matches: true },
  { pattern: '([A-Za-z0-9]+\\s?)+', value: `${'a1'.repeat(2500)}!`, matches: false },
  { pattern: '([A-Za-z0-9]+\\s?)+', value: 'Ada Lovelace 1815', matches: true },
  { pattern: '(x+x+)+y', value: 'x'.repeat(5000), matches: false },
  { pattern: '(x+x+)+y', value: `${'x'.repeat(5000)}y`, matches: true },
  { pattern: '(\\w+\\s?)*$', value: `${'word '.repeat(1000)}!`, matches: false },
  { pattern: '(.*a){12}', value: 'a'.repeat(5000), matches: true },
  { pattern: '(.*a){12}', value: `${'a'.repeat(11)}${'b'.repeat(5000)}`, matches: false },
  // Email checks copied from the web (OWASP's ReDoS examples and the classic "valid email" regex).
  {
    pattern:
      '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
    value: `${'a'.repeat(5000)}!`,
    matches: false,
  },
  {
    pattern:
      '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
    value: 'ada.lovelace@example.co.uk',
    matches: true,
  },
  {
    pattern: '^[\\w.+-]+@([\\w-]+\\.)+[\\w-]{2,}$',
    value: `a@${'b.'.repeat(2500)}!`,
    matches: false,
  },
  { pattern: '^(([a-z])+.)+[A-Z]([a-z])+$', value: `${'a'.repeat(5000)}!`, matches: false },
];

describe('compileUserPattern', () => {
  it.each(CATASTROPHIC.map((c) => c.pattern))('compiles %s to the RE2 engine', (pattern) => {
    const compiled = compileUserPattern(pattern);
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.pattern).toBeInstanceOf(RE2JS);
  });

  it.each([
    { pattern: '(a)\\1', problem: 'backreferences such as \\1 are not supported' },
    { pattern: '(?<x>a)\\k<x>', problem: 'named backreferences such as \\k<name> are not supported' },
    { pattern: '(?=.*\\d)[a-z0-9]+', problem: 'lookahead such as (?=…) or (?!…) is not supported' },
    { pattern: '(?!admin)\\w+', problem: 'lookahead such as (?=…) or (?!…) is not supported' },
    { pattern: '(?<=@)\\w+', problem: 'lookbehind such as (?<=…) or (?<!…) is not supported' },
    { pattern: '(?<!x)y', problem: 'lookbehind such as (?<=…) or (?<!…) is not supported' },
    { pattern: 'a*+', problem: 'a repetition cannot follow another one (such as *+, ++ or **)' },
    { pattern: 'a{1001}', problem: 'a repeat count is above 1000, or nested counts multiply past it' },
    { pattern: '(\\w{1,1000}){1,1000}', problem: 'it is too large (nested repeat counts multiply)' },
    { pattern: '[a-', problem: 'it is not a valid regular expression (missing closing ]: `[a-`)' },
    { pattern: 'a)|(b', problem: 'it is not a valid regular expression (unexpected ): `a)|(b`)' },
  ])('refuses $pattern: $problem', ({ pattern, problem }) => {
    expect(compileUserPattern(pattern)).toEqual({ ok: false, problem });
  });
});

describe('matchesWhole', () => {
  it.each(CATASTROPHIC)('$pattern against a crafted value of $value.length characters → $matches', (c) => {
    expect(matchesWhole(c.pattern, c.value)).toBe(c.matches);
  });

  it.each([
    { name: 'the whole value must match', pattern: '[A-Z].*', value: 'Engineer', matches: true },
    { name: 'a prefix is not enough', pattern: '\\d{3}', value: '1234', matches: false },
    {
      name: 'an alternative that matches only a prefix still lets another match all',
      pattern: 'a|ab',
      value: 'ab',
      matches: true,
    },
    { name: 'JavaScript \\u escapes mean the same', pattern: 'caf\\u00e9', value: 'café', matches: true },
    { name: 'JavaScript \\u{…} escapes', pattern: '\\u{1F600}+', value: '😀😀', matches: true },
    {
      name: 'an escaped surrogate pair is one character',
      pattern: '\\uD83D\\uDE00',
      value: '😀',
      matches: true,
    },
    {
      name: 'an escaped backslash before u is a backslash',
      pattern: '\\\\u0041',
      value: '\\u0041',
      matches: true,
    },
    { name: 'JavaScript named groups', pattern: '(?<zip>\\d{5})', value: '75001', matches: true },
    { name: 'a slash needs no escaping', pattern: '\\d+/\\d+', value: '3/4', matches: true },
    { name: 'Unicode letters', pattern: '\\p{L}+', value: 'Ærø', matches: true },
    { name: 'one character is one code point', pattern: '.', value: '😀', matches: true },
    { name: 'case-insensitive flag group', pattern: '(?i)fr|de', value: 'FR', matches: true },
    { name: '. does not match a line break', pattern: 'a.b', value: 'a\nb', matches: false },
  ])('$name', ({ pattern, value, matches }) => {
    expect(matchesWhole(pattern, value)).toBe(matches);
  });

  it('a pattern RE2 cannot run gives no verdict (never a backtracking engine)', () => {
    expect(matchesWhole('(a)\\1', 'aa')).toBeNull();
  });
});
