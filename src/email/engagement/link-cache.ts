// Link destinations by (send, position), kept in memory so a click needs no database read after the first
// one for its link. Eviction: the least recently used past 50 000 links (lru-cache); never stale, since
// send_links rows never change once a send is prepared. Unknown links are remembered too (a token can
// outlive its send), and many recipients clicking one link at once after a send share one read. Where
// a click goes is worked out once per link too, not per click (decision 043).
import { LRUCache } from 'lru-cache';
import { redirectTargetOf } from '../../lib/destination-url.ts';
import type { Db } from '../../storage/schema.ts';
import { findLink } from './store.ts';

export interface Link {
  url: string;
  honeypot: boolean;
  /**
   * Where a click goes: the stored URL normalised again (a destination stored before saves were
   * normalised must not make a 500), or null when it cannot be redirected to.
   */
  target: string | null;
  /** The target's origin (whether a page there carries Spoor's script), or null without a target. */
  targetOrigin: string | null;
}

function withTarget(link: { url: string; honeypot: boolean }): Link {
  const target = redirectTargetOf(link.url);
  return { ...link, target, targetOrigin: target === null ? null : new URL(target).origin };
}

/** lru-cache holds no null: an unknown link is kept as this. */
const UNKNOWN = Symbol('unknown link');

export class LinkCache {
  private readonly links: LRUCache<string, Link | typeof UNKNOWN, { sendId: string; position: number }>;

  constructor(db: Db, limit = 50_000) {
    this.links = new LRUCache({
      max: limit,
      ignoreFetchAbort: true,
      allowStaleOnFetchAbort: true,
      fetchMethod: async (_key, _stale, { context }) => {
        const link = await findLink(db, context.sendId, context.position);
        return link ? withTarget(link) : UNKNOWN;
      },
    });
  }

  async get(sendId: string, position: number): Promise<Link | null> {
    const link = await this.links.fetch(`${sendId}\u0000${position}`, { context: { sendId, position } });
    return link === undefined || link === UNKNOWN ? null : link;
  }
}
