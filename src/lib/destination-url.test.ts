import { describe, expect, it } from 'vitest';
import { normaliseDestination, redirectTargetOf } from './destination-url.ts';
import { AppError } from './errors.ts';

describe('normaliseDestination', () => {
  it.each([
    {
      name: 'a plain ASCII URL is kept byte for byte',
      input: 'https://shop.test/sale?a=1&b=2#top',
      stored: 'https://shop.test/sale?a=1&b=2#top',
    },
    {
      name: 'as written, even where a browser would re-spell it (a signed link stays valid)',
      input: 'HTTPS://Shop.Test:443/a/../b?q="x"&sig=AbC%2f',
      stored: 'HTTPS://Shop.Test:443/a/../b?q="x"&sig=AbC%2f',
    },
    {
      name: 'an IDN host becomes punycode, a non-ASCII path and query UTF-8 percent-encoded',
      input: 'https://bücher.example/straße?q=ä',
      stored: 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4',
    },
    {
      name: 'an emoji path',
      input: 'https://shop.test/🎉/sale',
      stored: 'https://shop.test/%F0%9F%8E%89/sale',
    },
    { name: 'an emoji host', input: 'https://☃.example/', stored: 'https://xn--n3h.example/' },
    {
      name: 'a non-ASCII fragment',
      input: 'https://shop.test/#größe',
      stored: 'https://shop.test/#gr%C3%B6%C3%9Fe',
    },
    {
      name: 'spaces inside are encoded',
      input: 'https://shop.test/spring sale?q=a b',
      stored: 'https://shop.test/spring%20sale?q=a%20b',
    },
    { name: 'spaces around are trimmed', input: '  https://shop.test/x  ', stored: 'https://shop.test/x' },
    { name: 'http is accepted', input: 'http://shop.test/', stored: 'http://shop.test/' },
    {
      name: 'an encoded percent is not a control character',
      input: 'https://shop.test/?p=%250a',
      stored: 'https://shop.test/?p=%250a',
    },
    {
      name: 'Latin-1 text (valid in a header, but sent as raw bytes) is encoded too',
      input: 'https://shop.test/café',
      stored: 'https://shop.test/caf%C3%A9',
    },
  ])('$name', ({ input, stored }) => {
    const result = normaliseDestination(input);
    expect(result).toBe(stored);
    expect(result).toMatch(/^[\x21-\x7e]+$/);
  });

  it.each([
    {
      name: 'encoded CR LF',
      input: 'https://shop.test/%0d%0aSet-Cookie:x',
      problem: /encoded control character/,
    },
    {
      name: 'encoded CR LF, capitals',
      input: 'https://shop.test/?q=%0D%0ASet-Cookie:x',
      problem: /encoded control/,
    },
    { name: 'encoded NUL', input: 'https://shop.test/%00', problem: /encoded control/ },
    { name: 'encoded DEL', input: 'https://shop.test/#%7F', problem: /encoded control/ },
    { name: 'encoded tab', input: 'https://shop.test/?a=%09', problem: /encoded control/ },
    { name: 'raw CR LF', input: 'https://shop.test/\r\nSet-Cookie: x', problem: /control character/ },
    { name: 'raw LF at the end', input: 'https://shop.test/\n', problem: /control character/ },
    { name: 'raw NUL', input: 'https://shop.test/\u0000', problem: /control character/ },
    { name: 'raw tab', input: 'https://shop.\ttest/', problem: /control character/ },
    { name: 'raw DEL', input: 'https://shop.test/\u007f', problem: /control character/ },
    { name: 'a C1 control', input: 'https://shop.test/\u0085', problem: /control character/ },
    { name: 'javascript:', input: 'javascript:alert(1)', problem: /must be an http or https URL/ },
    { name: 'data:', input: 'data:text/html,<script>alert(1)</script>', problem: /http or https/ },
    { name: 'mailto:', input: 'mailto:a@b.test', problem: /http or https/ },
    { name: 'relative', input: '/thanks', problem: /not an absolute URL/ },
    { name: 'no host', input: 'https://', problem: /not an absolute URL/ },
    { name: 'empty', input: '', problem: /not an absolute URL/ },
    // (Not a malformed punycode label such as xn--a: Node 20 refuses it, Node 24's newer URL standard accepts it.)
    { name: 'a space in the host', input: 'https://a b.example/', problem: /not an absolute URL/ },
    {
      name: 'a forbidden character in the host',
      input: 'https://exa%mple.com/',
      problem: /not an absolute URL/,
    },
    {
      name: 'very long',
      input: `https://shop.test/?q=${'a'.repeat(5000)}`,
      problem: /longer than 4,096 characters/,
    },
    {
      name: 'long only once encoded',
      input: `https://shop.test/?q=${'ä'.repeat(1000)}`,
      problem: /longer than 4,096 characters/,
    },
  ])('refuses $name with a 422 naming the problem', ({ input, problem }) => {
    let thrown: unknown;
    try {
      normaliseDestination(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('unprocessable');
    expect((thrown as AppError).message).toMatch(problem);
    expect((thrown as AppError).message).toMatch(/^The address ".*"/s);
  });
});

describe('redirectTargetOf (a stored value, at redirect time)', () => {
  it.each([
    { stored: 'https://shop.test/x', target: 'https://shop.test/x' },
    {
      stored: 'https://bücher.example/straße?q=ä',
      target: 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4',
    },
    { stored: 'https://shop.test/\r\nSet-Cookie: x', target: null },
    { stored: 'javascript:alert(1)', target: null },
    { stored: 'not a url', target: null },
  ])('$stored → $target', ({ stored, target }) => {
    expect(redirectTargetOf(stored)).toBe(target);
  });
});
