import { describe, expect, it } from 'vitest';
import { checkOriginPattern, isOriginAllowed } from './origin-rules.ts';

describe('isOriginAllowed', () => {
  it.each([
    { origin: 'https://www.shop.test', allowed: ['https://www.shop.test'], expected: true },
    { origin: 'https://www.shop.test', allowed: ['https://www.shop.test/'], expected: true },
    { origin: 'http://www.shop.test', allowed: ['https://www.shop.test'], expected: false },
    { origin: 'https://www.shop.test:8443', allowed: ['https://www.shop.test'], expected: false },
    { origin: 'https://blog.shop.test', allowed: ['https://*.shop.test'], expected: true },
    { origin: 'https://shop.test', allowed: ['https://*.shop.test'], expected: false },
    { origin: 'https://evilshop.test', allowed: ['https://*.shop.test'], expected: false },
    { origin: 'https://a.b.shop.test', allowed: ['https://*.shop.test'], expected: true },
    { origin: 'https://x.test', allowed: ['*'], expected: true },
    { origin: 'null', allowed: ['https://www.shop.test'], expected: false },
    { origin: 'https://www.shop.test.evil.com', allowed: ['https://www.shop.test'], expected: false },
  ])('$origin against $allowed → $expected', ({ origin, allowed, expected }) => {
    expect(isOriginAllowed(origin, allowed)).toBe(expected);
  });
});

describe('checkOriginPattern', () => {
  it.each([
    { pattern: 'https://www.shop.test', ok: true },
    { pattern: 'https://*.shop.test', ok: true },
    { pattern: 'http://localhost:8080', ok: true },
    { pattern: '*', ok: true },
    { pattern: 'www.shop.test', ok: false },
    { pattern: 'https://www.shop.test/path', ok: false },
    { pattern: 'ftp://shop.test', ok: false },
  ])('$pattern → ok=$ok', ({ pattern, ok }) => {
    expect(checkOriginPattern(pattern) === null).toBe(ok);
  });
});
