import { describe, expect, it } from 'vitest';
import { boundFor, compareNewestFirst, decodeContactCursor, encodeContactCursor } from './contact-cursor.ts';

describe('contact cursor', () => {
  it('round-trips a position and is opaque', () => {
    const position = { at: 1_735_689_600_000, source: 'visit', id: 'AbC-_123xyz' };
    const cursor = encodeContactCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContactCursor(cursor)).toEqual(position);
  });

  it('keeps the wire format history cursors always had: [at, source, id]', () => {
    const cursor = Buffer.from('[5,"email","abc"]').toString('base64url');
    expect(decodeContactCursor(cursor)).toEqual({ at: 5, source: 'email', id: 'abc' });
    expect(encodeContactCursor({ at: 5, source: 'email', id: 'abc' })).toBe(cursor);
  });

  it.each([
    ['empty-looking', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an object', Buffer.from('{"at":1,"type":"visit","id":"a"}').toString('base64url')],
    ['a float time', Buffer.from('[1.5,"visit","a"]').toString('base64url')],
    ['a negative time', Buffer.from('[-1,"visit","a"]').toString('base64url')],
    ['an odd source', Buffer.from('[1,"Visit!","a"]').toString('base64url')],
    ['an odd id', Buffer.from('[1,"visit","a b"]').toString('base64url')],
    ['too long', 'a'.repeat(301)],
  ])('refuses %s', (_name, cursor) => {
    expect(() => decodeContactCursor(cursor)).toThrow('cursor is not one this API returned.');
  });
});

describe('boundFor: items strictly after (at, source, id) in newest-first order', () => {
  const position = { at: 100, source: 'visit', id: 'm' };
  it.each([
    { source: 'visit', expected: { at: 100, orEqual: false, sameAtIdBelow: 'm' } },
    // 'form_submission' < 'visit': at the same instant it sorts after the cursor's visit.
    { source: 'form_submission', expected: { at: 100, orEqual: true } },
    // 'zoo' > 'visit': at the same instant it sorted before, so it was already shown.
    { source: 'zoo', expected: { at: 100, orEqual: false } },
  ])('$source', ({ source, expected }) => {
    expect(boundFor(position, source)).toEqual(expected);
  });
});

describe('compareNewestFirst', () => {
  it('orders newest first, then by source descending, and keeps a source order for equal keys', () => {
    const items = [
      { at: 1, source: 'visit', n: 1 },
      { at: 2, source: 'form_submission', n: 2 },
      { at: 2, source: 'visit', n: 3 },
      { at: 2, source: 'visit', n: 4 },
      { at: 3, source: 'form_submission', n: 5 },
    ];
    expect([...items].sort(compareNewestFirst).map((i) => i.n)).toEqual([5, 3, 4, 2, 1]);
  });
});
