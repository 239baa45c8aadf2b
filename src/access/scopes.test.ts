import { describe, expect, it } from 'vitest';
import { type AdminArea, parseScopes, type Scope, scopesAllow, storedScopes } from './scopes.ts';

describe('scopesAllow', () => {
  const cases: [Scope[], AdminArea | undefined, string, boolean][] = [
    [['full'], 'tracking', 'POST', true],
    [['full'], undefined, 'DELETE', true],
    [['read-only'], 'tracking', 'GET', true],
    [['read-only'], 'email', 'HEAD', true],
    [['read-only'], 'contacts', 'get', true],
    [['read-only'], 'tracking', 'POST', false],
    [['read-only'], 'contacts', 'DELETE', false],
    [['read-only'], undefined, 'GET', false],
    [['tracking'], 'tracking', 'PATCH', true],
    [['tracking'], 'contacts', 'POST', true],
    [['tracking'], 'email', 'POST', false],
    [['tracking'], 'email', 'GET', false],
    [['email'], 'email', 'DELETE', true],
    [['email'], 'contacts', 'PATCH', true],
    [['email'], 'tracking', 'GET', false],
    [['email'], 'tracking', 'POST', false],
    [['read-only', 'email'], 'tracking', 'GET', true],
    [['read-only', 'email'], 'tracking', 'POST', false],
    [['read-only', 'email'], 'email', 'POST', true],
    [['tracking', 'email'], 'email', 'PUT', true],
    [[], 'tracking', 'GET', false],
  ];
  it.each(cases)('%j on %s %s → %s', (scopes, area, method, allowed) => {
    expect(scopesAllow(scopes, area, method)).toBe(allowed);
  });
});

describe('parseScopes', () => {
  it.each([
    [[], ['full']],
    [['read-only'], ['read-only']],
    [['read-only,Tracking'], ['read-only', 'tracking']],
    [['email', 'email'], ['email']],
    [[' full '], ['full']],
  ])('%j → %j', (input, scopes) => expect(parseScopes(input)).toEqual(scopes));
  it('refuses an unknown scope by name', () => {
    expect(() => parseScopes(['admin'])).toThrow('Unknown scope "admin"');
  });
});

describe('storedScopes', () => {
  it.each([
    [null, ['full']],
    ['', ['full']],
    ['read-only', ['read-only']],
    ['tracking,email', ['tracking', 'email']],
  ])('%j → %j', (stored, scopes) => expect(storedScopes(stored)).toEqual(scopes));
});
