// Waiting until the interaction feed can read everything logged so far. On PostgreSQL any transaction
// still running anywhere in the cluster holds the feed back (decision 013), and in CI other suites run
// transactions beside this one: the wait is for a condition, with a hang guard inside the test's timeout.
import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../src/storage/schema.ts';
import { waitFor } from './wait-for.ts';

/**
 * True when no committed log row is still behind the feed's horizon (src/platform/interactions/store.ts:
 * a row is read only once its transaction is older than the oldest one still running).
 *
 * Comparing the newest readable position with `max(seq)` is not the same: PostgreSQL hands out a
 * transaction's id at its first write and a sequence number at each insert, so a transaction with the
 * higher id can hold the lower `seq`, and that comparison then stays false until something else is
 * logged — which hung the scoring suites whenever two transactions interleaved so.
 */
async function everyLoggedRowReadable(db: Db): Promise<boolean> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return true; // SQLite: one writer, in order
  const { rows } = await sql<{ behind: boolean }>`
    select exists (
      select 1 from interaction_log where xid >= pg_snapshot_xmin(pg_current_snapshot())
    ) as behind`.execute(db);
  return rows[0]?.behind === false;
}

export function waitForFeedVisible(db: Db): Promise<true> {
  return waitFor(
    'every logged interaction to be visible to the feed (a long transaction elsewhere in the cluster?)',
    async () => (await everyLoggedRowReadable(db)) || undefined,
    { timeoutMs: 25_000 },
  ).then(() => true as const);
}
