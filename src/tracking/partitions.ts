// PostgreSQL's monthly partitions of page views (migration 037, decision 041): made ahead of time by the
// tracking.partitions job, so ingest never waits on DDL, and dropped by retention once every anonymous
// row of a month has expired, after its identified history has been moved to the kept partition.
// SQLite has no partitions: everything here is a no-op there.
import { type Kysely, sql } from 'kysely';
import { DAY_MS } from '../lib/time.ts';
import type { Storage } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';

/** Months made ahead of the current one: two, so a job that fails for weeks still leaves room. */
export const MONTHS_AHEAD = 2;
/** How long partition DDL waits for its lock before giving up and trying again later. */
const DDL_LOCK_TIMEOUT = '500ms';
/** Partition DDL on every node is serialised by this transaction lock (works through PgBouncer). */
const lockDdl = sql`select pg_advisory_xact_lock(hashtextextended('spoor:pageview-partitions', 0))`;

const UNDEFINED_TABLE = '42P01';
const LOCK_NOT_AVAILABLE = '55P03';
const SERIALIZATION_FAILURE = '40001';
const codeOf = (error: unknown) => (error as { code?: unknown } | undefined)?.code;

export interface MonthPartition {
  name: string;
  /** The first instant (epoch ms, UTC) the partition holds, and the first it does not. */
  from: number;
  to: number;
}

/** The UTC month holding `at`. */
export function monthOf(at: number): MonthPartition {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return {
    name: `pageviews_p${y}_${String(m + 1).padStart(2, '0')}`,
    from: Date.UTC(y, m, 1),
    to: Date.UTC(y, m + 1, 1),
  };
}

/** The monthly partitions there are, oldest first (the default and kept partitions are not listed). */
export async function pageviewPartitions(db: Kysely<Database>): Promise<MonthPartition[]> {
  const rows = await sql<{ name: string; bound: string }>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = to_regclass('pageviews_live')`.execute(db);
  const partitions: MonthPartition[] = [];
  for (const row of rows.rows) {
    const match = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(row.bound);
    if (match) partitions.push({ name: row.name, from: Number(match[1]), to: Number(match[2]) });
  }
  return partitions.sort((a, b) => a.from - b.from);
}

/**
 * Makes the partitions of the month holding `now` and the MONTHS_AHEAD after it that are missing; returns
 * the names made. Each is made beside the table and attached (a lighter lock on the parent than CREATE …
 * PARTITION OF), with any rows the default partition took for its month moved in first (the job was down
 * that long): nothing is lost, and attaching never fails on them.
 */
export async function ensurePageviewPartitions(storage: Storage, now: number): Promise<string[]> {
  if (storage.engine !== 'postgres') return [];
  const made: string[] = [];
  const existing = new Set((await pageviewPartitions(storage.db)).map((p) => p.from));
  let start = monthOf(now).from;
  for (let i = 0; i <= MONTHS_AHEAD; i++) {
    const month = monthOf(start);
    start = month.to;
    if (existing.has(month.from)) continue;
    const createdNow = await storage.db.transaction().execute(async (tx) => {
      await sql`set local lock_timeout = ${sql.lit(DDL_LOCK_TIMEOUT)}`.execute(tx);
      await lockDdl.execute(tx);
      const there = await sql<{ r: string | null }>`select to_regclass(${month.name}) as r`.execute(tx);
      if (there.rows[0]?.r) return false;
      const table = sql.ref(month.name);
      await sql`create table ${table} (like pageviews including defaults including constraints including indexes)`.execute(
        tx,
      );
      await sql`with moved as (
          delete from pageviews_default where occurred_at >= ${month.from} and occurred_at < ${month.to} returning *)
        insert into ${table} select * from moved`.execute(tx);
      await sql`alter table pageviews_live attach partition ${table}
        for values from (${sql.lit(month.from)}) to (${sql.lit(month.to)})`.execute(tx);
      return true;
    });
    if (createdNow) made.push(month.name);
  }
  return made;
}

export interface PartitionWebsite {
  id: string;
  retentionDays: number | null;
}

export interface PartitionDropResult {
  /** Partitions dropped, by name. */
  dropped: string[];
  /** Page views moved to the kept partition first (identified history, visits still going on). */
  keptPageviews: number;
}

/**
 * Drops each monthly partition whose every row has expired: every website with rows in it has a
 * retention period that ended after the month did. Before, the page views that retention keeps are
 * moved to the kept partition in batches: those of identified visits (a contact's history) and of
 * visits not yet ended before their website's cutoff (retention deletes a visit whole, later). A month
 * shared with a website without a period, or with a longer one, is left to the batched deletes
 * (decision 039). Only the oldest months are considered, in order, up to the first that cannot go.
 */
export async function dropExpiredPageviewPartitions(
  storage: Storage,
  websites: readonly PartitionWebsite[],
  now: number,
  options: { batchSize: number; stopped: () => boolean; giveWay: () => Promise<void> },
): Promise<PartitionDropResult> {
  const result: PartitionDropResult = { dropped: [], keptPageviews: 0 };
  if (storage.engine !== 'postgres') return result;
  const db = storage.db;
  const cutoffOf = (w: PartitionWebsite) =>
    w.retentionDays === null ? null : now - w.retentionDays * DAY_MS;
  for (const partition of await pageviewPartitions(db)) {
    if (options.stopped()) break;
    // Expired for every website with a period; a website without one (or not yet expired) must hold no row.
    const present: PartitionWebsite[] = [];
    let droppable = true;
    let gone = false;
    for (const website of websites) {
      const has = await sql<{ one: number }>`select 1 as one from ${sql.ref(partition.name)}
        where website_id = ${website.id} limit 1`
        .execute(db)
        .catch((error: unknown) => {
          // Another node's pass dropped it since the list was read.
          if (codeOf(error) !== UNDEFINED_TABLE) throw error;
          gone = true;
          return { rows: [] };
        });
      if (gone) break;
      if (has.rows.length === 0) continue;
      const cutoff = cutoffOf(website);
      if (cutoff === null || cutoff < partition.to) {
        droppable = false;
        break;
      }
      present.push(website);
    }
    if (gone) continue;
    if (!droppable) break;
    for (const website of present) {
      result.keptPageviews += await moveKeptPageviews(
        storage,
        website.id,
        cutoffOf(website) as number,
        partition,
        options,
      );
    }
    if (options.stopped()) break;
    const outcome = await dropPartition(storage, partition.name, options.giveWay);
    if (outcome === 'dropped') result.dropped.push(partition.name);
    else if (outcome === 'busy') break;
  }
  return result;
}

/**
 * Moves, in batches of visits, the page views of `partition` that retention keeps to the kept partition:
 * those of the website's identified visits and of its visits seen at or after the cutoff. A visit's page
 * views lie between its start and its last sighting, so the visits are those started before the month
 * ended and seen since it began, walked in (start, id) order.
 */
async function moveKeptPageviews(
  storage: Storage,
  websiteId: string,
  cutoff: number,
  partition: MonthPartition,
  options: { batchSize: number; stopped: () => boolean; giveWay: () => Promise<void> },
): Promise<number> {
  let moved = 0;
  let after: { at: number; id: string } | null = null;
  while (!options.stopped()) {
    const from: { at: number; id: string } | null = after;
    const visits: { id: string; started_at: number }[] = await storage.db
      .selectFrom('visits')
      .select(['id', 'started_at'])
      .where('website_id', '=', websiteId)
      .where('started_at', '<', partition.to)
      .where('last_seen_at', '>=', partition.from)
      .where((eb) => eb.or([eb('contact_id', 'is not', null), eb('last_seen_at', '>=', cutoff)]))
      .$if(from !== null, (q) =>
        q.where(sql<boolean>`started_at >= ${from?.at} and (started_at > ${from?.at} or id > ${from?.id})`),
      )
      .orderBy('started_at')
      .orderBy('id')
      .limit(options.batchSize)
      .execute();
    const last = visits[visits.length - 1];
    if (!last) break;
    after = { at: Number(last.started_at), id: last.id };
    const ids = visits.map((v) => v.id);
    for (let attempt = 1; ; attempt++) {
      try {
        const updated = await sql`update pageviews set kept = 1
          where visit_id = any(${ids}::text[]) and kept = 0
            and occurred_at >= ${partition.from} and occurred_at < ${partition.to}`.execute(storage.db);
        moved += Number(updated.numAffectedRows ?? 0n);
        break;
      } catch (error) {
        // Another node's pass moved some of these rows meanwhile (PostgreSQL refuses to follow a row into
        // another partition): the batch again finds only what is left.
        if (codeOf(error) !== SERIALIZATION_FAILURE || attempt === 3) throw error;
      }
    }
    if (visits.length < options.batchSize) break;
    await options.giveWay();
  }
  return moved;
}

/**
 * Drops a partition under a short lock timeout (dropping takes an exclusive lock on the parent for an
 * instant; waiting in the lock queue behind a long reader would hold up ingest behind it), trying a few
 * times with a pause. Returns whether it is gone.
 */
async function dropPartition(
  storage: Storage,
  name: string,
  giveWay: () => Promise<void>,
): Promise<'dropped' | 'gone' | 'busy'> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      return await storage.db.transaction().execute(async (tx) => {
        await sql`set local lock_timeout = ${sql.lit(DDL_LOCK_TIMEOUT)}`.execute(tx);
        await lockDdl.execute(tx);
        // DROP looks the name up again once it holds the table's lock: gone means another pass dropped it.
        await sql`drop table ${sql.ref(name)}`.execute(tx);
        return 'dropped' as const;
      });
    } catch (error) {
      if (codeOf(error) === UNDEFINED_TABLE) return 'gone';
      // The lock timeout; anything else is a real failure.
      if (codeOf(error) !== LOCK_NOT_AVAILABLE) throw error;
      await giveWay();
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
  return 'busy';
}
