// The interaction log's reads and its one write for domains without a trigger. The only file in
// src/platform/interactions that touches storage; it names no domain table.
import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../storage/schema.ts';
import type { FeedPosition } from './feed-cursor.ts';

export interface LogRow extends FeedPosition {
  source: string;
  itemId: string;
}

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Log rows strictly after `after` in commit order, of the given sources, at most `limit`.
 *
 * PostgreSQL hands out sequence numbers and transaction ids before commit, so rows become visible out of
 * order. Only rows of transactions older than the oldest one still running are read: every row that can
 * still appear belongs to a running or future transaction, whose id is at least that horizon, so it
 * sorts after every row read now. A long transaction delays the feed; it never makes it skip a row.
 */
export async function logAfter(
  db: Db,
  after: FeedPosition,
  sources: readonly string[],
  limit: number,
): Promise<LogRow[]> {
  if (sources.length === 0) return [];
  if (isPostgres(db)) {
    const { rows } = await sql<{ xid: string; seq: number; source: string; item_id: string }>`
      select xid::text as xid, seq, source, item_id from interaction_log
      where (xid, seq) > (${after.xid}::xid8, ${after.seq})
        and xid < pg_snapshot_xmin(pg_current_snapshot())
        and source in (${sql.join(sources)})
      order by xid, seq
      limit ${limit}`.execute(db);
    return rows.map((row) => ({
      xid: row.xid,
      seq: Number(row.seq),
      source: row.source,
      itemId: row.item_id,
    }));
  }
  // SQLite: one writer at a time, so the AUTOINCREMENT key is commit order.
  const rows = await db
    .selectFrom('interaction_log')
    .select(['seq', 'source', 'item_id'])
    .where('seq', '>', after.seq)
    .where('source', 'in', [...sources])
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ xid: '0', seq: Number(row.seq), source: row.source, itemId: row.item_id }));
}

/**
 * Logs an item as a contact's interaction. Call it in the transaction that makes the item a contact's,
 * once per item; the feed's own sources are logged by triggers (migration 011) instead.
 */
export async function recordInteraction(db: Db, source: string, itemId: string): Promise<void> {
  await recordInteractions(db, source, [itemId]);
}

/** Logs several items of one source in one statement (a batch a hot path already writes), in order. */
export async function recordInteractions(db: Db, source: string, itemIds: readonly string[]): Promise<void> {
  if (itemIds.length === 0) return;
  await db
    .insertInto('interaction_log')
    .values(itemIds.map((item_id) => ({ source, item_id })))
    .execute();
}

/**
 * The newest log position any reader can see now: a consumer that starts here reads only what is logged
 * from now on (on PostgreSQL, rows of transactions still running sort after it, so none is skipped).
 */
export async function logEnd(db: Db): Promise<FeedPosition> {
  if (isPostgres(db)) {
    const { rows } = await sql<{ xid: string; seq: number }>`
      select xid::text as xid, seq from interaction_log
      where xid < pg_snapshot_xmin(pg_current_snapshot())
      order by xid desc, seq desc
      limit 1`.execute(db);
    const last = rows[0];
    return last ? { xid: last.xid, seq: Number(last.seq) } : { xid: '0', seq: 0 };
  }
  const last = await db
    .selectFrom('interaction_log')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { xid: '0', seq: last ? Number(last.seq) : 0 };
}

/** A feed consumer's cursor, created at `start` the first time the consumer is asked for. */
export async function feedConsumerCursor(
  db: Db,
  name: string,
  start: () => Promise<string>,
): Promise<string> {
  const found = await db
    .selectFrom('feed_consumers')
    .select('cursor')
    .where('name', '=', name)
    .executeTakeFirst();
  if (found) return found.cursor;
  await db
    .insertInto('feed_consumers')
    .values({ name, cursor: await start(), updated_at: Date.now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const created = await db
    .selectFrom('feed_consumers')
    .select('cursor')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return created.cursor;
}

/**
 * Moves a consumer's cursor from `from` to `to`, in the transaction that wrote what the consumer did with
 * the items between: false when the cursor is no longer at `from` (another node moved it meanwhile).
 */
export async function moveFeedConsumer(
  tx: Db,
  name: string,
  move: { from: string; to: string; handled: number },
): Promise<boolean> {
  const result = await tx
    .updateTable('feed_consumers')
    .set((eb) => ({
      cursor: move.to,
      items_handled: eb('items_handled', '+', move.handled),
      updated_at: Date.now(),
    }))
    .where('name', '=', name)
    .where('cursor', '=', move.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
