import { describe, expect, it } from 'vitest';
import {
  compareFeedPositions,
  decodeFeedCursor,
  encodeFeedCursor,
  FEED_START,
  type FeedPosition,
} from './feed-cursor.ts';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('feed cursor', () => {
  it.each([
    ['the start', FEED_START],
    ['a SQLite position', { xid: '0', seq: 42 }],
    ['a PostgreSQL position', { xid: '18446744073709551615', seq: Number.MAX_SAFE_INTEGER }],
  ])('round-trips %s and is opaque', (_name, position) => {
    const cursor = encodeFeedCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeFeedCursor(cursor)).toEqual(position);
  });

  it.each([
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an object', raw({ xid: '1', seq: 1 })],
    ['three parts', raw(['1', 1, 1])],
    ['a numeric xid', raw([1, 1])],
    ['a negative xid', raw(['-1', 1])],
    ['a leading zero', raw(['01', 1])],
    ['an xid past 64 bits', raw(['18446744073709551616', 1])],
    ['a float sequence', raw(['1', 1.5])],
    ['a negative sequence', raw(['1', -1])],
    ['a string sequence', raw(['1', '1'])],
    ['an unsafe sequence', raw(['1', 2 ** 53])],
    ['too long', 'a'.repeat(101)],
  ])('refuses %s', (_name, cursor) => {
    expect(() => decodeFeedCursor(cursor)).toThrow('cursor is not one this API returned.');
  });
});

describe('compareFeedPositions: commit order', () => {
  const p = (xid: string, seq: number): FeedPosition => ({ xid, seq });
  it.each([
    // A later transaction comes after an earlier one even with a lower sequence (PostgreSQL hands out
    // sequence numbers before commit, so a later commit can hold a lower number).
    { a: p('10', 7), b: p('11', 3), expected: -1 },
    { a: p('11', 3), b: p('10', 7), expected: 1 },
    // Within one transaction, by sequence.
    { a: p('10', 3), b: p('10', 4), expected: -1 },
    { a: p('10', 4), b: p('10', 4), expected: 0 },
    // SQLite: the transaction part is always 0.
    { a: p('0', 9), b: p('0', 10), expected: -1 },
    // Compared as 64-bit numbers, not as strings or doubles.
    { a: p('9', 1), b: p('10', 1), expected: -1 },
    { a: p('18446744073709551614', 1), b: p('18446744073709551615', 1), expected: -1 },
  ])('$a.xid/$a.seq vs $b.xid/$b.seq', ({ a, b, expected }) => {
    expect(Math.sign(compareFeedPositions(a, b))).toBe(expected);
  });
});
