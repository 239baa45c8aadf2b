// Every contact's interactions after a cursor, in commit order: what webhooks, scoring and the dashboard
// read. Each page is the next log rows; each source answers what its items say now.
import type { Db } from '../../storage/schema.ts';
import { decodeFeedCursor, encodeFeedCursor, FEED_START } from './feed-cursor.ts';
import type { Interaction, InteractionSource } from './interaction.ts';
import { logAfter } from './store.ts';

export interface FeedPage {
  /** In commit order: an item committed later comes later, whatever its own time. */
  items: Interaction[];
  /** Always set: pass it back to read on, now or later (it never skips or repeats an item). */
  nextCursor: string;
  /** Whether more items were already there: read on at once rather than after a pause. */
  more: boolean;
}

export async function interactionsAfter(
  db: Db,
  sources: readonly InteractionSource[],
  query: {
    limit: number;
    after?: string | undefined;
    /** Read the log only, not the items (a consumer with nothing to do passes the page over). */
    rowsOnly?: boolean;
  },
): Promise<FeedPage> {
  const after = query.after ? decodeFeedCursor(query.after) : FEED_START;
  const rows = await logAfter(
    db,
    after,
    sources.map((source) => source.name),
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  const found = new Map<string, Interaction>();
  if (!query.rowsOnly)
    await Promise.all(
      sources.map(async (source) => {
        const ids = page.filter((row) => row.source === source.name).map((row) => row.itemId);
        if (ids.length === 0) return;
        for (const item of await source.byIds(db, ids)) found.set(`${source.name}\u0000${item.id}`, item);
      }),
    );
  // An item erased since it was logged is passed over; the cursor still moves past its row.
  const items = page.flatMap((row) => found.get(`${row.source}\u0000${row.itemId}`) ?? []);
  const last = page.at(-1);
  return {
    items,
    nextCursor: encodeFeedCursor(last ? { xid: last.xid, seq: last.seq } : after),
    more: rows.length > query.limit,
  };
}
