import { describe, expect, it } from 'vitest';
import type { BatchState } from './batch-plan.ts';
import { BrowserCache } from './browser-cache.ts';
import { emptyPlan } from './write-plan.ts';

const id = (n: number) => `visitor${String(n).padStart(16, '0')}`;

/** A lookup as the store makes it: what is remembered, else read and noted. */
function recall(cache: BrowserCache, visitorId: string, read: (id: string) => null) {
  let visitor = cache.visitors.get(visitorId);
  if (visitor === undefined) {
    visitor = read(visitorId);
    cache.visitors.set(visitorId, visitor);
  }
  return visitor;
}

/** A committed batch that created visitors first..last-1. */
function remember(cache: BrowserCache, first: number, last: number): void {
  const state: BatchState = {
    visitors: new Map(),
    aliases: new Map(),
    latestVisits: new Map(),
    pageviews: new Map(),
  };
  const plan = emptyPlan();
  for (let n = first; n < last; n++) {
    state.visitors.set(id(n), { contactId: null, lastSeenAt: n });
    plan.newVisitors.push({ id: id(n), created_at: n, last_seen_at: n, contact_id: null });
  }
  cache.remember(state, plan, 0);
}

describe('BrowserCache', () => {
  it('stays within its limit, forgetting the browsers it remembered first', () => {
    const cache = new BrowserCache(100);
    cache.check(1, 0);
    remember(cache, 0, 150);
    const reads: string[] = [];
    const read = (visitorId: string) => {
      reads.push(visitorId);
      return null;
    };
    expect(recall(cache, id(149), read)).toEqual({ contactId: null, lastSeenAt: 149 });
    expect(recall(cache, id(60), read)).toEqual({ contactId: null, lastSeenAt: 60 });
    expect(recall(cache, id(59), read)).toBeNull();
    expect(reads).toEqual([id(59)]);
  });

  it('forgets everything when the database changed behind its back', () => {
    const cache = new BrowserCache(100);
    cache.check(1, 0);
    remember(cache, 0, 1);
    const read = () => null;
    cache.check(1, 0); // only this writer committed since
    expect(recall(cache, id(0), read)).not.toBeNull();
    cache.check(2, 0); // another connection committed
    expect(recall(cache, id(0), read)).toBeNull();
    remember(cache, 0, 1);
    cache.check(2, 5); // another writer on this connection changed rows
    expect(recall(cache, id(0), read)).toBeNull();
  });
});
