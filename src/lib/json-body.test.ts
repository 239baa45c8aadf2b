import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body.ts';

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

function refusal(text: string): string | null {
  try {
    parseJsonBody(text);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('bad_request');
    return (error as AppError).message;
  }
}

describe('parseJsonBody', () => {
  it.each([
    ['an object', '{"w":"abc","e":"evt","t":"pv"}', { w: 'abc', e: 'evt', t: 'pv' }],
    ['a number', '42', 42],
    ['an array', '[1,"two",null]', [1, 'two', null]],
    ['the deepest allowed array', nested(MAX_JSON_DEPTH), JSON.parse(nested(MAX_JSON_DEPTH))],
    ['the deepest allowed object', nestedObjects(MAX_JSON_DEPTH), JSON.parse(nestedObjects(MAX_JSON_DEPTH))],
    ['many brackets inside strings', JSON.stringify({ a: '['.repeat(1000) }), { a: '['.repeat(1000) }],
    ['an escaped backslash before u0000 (no NUL)', '{"a":"\\\\u0000"}', { a: '\\u0000' }],
    ['a "constructor" key without prototype', '{"constructor":"x"}', { constructor: 'x' }],
    ['astral and RTL text', '{"a":"😀\u202e"}', { a: '😀\u202e' }],
  ])('accepts %s', (_name, text, value) => {
    expect(parseJsonBody(text)).toEqual(value);
  });

  it.each([
    ['one level too deep (arrays)', nested(MAX_JSON_DEPTH + 1), `deeper than ${MAX_JSON_DEPTH} levels`],
    [
      'one level too deep (objects)',
      nestedObjects(MAX_JSON_DEPTH + 1),
      `deeper than ${MAX_JSON_DEPTH} levels`,
    ],
    ['100,000 levels', nested(100_000), `deeper than ${MAX_JSON_DEPTH} levels`],
    ['NUL in a value', '{"a":"x\\u0000y"}', 'NUL character'],
    ['NUL in a nested value', '{"a":[{"b":["\\u0000"]}]}', 'NUL character'],
    ['NUL in a key', '{"a\\u0000":1}', 'NUL character'],
    ['a NUL string alone', '"\\u0000"', 'NUL character'],
    ['a __proto__ key', '{"__proto__":{"admin":true}}', '"__proto__"'],
    ['a __proto__ key spelled with escapes', '{"\\u005f_proto\\u005f_":{"admin":true}}', '"__proto__"'],
    ['constructor.prototype spelled with escapes', '{"\\u0063onstructor":{"prototype":{}}}', '"constructor"'],
    ['a nested __proto__ key', '{"a":{"__proto__":{}}}', '"__proto__"'],
    ['constructor.prototype', '{"constructor":{"prototype":{"x":1}}}', '"constructor"'],
    ['an empty body', '', 'empty'],
    ['whitespace only', '  \n', 'empty'],
    ['not JSON', 'not json', 'not valid JSON'],
    ['a cut-off document', '{"a":', 'not valid JSON'],
  ])('refuses %s', (_name, text, words) => {
    expect(refusal(text)).toContain(words);
  });
});
