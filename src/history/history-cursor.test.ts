import { describe, expect, it } from 'vitest';
import { boundFor, compareItems, decodeCursor, encodeCursor } from './history-cursor.ts';

describe('history cursor', () => {
  it('round-trips a position and is opaque', () => {
    const position = { at: 1_735_689_600_000, type: 'visit', id: 'AbC-_123xyz' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['empty-looking', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an object', Buffer.from('{"at":1,"type":"visit","id":"a"}').toString('base64url')],
    ['a float time', Buffer.from('[1.5,"visit","a"]').toString('base64url')],
    ['a negative time', Buffer.from('[-1,"visit","a"]').toString('base64url')],
    ['an odd type', Buffer.from('[1,"Visit!","a"]').toString('base64url')],
    ['an odd id', Buffer.from('[1,"visit","a b"]').toString('base64url')],
    ['too long', 'a'.repeat(301)],
  ])('refuses %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow('cursor is not one this API returned.');
  });
});

describe('boundFor: items strictly after (at, type, id) in newest-first order', () => {
  const position = { at: 100, type: 'visit', id: 'm' };
  it.each([
    { type: 'visit', expected: { at: 100, orEqual: false, sameAtIdBelow: 'm' } },
    // 'form_submission' < 'visit': at the same instant it sorts after the cursor's visit.
    { type: 'form_submission', expected: { at: 100, orEqual: true } },
    // 'zoo' > 'visit': at the same instant it sorted before, so it was already shown.
    { type: 'zoo', expected: { at: 100, orEqual: false } },
  ])('$type', ({ type, expected }) => {
    expect(boundFor(position, type)).toEqual(expected);
  });
});

describe('compareItems', () => {
  it('orders newest first, then by type descending, and keeps a source order for equal keys', () => {
    const items = [
      { at: 1, type: 'visit', n: 1 },
      { at: 2, type: 'form_submission', n: 2 },
      { at: 2, type: 'visit', n: 3 },
      { at: 2, type: 'visit', n: 4 },
      { at: 3, type: 'form_submission', n: 5 },
    ];
    expect([...items].sort(compareItems).map((i) => i.n)).toEqual([5, 3, 4, 2, 1]);
  });
});
