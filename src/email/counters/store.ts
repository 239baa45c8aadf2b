// Storage for per-send counters: one row per (send, name), added to inside the writer's transaction.
import { sql } from 'kysely';
import type { Db } from '../../storage/schema.ts';
import { DOMAIN_PREFIX, HOURLY_PREFIX } from './counter-names.ts';

/** Adds each delta to its counter (creating it at the delta); zero deltas are skipped. */
export async function addToCounters(
  db: Db,
  sendId: string,
  deltas: ReadonlyMap<string, number>,
): Promise<void> {
  const rows = [...deltas]
    .filter(([, delta]) => delta !== 0)
    .map(([name, value]) => ({ send_id: sendId, name, value }));
  if (rows.length === 0) return;
  await db
    .insertInto('send_counters')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['send_id', 'name']).doUpdateSet({ value: sql`send_counters.value + excluded.value` }),
    )
    .execute();
}

/** The send's counters but the hourly and per-domain families (read apart: a send can have many). */
export async function readCounters(db: Db, sendId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('send_counters')
    .select(['name', 'value'])
    .where('send_id', '=', sendId)
    .where('name', 'not like', `${HOURLY_PREFIX}%`)
    .where('name', 'not like', `${DOMAIN_PREFIX}%`)
    .execute();
  return new Map(rows.map((row) => [row.name, Number(row.value)]));
}

/** One family of the send's counters (names starting with `prefix`), within the send's key range. */
export async function readCounterFamily(
  db: Db,
  sendId: string,
  prefix: typeof HOURLY_PREFIX | typeof DOMAIN_PREFIX,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('send_counters')
    .select(['name', 'value'])
    .where('send_id', '=', sendId)
    .where('name', 'like', `${prefix}%`)
    .execute();
  return new Map(rows.map((row) => [row.name, Number(row.value)]));
}
