import { describe, expect, it } from 'vitest';
import type { BlockReason } from '../../storage/schema.ts';
import { blockReasonOf, type PermissionFacts } from './permission-rules.ts';

const ok: PermissionFacts = {
  memberships: 1,
  subscribed: 1,
  doNotEmail: false,
  email: 'ada@example.com',
  suppressed: false,
};

describe('blockReasonOf', () => {
  it.each<[string, Partial<PermissionFacts>, BlockReason | null]>([
    ['subscribed, with an address', {}, null],
    ['on two lists, subscribed to one', { memberships: 2, subscribed: 1 }, null],
    ['unsubscribed from the only list', { subscribed: 0 }, 'unsubscribed'],
    ['unsubscribed from both lists it is on', { memberships: 2, subscribed: 0 }, 'unsubscribed'],
    ['removed from every list since preparing', { memberships: 0, subscribed: 0 }, 'unsubscribed'],
    ['do-not-email', { doNotEmail: true }, 'do_not_email'],
    ['no address', { email: null }, 'no_address'],
    ['a blank address', { email: '  ' }, 'no_address'],
    ['an address that hard-bounced before', { suppressed: true }, 'hard_bounced'],
    [
      'unsubscribed and do-not-email: the list choice wins',
      { subscribed: 0, doNotEmail: true },
      'unsubscribed',
    ],
    ['do-not-email without an address', { doNotEmail: true, email: null }, 'do_not_email'],
    ['do-not-email and suppressed', { doNotEmail: true, suppressed: true }, 'do_not_email'],
  ])('%s', (_label, facts, expected) => {
    expect(blockReasonOf({ ...ok, ...facts })).toBe(expected);
  });
});
