import { describe, expect, it } from 'vitest';
import { formBodyHoldsNul, requestHoldsNul } from './nul.ts';

describe('requestHoldsNul', () => {
  it.each([
    ['a plain path', '/api/contacts/abc', {}, false],
    ['an encoded NUL in a path id', '/api/contacts/a%00b', {}, true],
    ['an encoded NUL in a query value', '/api/contacts?q=%00', {}, true],
    ['an encoded NUL in a query key', '/api/contacts?%00=1', {}, true],
    ['a raw NUL', '/p/a\u0000', {}, true],
    ['a literal "%00" sent as %2500', '/api/contacts?q=%2500', {}, false],
    ['other encoded bytes', '/api/contacts?q=%01%C3%A9', {}, false],
    ['NUL in the user agent', '/c', { 'user-agent': 'Mozilla\u0000' }, true],
    ['NUL in the referrer', '/c', { referer: 'https://a.example/\u0000' }, true],
    ['NUL in a repeated origin', '/c', { origin: ['https://a.example', '\u0000'] }, true],
    ['NUL in a header Spoor does not store', '/c', { 'x-other': '\u0000' }, false],
    ['ordinary headers', '/c', { 'user-agent': 'Mozilla/5.0', referer: 'https://a.example/' }, false],
  ])('%s', (_name, url, headers, expected) => {
    expect(requestHoldsNul(url, headers)).toBe(expected);
  });
});

describe('formBodyHoldsNul', () => {
  it.each([
    ['email=a%40b.example&name=Ann', false],
    ['name=a%00b', true],
    ['name=a\u0000b', true],
    ['name=100%2500', false],
  ])('%s', (body, expected) => {
    expect(formBodyHoldsNul(body)).toBe(expected);
  });
});
