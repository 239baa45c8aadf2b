import { describe, expect, it } from 'vitest';
import { Seal } from '../platform/seal.ts';
import { HANDOFF_LIFETIME_MS, signHandoff, verifyHandoff, withHandoff } from './handoff.ts';

// The install's seal, and another install's (same key version, another secret).
const hash = new Seal([{ version: 1, secret: Buffer.alloc(32, 'test-secret') }]);
const otherHash = new Seal([{ version: 1, secret: Buffer.alloc(32, 'other-secret') }]);
const VISITOR = 'Kq3xT0b5mJ2nYp8wZr1uVg';
const NOW = 1_800_000_000_000;

describe('email click handoff', () => {
  const token = signHandoff(hash, VISITOR, NOW);

  it('names the visitor until it expires', () => {
    expect(verifyHandoff(hash, token, NOW)).toBe(VISITOR);
    expect(verifyHandoff(hash, token, NOW + HANDOFF_LIFETIME_MS)).toBe(VISITOR);
    expect(verifyHandoff(hash, token, NOW + HANDOFF_LIFETIME_MS + 1)).toBeNull();
  });

  it.each([
    ['another visitor id', token.replace(VISITOR, 'Zz9yXx8wWw7vVv6uUu5tTt')],
    [
      'a later expiry',
      token.replace(/\.([0-9a-z]+)\./, (_m, e: string) => `.${(Number.parseInt(e, 36) + 1e6).toString(36)}.`),
    ],
    ['a truncated MAC', token.slice(0, -2)],
    ['no MAC', token.split('.').slice(0, 2).join('.')],
    ['an extra part', `${token}.x`],
    ['garbage', 'not-a-token'],
    ['empty', ''],
  ])('refuses %s', (_label, altered) => {
    expect(verifyHandoff(hash, altered, NOW)).toBeNull();
  });

  it("refuses a token made with another install's key", () => {
    expect(verifyHandoff(hash, signHandoff(otherHash, VISITOR, NOW), NOW)).toBeNull();
  });

  it.each([
    ['https://www.shop.test/sale', 'https://www.shop.test/sale?spoor_h=T'],
    ['https://www.shop.test/sale?utm_source=email', 'https://www.shop.test/sale?utm_source=email&spoor_h=T'],
    ['https://www.shop.test/sale#top', 'https://www.shop.test/sale?spoor_h=T#top'],
  ])('adds the token to %s', (destination, expected) => {
    expect(withHandoff(destination, 'T')).toBe(expected);
  });
});
