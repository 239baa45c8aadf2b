// Link destinations by (send, position), kept in memory: send_links rows never change once a send is
// prepared, so a click needs no database read after the first one for its link. Bounded: the oldest
// entries go first when it is full. Unknown links are remembered too (a token can outlive its send).
import type { Db } from '../../storage/schema.ts';
import { findLink } from './store.ts';

export interface Link {
  url: string;
  honeypot: boolean;
}

export class LinkCache {
  private readonly entries = new Map<string, Link | null>();
  private readonly loading = new Map<string, Promise<Link | null>>();

  constructor(
    private readonly db: Db,
    private readonly limit = 50_000,
  ) {}

  async get(sendId: string, position: number): Promise<Link | null> {
    const key = `${sendId}\u0000${position}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    // Many recipients click the same link at once after a send: one read serves them all.
    let pending = this.loading.get(key);
    if (!pending) {
      pending = findLink(this.db, sendId, position).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
      const link = await pending;
      this.remember(key, link);
      return link;
    }
    return pending;
  }

  private remember(key: string, link: Link | null): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, link);
  }
}
