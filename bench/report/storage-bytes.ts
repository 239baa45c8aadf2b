// Where the bytes of the report bench's data set go, per table and per index, on each engine
// (decision 045). Loads the data set through the real planner and writer into a database of its own
// (a SQLite file in bench/.tmp, a PostgreSQL schema), then prints each table's and index's size and
// its bytes per page view. A PostgreSQL schema is vacuumed (analyze) first, as the report bench does.
//
//   npx tsx bench/report/storage-bytes.ts load sqlite 1000000 [label]
//   npx tsx bench/report/storage-bytes.ts measure postgres 1000000 [label]
//   npx tsx bench/report/storage-bytes.ts migrate sqlite 1000000 label   (migrates, then measures)
//   npx tsx bench/report/storage-bytes.ts report sqlite 1000000 labelA labelB
// `report` times websiteReport over the month on two data sets in alternating runs (A, B, A, B…).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { websiteReport } from '../../src/reports/website-report.ts';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { codeVersion } from '../lib/machine.ts';
import { createSchema, dropSchema, schemaExists, vacuumSchema } from '../lib/postgres.ts';
import { TMP_DIR } from '../lib/settings.ts';
import { generate } from './report-bench.ts';

const [mode, engineArg, count, label = 'base', other = 'after'] = process.argv.slice(2);
const engine = engineArg as 'sqlite' | 'postgres';
const pageviews = Number(count);
if (
  !['load', 'migrate', 'measure', 'report'].includes(mode ?? '') ||
  (engine !== 'sqlite' && engine !== 'postgres') ||
  !(pageviews > 0)
)
  throw new Error(
    'Usage: storage-bytes.ts load|migrate|measure|report sqlite|postgres <pageviews> [label [other]]',
  );
const url = process.env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const fileOf = (name: string) => join(TMP_DIR, `storage-${name}-${pageviews}.db`);
const schemaOf = (name: string) => `storage_${name}_${pageviews}`;
const file = fileOf(label);
const schema = schemaOf(label);
const openLabel = (name: string): Storage =>
  engine === 'sqlite'
    ? openStorage(`sqlite:${fileOf(name)}`)
    : openStorage(url, { schema: schemaOf(name), poolSize: 2 });
const open = () => openLabel(label);

/** websiteReport over the month, alternating between two data sets; medians in ms. */
async function compareReports(): Promise<void> {
  const sides = [label, other].map((name) => ({ name, storage: openLabel(name), times: [] as number[] }));
  const queries = [];
  for (const side of sides) {
    const site = await side.storage.db.selectFrom('websites').select('id').executeTakeFirstOrThrow();
    queries.push({ websiteId: site.id, from: '2025-03-01', to: '2025-03-30', includeBots: false, limit: 10 });
  }
  for (let round = -3; round < 20; round++)
    for (const [i, side] of sides.entries()) {
      const t = performance.now();
      await websiteReport(side.storage.db, queries[i]!);
      if (round >= 0) side.times.push(performance.now() - t);
    }
  for (const side of sides) {
    const sorted = side.times.sort((a, b) => a - b);
    const median = (sorted[9]! + sorted[10]!) / 2;
    console.log(
      `websiteReport on ${side.name}: median ${median.toFixed(1)} ms, min ${sorted[0]!.toFixed(1)}, max ${sorted[19]!.toFixed(1)} (20 runs, alternating)`,
    );
    await side.storage.close();
  }
}

interface Size {
  name: string;
  table: string;
  kind: 'table' | 'index';
  bytes: number;
}

async function sizes(storage: Storage): Promise<Size[]> {
  if (engine === 'sqlite') {
    const rows = await sql<{ name: string; tbl: string; type: string; bytes: number }>`
      select d.name as name, coalesce(m.tbl_name, d.name) as tbl, coalesce(m.type, 'table') as type,
        sum(d.pgsize) as bytes
      from dbstat d left join sqlite_schema m on m.name = d.name group by d.name`.execute(storage.db);
    return rows.rows.map((r) => ({
      name: r.name,
      table: r.tbl,
      kind: r.type === 'index' ? 'index' : 'table',
      bytes: Number(r.bytes),
    }));
  }
  // Tables with their TOAST and free-space/visibility maps; each index on its own. A partitioned
  // parent's size is its partitions' (pg_partition_tree).
  const rows = await sql<{ name: string; tbl: string; kind: string; bytes: string }>`
    with parts as (
      select c.oid, coalesce(p.relname, c.relname) as tbl
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_inherits i on i.inhrelid = c.oid left join pg_class p on p.oid = i.inhparent
      where n.nspname = ${schema} and c.relkind = 'r')
    select tbl as name, tbl, 'table' as kind, sum(pg_table_size(oid))::bigint as bytes from parts group by tbl
    union all
    select coalesce(pi.relname, ic.relname), parts.tbl, 'index', sum(pg_relation_size(ic.oid))::bigint
    from parts join pg_index x on x.indrelid = parts.oid join pg_class ic on ic.oid = x.indexrelid
    left join pg_inherits ii on ii.inhrelid = ic.oid left join pg_class pi on pi.oid = ii.inhparent
    group by coalesce(pi.relname, ic.relname), parts.tbl`.execute(storage.db);
  return rows.rows.map((r) => ({
    name: r.name,
    table: r.tbl,
    kind: r.kind as 'table' | 'index',
    bytes: Number(r.bytes),
  }));
}

async function main(): Promise<void> {
  if (mode === 'report') return compareReports();
  if (mode === 'load') {
    if (engine === 'sqlite') for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
    else {
      if (await schemaExists(url, schema)) await dropSchema(url, schema);
      await createSchema(url, schema);
    }
    const storage = open();
    await migrateToLatest(storage.db);
    const record = await generate(storage, engine, pageviews, codeVersion());
    console.log(`loaded in ${record.seconds.toFixed(0)} s`);
    await storage.close();
  } else if (mode === 'migrate') {
    const storage = open();
    const t = performance.now();
    await migrateToLatest(storage.db);
    console.log(`migrated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await storage.close();
  }
  if (engine === 'sqlite' && !existsSync(file)) throw new Error(`No data set at ${file}`);
  if (engine === 'sqlite') {
    // Fold the WAL in, so the file's pages are what dbstat counts.
    const storage = open();
    await sql`pragma wal_checkpoint(truncate)`.execute(storage.db);
    await storage.close();
  } else await vacuumSchema(url, schema);
  const storage = open();
  const stored = await storage.db
    .selectFrom('pageviews')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(stored.n);
  const all = (await sizes(storage)).sort((a, b) => b.bytes - a.bytes);
  await storage.close();
  const total = all.reduce((s, r) => s + r.bytes, 0);
  const perTable = new Map<string, number>();
  for (const r of all) perTable.set(r.table, (perTable.get(r.table) ?? 0) + r.bytes);
  const mib = (b: number) => (b / 1_048_576).toFixed(1);
  console.log(
    `${engine} (${label}): ${n.toLocaleString('en-US')} page views, ${mib(total)} MiB, ${(total / n).toFixed(0)} B per page view`,
  );
  console.log('| table / index | MiB | B per page view |\n|---|---:|---:|');
  for (const [table, bytes] of [...perTable].sort((a, b) => b[1] - a[1])) {
    if (bytes / n < 1) continue;
    console.log(`| **${table}** (all) | ${mib(bytes)} | ${(bytes / n).toFixed(1)} |`);
    for (const r of all.filter((x) => x.table === table))
      console.log(
        `| ${r.kind === 'table' ? 'table' : r.name} | ${mib(r.bytes)} | ${(r.bytes / n).toFixed(1)} |`,
      );
  }
}

await main();
