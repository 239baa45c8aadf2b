import { describe, expect, it } from 'vitest';
import {
  type Access,
  type AdminArea,
  type Grant,
  grantAllows,
  parseScopes,
  permissionsOf,
  type Scope,
  scopesAllow,
  storedScopes,
} from './scopes.ts';

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
    [['full'], 'administration', 'POST', true],
    [['full'], 'administration', 'GET', true],
    [['read-only'], 'administration', 'GET', false],
    [['tracking'], 'administration', 'GET', false],
    [['email'], 'administration', 'DELETE', false],
    [['tracking', 'email', 'read-only'], 'administration', 'GET', false],
  ];
  it.each(cases)('%j on %s %s → %s', (scopes, area, method, allowed) => {
    expect(scopesAllow(scopes, area, method)).toBe(allowed);
  });
});

describe('grantAllows (roles)', () => {
  const cases: [Grant, AdminArea | undefined, Access, boolean][] = [
    [{ role: 'administrator' }, 'administration', 'write', true],
    [{ role: 'administrator' }, 'tracking', 'write', true],
    [{ role: 'administrator' }, undefined, 'write', true],
    [{ role: 'marketer' }, 'tracking', 'write', true],
    [{ role: 'marketer' }, 'contacts', 'write', true],
    [{ role: 'marketer' }, 'email', 'write', true],
    [{ role: 'marketer' }, 'email', 'read', true],
    [{ role: 'marketer' }, 'administration', 'read', false],
    [{ role: 'marketer' }, 'administration', 'write', false],
    [{ role: 'marketer' }, undefined, 'read', false],
    [{ role: 'analyst' }, 'tracking', 'read', true],
    [{ role: 'analyst' }, 'contacts', 'read', true],
    [{ role: 'analyst' }, 'email', 'read', true],
    [{ role: 'analyst' }, 'tracking', 'write', false],
    [{ role: 'analyst' }, 'contacts', 'write', false],
    [{ role: 'analyst' }, 'email', 'write', false],
    [{ role: 'analyst' }, 'administration', 'read', false],
    [{ role: 'owner' } as unknown as Grant, 'tracking', 'read', false],
  ];
  it.each(cases)('%j on %s (%s) → %s', (grant, area, access, allowed) => {
    expect(grantAllows(grant, area, access)).toBe(allowed);
  });

  it('maps every area for the dashboard', () => {
    expect(permissionsOf({ role: 'analyst' })).toEqual({
      tracking: { read: true, write: false },
      contacts: { read: true, write: false },
      email: { read: true, write: false },
      administration: { read: false, write: false },
    });
    expect(permissionsOf({ scopes: ['email'] })).toEqual({
      tracking: { read: false, write: false },
      contacts: { read: true, write: true },
      email: { read: true, write: true },
      administration: { read: false, write: false },
    });
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
