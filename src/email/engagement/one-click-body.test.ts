import { describe, expect, it } from 'vitest';
import { checkOneClickBody, parseMultipartFields } from './one-click-body.ts';

const multipart = (boundary: string, parts: [string, string][]) =>
  parts
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('') + `--${boundary}--\r\n`;

describe('parseMultipartFields', () => {
  it.each([
    { type: 'multipart/form-data; boundary=abc123', boundary: 'abc123' },
    { type: 'multipart/form-data; boundary="quoted-boundary"', boundary: 'quoted-boundary' },
    {
      type: 'Multipart/Form-Data;charset=utf-8;  boundary=----WebKitFormBoundaryX',
      boundary: '----WebKitFormBoundaryX',
    },
  ])('reads the one-click field ($type)', ({ type, boundary }) => {
    const body = multipart(boundary, [['List-Unsubscribe', 'One-Click']]);
    expect(parseMultipartFields(body, type)).toEqual({ 'List-Unsubscribe': 'One-Click' });
  });

  it('reads several fields and ignores the preamble and epilogue', () => {
    const body = `preamble\r\n${multipart('b', [
      ['a', '1'],
      ['b', 'two words'],
    ])}epilogue`;
    expect(parseMultipartFields(body, 'multipart/form-data; boundary=b')).toEqual({ a: '1', b: 'two words' });
  });

  it.each([
    { name: 'no boundary', type: 'multipart/form-data', body: '--x\r\n\r\n' },
    {
      name: 'a part without headers',
      type: 'multipart/form-data; boundary=x',
      body: '--x\r\nno blank line--x--',
    },
  ])('refuses $name', ({ type, body }) => {
    expect(() => parseMultipartFields(body, type)).toThrow(/multipart/);
  });
});

describe('checkOneClickBody', () => {
  it.each([
    { name: 'no body', body: undefined, ok: true },
    { name: 'empty string', body: '', ok: true },
    { name: 'empty form', body: {}, ok: true },
    { name: 'the one-click field', body: { 'List-Unsubscribe': 'One-Click' }, ok: true },
    { name: 'another value', body: { 'List-Unsubscribe': 'Yes' }, ok: false },
    { name: 'an extra field', body: { 'List-Unsubscribe': 'One-Click', list: 'all' }, ok: false },
    { name: 'a repeated field', body: { 'List-Unsubscribe': ['One-Click', 'One-Click'] }, ok: false },
    { name: 'another field only', body: { email: 'a@b.test' }, ok: false },
    { name: 'an array', body: [], ok: false },
    { name: 'text', body: 'unsubscribe me', ok: false },
  ])('$name → accepted: $ok', ({ body, ok }) => {
    if (ok) expect(() => checkOneClickBody(body)).not.toThrow();
    else expect(() => checkOneClickBody(body)).toThrow(/List-Unsubscribe=One-Click/);
  });
});
