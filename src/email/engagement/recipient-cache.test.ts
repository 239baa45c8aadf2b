import { describe, expect, it } from 'vitest';
import type { KnownEvent } from './engagement-plan.ts';
import { forgetBefore, RecipientCache, type RecipientFacts } from './recipient-cache.ts';

const event = (at: number): KnownEvent => ({
  id: `e${at}`,
  kind: 'click',
  position: 1,
  at,
  sourceHash: null,
  machine: false,
  reason: null,
  implied: false,
  honeypot: false,
});

const facts = (recent: number[] = [], recentFrom = Number.POSITIVE_INFINITY): RecipientFacts => ({
  contactId: 'c',
  exists: true,
  email: 'c@example.com',
  sentAt: 0,
  emailTracking: null,
  tallies: new Map([['open', { human: 1, machine: 0 }]]),
  recent: recent.map(event),
  recentFrom,
});

describe('recipient cache', () => {
  it('keeps what it knows while the data version stays, and forgets everything when it moves', () => {
    const cache = new RecipientCache(10);
    cache.sync(1);
    cache.set('a', facts());
    cache.rememberSend('s', ['l']);
    cache.sync(1);
    expect(cache.get('a')).toBeDefined();
    expect(cache.sends.get('s')).toEqual(['l']);
    cache.sync(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.sends.has('s')).toBe(false);
  });

  it('drops the recipients remembered first when full', () => {
    const cache = new RecipientCache(2);
    cache.set('a', facts());
    cache.set('b', facts());
    cache.set('a', facts()); // known already: nothing goes
    cache.set('c', facts());
    expect(['a', 'b', 'c'].map((key) => cache.get(key) !== undefined)).toEqual([false, true, true]);
  });

  it('forgets events before an instant, and never claims to know earlier ones than it did', () => {
    const known = facts([10, 20, 30], 5);
    forgetBefore(known, 20);
    expect(known.recent.map((e) => e.at)).toEqual([20, 30]);
    expect(known.recentFrom).toBe(20);
    forgetBefore(known, 0);
    expect(known.recentFrom).toBe(20);
    const unknown = facts();
    forgetBefore(unknown, 20);
    expect(unknown.recentFrom).toBe(Number.POSITIVE_INFINITY);
  });
});
