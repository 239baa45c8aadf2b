// Websites looked up on the hot path, kept for a few seconds. Each node holds its own copy, so a change
// made through another node is seen here within TTL_MS; nothing else depends on this memory.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { findWebsite } from './store.ts';
import type { Website } from './website.ts';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export class WebsiteCache {
  private entries = new Map<string, { website: Website | undefined; expiresAt: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<Website | undefined> {
    const now = Date.now();
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > now) return hit.website;
    const website = await findWebsite(this.db, id);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(id, { website, expiresAt: now + TTL_MS });
    return website;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
