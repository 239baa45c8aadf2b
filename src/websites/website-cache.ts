// Websites looked up on the hot path, kept for a few seconds. Each node holds its own copy, so a change
// made through another node is seen here within TTL_MS; nothing else depends on this memory. Eviction:
// after TTL_MS, or the least recently used past MAX_ENTRIES (lru-cache); a change made through this node
// forgets its website at once. Concurrent misses for one website share one read.
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../storage/schema.ts';
import { findWebsite } from './store.ts';
import type { Website } from './website.ts';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** lru-cache holds no undefined: an unknown website is kept as this (for TTL_MS, like a known one). */
const UNKNOWN = Symbol('unknown website');

export class WebsiteCache {
  private readonly entries: LRUCache<string, Website | typeof UNKNOWN>;

  constructor(db: Kysely<Database>) {
    this.entries = new LRUCache({
      max: MAX_ENTRIES,
      ttl: TTL_MS,
      // A forget() while a read is out must not fail the requests waiting for it: they get what it read.
      ignoreFetchAbort: true,
      allowStaleOnFetchAbort: true,
      fetchMethod: async (id) => (await findWebsite(db, id)) ?? UNKNOWN,
    });
  }

  async get(id: string): Promise<Website | undefined> {
    const website = await this.entries.fetch(id);
    return website === UNKNOWN ? undefined : website;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
