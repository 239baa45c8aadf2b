import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.ts';
import { parseFormBody } from './form-body.ts';

describe('parseFormBody', () => {
  it.each([
    ['', {}],
    ['a=1', { a: '1' }],
    ['a=1&b=two+words', { a: '1', b: 'two words' }],
    ['a=1&a=2', { a: ['1', '2'] }],
    ['a=1&a=2&a=3', { a: ['1', '2', '3'] }],
    [
      'email=x%40example.com&List-Unsubscribe=One-Click',
      { email: 'x@example.com', 'List-Unsubscribe': 'One-Click' },
    ],
  ])('%j → %j', (body, fields) => {
    expect(parseFormBody(body)).toEqual(fields);
  });

  it.each(['a=%00', 'a%00=1', 'a=\u0000'])('refuses a NUL: %j', (body) => {
    expect(() => parseFormBody(body)).toThrow(AppError);
  });
});
