// PostgreSQL: page views in monthly partitions, so retention drops a month instead of deleting its rows
// (decision 041). SQLite: nothing changes (it keeps decision 039's batches).
//
//   pageviews                 partitioned by LIST (kept)
//     pageviews_kept          kept = 1: identified history moved out of a month before that month is dropped
//     pageviews_live          kept = 0, partitioned by RANGE (occurred_at), epoch ms, UTC months
//       pageviews_pYYYY_MM    one per month, created ahead by the tracking.partitions job
//       pageviews_default     DEFAULT: a row whose month has no partition is stored here, never refused
//
// Every existing row is copied, and every index of the old table is made again on the parent under its
// own name (so it reaches every partition, including those made later). The primary key gains the
// partition keys: (website_id, event_id, occurred_at, kept); a page view sent twice is still stored
// once because the hot path locks its key before reading it (src/tracking/batch-store.ts). Later
// migrations ALTER the parent `pageviews` as before: columns and indexes go down to every partition.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => !(db.getExecutor().adapter instanceof PostgresAdapter);

/** The UTC month starting at `ms` (the first instant of a month): its name and bounds. */
function month(startMs: number): { name: string; from: number; to: number } {
  const d = new Date(startMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return {
    name: `pageviews_p${y}_${String(m + 1).padStart(2, '0')}`,
    from: Date.UTC(y, m, 1),
    to: Date.UTC(y, m + 1, 1),
  };
}

export async function up(db: AnyDb): Promise<void> {
  if (isSqlite(db)) return;
  const indexes = (
    await sql<{ name: string; def: string }>`
      select indexname as name, indexdef as def from pg_indexes
      where schemaname = current_schema() and tablename = 'pageviews' and indexname <> 'pageviews_pk'`.execute(
      db,
    )
  ).rows;
  await sql`alter table pageviews rename to pageviews_unpartitioned`.execute(db);
  await sql`alter table pageviews_unpartitioned drop constraint pageviews_pk`.execute(db);
  for (const index of indexes) await sql`drop index ${sql.ref(index.name)}`.execute(db);

  await sql`create table pageviews (
      like pageviews_unpartitioned including defaults including constraints,
      kept smallint not null default 0
    ) partition by list (kept)`.execute(db);
  await sql`create table pageviews_kept partition of pageviews for values in (1)`.execute(db);
  await sql`create table pageviews_live partition of pageviews for values in (0)
    partition by range (occurred_at)`.execute(db);
  await sql`create table pageviews_default partition of pageviews_live default`.execute(db);

  // A partition for every month that holds rows, and for this month and the next.
  const held = await sql<{ m: string }>`
    select distinct (extract(epoch from date_trunc('month', to_timestamp(occurred_at / 1000.0) at time zone 'UTC')) * 1000)::bigint as m
    from pageviews_unpartitioned`.execute(db);
  const now = new Date();
  const starts = new Set<number>([
    ...held.rows.map((r) => Number(r.m)),
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
  ]);
  for (const start of [...starts].sort((a, b) => a - b)) {
    const { name, from, to } = month(start);
    await sql`create table ${sql.ref(name)} partition of pageviews_live
      for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(db);
  }

  await sql`insert into pageviews select *, 0 from pageviews_unpartitioned`.execute(db);
  await sql`drop table pageviews_unpartitioned`.execute(db);
  await sql`alter table pageviews add constraint pageviews_pk
    primary key (website_id, event_id, occurred_at, kept)`.execute(db);
  for (const index of indexes)
    await sql.raw(index.def.replace(/ ON (\S+\.)?pageviews /, ' ON pageviews ')).execute(db);
  await sql`analyze pageviews`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  if (isSqlite(db)) return;
  const indexes = (
    await sql<{ name: string; def: string }>`
      select c.relname as name, pg_get_indexdef(c.oid) as def from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = 'pageviews'::regclass and c.relname <> 'pageviews_pk'`.execute(db)
  ).rows;
  await sql`alter table pageviews rename to pageviews_partitioned`.execute(db);
  for (const index of indexes) await sql`drop index ${sql.ref(index.name)}`.execute(db);
  await sql`create table pageviews (like pageviews_partitioned including defaults)`.execute(db);
  await sql`alter table pageviews drop column kept`.execute(db);
  const columns = (
    await sql<{ name: string }>`select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = 'pageviews' order by ordinal_position`.execute(
      db,
    )
  ).rows.map((c) => sql.ref(c.name));
  await sql`insert into pageviews (${sql.join(columns)}) select ${sql.join(columns)} from pageviews_partitioned`.execute(
    db,
  );
  await sql`drop table pageviews_partitioned`.execute(db);
  await sql`alter table pageviews add constraint pageviews_pk primary key (website_id, event_id)`.execute(db);
  for (const index of indexes)
    await sql
      .raw(index.def.replace(/ ON (ONLY )?(\S+\.)?pageviews_partitioned /, ' ON pageviews '))
      .execute(db);
}
