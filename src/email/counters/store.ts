// Storage for per-send counters: one row per (send, name), added to inside the writer's transaction.
import { sql } from 'kysely';
import type { Db } from '../../storage/schema.ts';

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

export async function readCounters(db: Db, sendId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('send_counters')
    .select(['name', 'value'])
    .where('send_id', '=', sendId)
    .execute();
  return new Map(rows.map((row) => [row.name, Number(row.value)]));
}

/**
 * The named counters summed over the sends created in [fromMs, toMs), with how many sends that is. Sends
 * are few (one per mailing), and each counter is read by its key (send_id, name).
 */
export async function sumCountersOfSendsCreatedBetween(
  db: Db,
  fromMs: number,
  toMs: number,
  names: readonly string[],
): Promise<{ sends: number; totals: Map<string, number> }> {
  const sends = db
    .selectFrom('sends')
    .select('id')
    .where('created_at', '>=', fromMs)
    .where('created_at', '<', toMs);
  const [count, rows] = await Promise.all([
    db
      .selectFrom('sends')
      .where('created_at', '>=', fromMs)
      .where('created_at', '<', toMs)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('send_counters')
      .select((eb) => ['name', eb.fn.sum<number>('value').as('value')])
      .where('send_id', 'in', sends)
      .where('name', 'in', [...names])
      .groupBy('name')
      .execute(),
  ]);
  return { sends: Number(count.n), totals: new Map(rows.map((row) => [row.name, Number(row.value)])) };
}
