import { describe, expect, it } from 'vitest';
import { type FormInput, refineFormInput } from './form-definition.ts';

const input = (overrides: Partial<FormInput>): FormInput => ({
  name: 'Contact us',
  fields: [{ key: 'email', type: 'email', label: 'Email' }],
  ...overrides,
});
const withPattern = (pattern: string) =>
  input({ fields: [{ key: 'zip', type: 'text', label: 'Postcode', pattern }] });

describe('refineFormInput', () => {
  it.each([
    { pattern: '(\\d)\\1{4}', problem: 'backreferences such as \\1 are not supported' },
    { pattern: '(?=.*\\d).{5}', problem: 'lookahead such as (?=…) or (?!…) is not supported' },
    { pattern: '(?<!0)\\d{5}', problem: 'lookbehind such as (?<=…) or (?<!…) is not supported' },
    { pattern: '[0-9', problem: 'it is not a valid regular expression (missing closing ]: `[0-9`)' },
  ])('refuses the pattern $pattern, naming the field', ({ pattern, problem }) => {
    expect(refineFormInput(withPattern(pattern)).problems).toEqual([
      `Field "zip" has a pattern Spoor cannot use: ${problem}. Patterns use RE2 syntax, which always runs in linear time.`,
    ]);
  });

  it.each(['\\d{5}', '([A-Za-z0-9]+\\s?)+', '(a+)+$', '\\p{Lu}\\p{Ll}+', 'caf\\u00e9'])(
    'accepts %s',
    (pattern) => {
      expect(refineFormInput(withPattern(pattern)).problems).toEqual([]);
    },
  );

  it.each([
    {
      url: 'https://bücher.example/danke?name=Jürgen',
      stored: 'https://xn--bcher-kva.example/danke?name=J%C3%BCrgen',
    },
    { url: 'https://shop.test/thanks?from=form', stored: 'https://shop.test/thanks?from=form' },
  ])('stores the redirect $url as $stored', ({ url, stored }) => {
    const refined = refineFormInput(input({ afterSubmit: { kind: 'redirect', url } }));
    expect(refined).toEqual({ input: expect.anything(), problems: [] });
    expect(refined.input.afterSubmit).toEqual({ kind: 'redirect', url: stored });
  });

  it.each([
    { url: 'https://shop.test/%0d%0aSet-Cookie:x', problem: /encoded control character/ },
    { url: 'https://shop.test/\r\nSet-Cookie: x', problem: /control character/ },
    { url: `https://shop.test/?q=${'x'.repeat(4100)}`, problem: /longer than 4,096 characters/ },
  ])('refuses the redirect $url', ({ url, problem }) => {
    const { problems } = refineFormInput(input({ afterSubmit: { kind: 'redirect', url } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^The redirect cannot be used\. The address /);
    expect(problems[0]).toMatch(problem);
  });
});
