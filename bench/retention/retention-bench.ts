// npm run bench:retention: collect latency while the retention job deletes millions of expired rows,
// against the same load without it, in one run on one database. SQLite by default (decision 039:
// deletes in small batches); SPOOR_BENCH_RETENTION_ENGINE=postgres runs it on PostgreSQL
// (SPOOR_BENCH_POSTGRES_URL), where the pass drops the expired months' partitions (decision 041). The
// expired traffic is written straight into the database (old anonymous visits with their page views, 1 in
// 100 identified on PostgreSQL, and their browsers); Spoor runs as shipped (dist/main.js) and its own
// retention job does the work, made due by the bench.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { openStorage } from '../../src/storage/database.ts';
import { ensurePageviewPartitions } from '../../src/tracking/partitions.ts';
import { type LoadResult, mergeLoads, runLoad } from '../lib/load.ts';
import { describeMachine } from '../lib/machine.ts';
import { createSchema, dropSchema, probePostgres, urlWithSearchPath } from '../lib/postgres.ts';
import { TMP_DIR } from '../lib/settings.ts';
import { type SpoorChild, startSpoor } from '../lib/spoor-child.ts';
import { collectBodyMaker } from '../load/collect-bodies.ts';

const DAY_MS = 86_400_000;
const env = process.env;
const VISITS = Number(env['SPOOR_BENCH_RETENTION_VISITS'] ?? 500_000);
const PAGEVIEWS_PER_VISIT = 2;
const CONNECTIONS = Number(env['SPOOR_BENCH_CONNECTIONS'] ?? 64);
/** Seconds of load without retention, and again while the pass runs (the pass may take longer). */
const WINDOW_SECONDS = Number(env['SPOOR_BENCH_RETENTION_WINDOW_SECONDS'] ?? 30);
/** How long to wait, without load, for the pass to finish after the window. */
const MAX_WAIT_SECONDS = Number(env['SPOOR_BENCH_RETENTION_MAX_WAIT_SECONDS'] ?? 600);
const SLICE_SECONDS = 2;
const ENGINE = env['SPOOR_BENCH_RETENTION_ENGINE'] === 'postgres' ? 'postgres' : 'sqlite';
const POSTGRES_URL = env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
/**
 * PostgreSQL: SPOOR_BENCH_RETENTION_PARTITIONS=0 leaves the old months without partitions (their rows in
 * the default one, as if the partitions job had never run), so the pass deletes everything in batches
 * (decision 039): the comparison for dropping.
 */
const DROP_MONTHS = env['SPOOR_BENCH_RETENTION_PARTITIONS'] !== '0';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Old anonymous traffic of `websiteId`: VISITS visits 60–420 days ago, two page views each, a browser per two visits. */
function seedExpired(file: string, websiteId: string): void {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const visitor = db.prepare(
    'insert into visitors (id, created_at, last_seen_at, contact_id) values (?, ?, ?, null)',
  );
  const visit = db.prepare(
    `insert into visits (id, website_id, visitor_id, started_at, last_seen_at, pageviews, engaged_ms, entry_path,
       referrer, referrer_host, bot, identified, contact_id) values (?, ?, ?, ?, ?, ?, 0, '/', null, null, 0, 0, null)`,
  );
  const pageview = db.prepare(
    `insert into pageviews (website_id, event_id, visit_id, visitor_id, occurred_at, url, path, title, referrer,
       engaged_ms, bot, anonymous) values (?, ?, ?, ?, ?, ?, ?, null, null, 1000, 0, 0)`,
  );
  const chunk = 50_000;
  const insert = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const started = now - 60 * DAY_MS - Math.floor(((i * 7919) % VISITS) * ((360 * DAY_MS) / VISITS));
      const visitorId = `bv${String(Math.floor(i / 2)).padStart(20, '0')}`;
      if (i % 2 === 0) visitor.run(visitorId, started, started);
      const visitId = `bs${String(i).padStart(20, '0')}`;
      visit.run(visitId, websiteId, visitorId, started, started + 60_000, PAGEVIEWS_PER_VISIT);
      for (let p = 0; p < PAGEVIEWS_PER_VISIT; p++) {
        const path = `/page/${(i + p) % 500}`;
        pageview.run(
          websiteId,
          `be${i}_${p}`,
          visitId,
          visitorId,
          started + p * 30_000,
          `https://bench.example${path}`,
          path,
        );
      }
    }
  });
  for (let from = 0; from < VISITS; from += chunk) insert(from, Math.min(VISITS, from + chunk));
  db.close();
}

function countRows(file: string, websiteId: string): { visits: number; pageviews: number } {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const count = (table: string) =>
      (db.prepare(`select count(*) as n from ${table} where website_id = ?`).get(websiteId) as { n: number })
        .n;
    return { visits: count('visits'), pageviews: count('pageviews') };
  } finally {
    db.close();
  }
}

/** What the bench does to the database besides running Spoor: one per engine. */
interface Database {
  url: string;
  seed(websiteId: string): Promise<void>;
  count(websiteId: string): Promise<{ visits: number; pageviews: number }>;
  /** Gives the website a 30-day period and makes the retention job due at `due`. */
  startRetention(websiteId: string, due: number): Promise<void>;
  job(): Promise<{ run_at: number; lease_owner: string | null }>;
  /** Monthly page view partitions (PostgreSQL), or null. */
  partitions(): Promise<number | null>;
  dispose(): Promise<void>;
}

function sqliteDatabase(): Database {
  const file = join(TMP_DIR, `retention-${Date.now().toString(36)}.db`);
  let control: SqliteDatabase.Database | undefined;
  const open = () => {
    control ??= new SqliteDatabase(file);
    control.pragma('busy_timeout = 10000');
    return control;
  };
  return {
    url: `sqlite:${file}`,
    seed: async (websiteId) => seedExpired(file, websiteId),
    count: async (websiteId) => countRows(file, websiteId),
    startRetention: async (websiteId, due) => {
      open().prepare('update websites set retention_days = 30 where id = ?').run(websiteId);
      open().prepare(`update jobs set run_at = ? where kind = 'privacy.retention'`).run(due);
    },
    job: async () =>
      open().prepare(`select run_at, lease_owner from jobs where kind = 'privacy.retention'`).get() as {
        run_at: number;
        lease_owner: string | null;
      },
    partitions: async () => null,
    dispose: async () => {
      control?.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}

/**
 * PostgreSQL: a schema of its own; the same expired traffic, written by the server (generate_series), in
 * monthly partitions made as the partitions job would have made them over the past year; one visit in
 * 100 identified, so the pass moves those page views to the kept partition before dropping a month.
 */
async function postgresDatabase(): Promise<Database> {
  const schema = `part_bench_${Date.now().toString(36)}`;
  const url = urlWithSearchPath(POSTGRES_URL, schema);
  const client = new pg.Client({ connectionString: url });
  await createSchema(POSTGRES_URL, schema);
  await client.connect();
  const q = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await client.query<R>(text, values)).rows;
  return {
    url,
    async seed(websiteId) {
      const now = Date.now();
      const storage = openStorage(POSTGRES_URL, { schema });
      if (DROP_MONTHS)
        for (let at = now - 430 * DAY_MS; at < now; at += 28 * DAY_MS)
          await ensurePageviewPartitions(storage, at);
      await storage.close();
      const started = `${now} - 60 * ${DAY_MS}::bigint - ((i::bigint * 7919) % ${VISITS}) * (360 * ${DAY_MS}::bigint / ${VISITS})`;
      await q(`insert into visitors (id, created_at, last_seen_at, contact_id)
        select 'bv' || lpad((i / 2)::text, 20, '0'), ${started}, ${started}, null
        from generate_series(0, ${VISITS - 1}, 2) as i`);
      await q(
        `insert into visits (id, website_id, visitor_id, started_at, last_seen_at, pageviews, engaged_ms, entry_path,
           referrer, referrer_host, bot, identified, contact_id)
         select 'bs' || lpad(i::text, 20, '0'), $1, 'bv' || lpad((i / 2)::text, 20, '0'), s, s + 60000, ${PAGEVIEWS_PER_VISIT},
           0, '/', null, null, 0, case when i % 100 = 0 then 1 else 0 end,
           case when i % 100 = 0 then 'bc' || lpad(i::text, 20, '0') end
         from (select i, ${started} as s from generate_series(0, ${VISITS - 1}) as i) as x`,
        [websiteId],
      );
      await q(
        `insert into pageviews (website_id, event_id, visit_id, visitor_id, occurred_at, url, path, title, referrer,
           engaged_ms, bot, anonymous)
         select $1, 'be' || i || '_' || p, 'bs' || lpad(i::text, 20, '0'), 'bv' || lpad((i / 2)::text, 20, '0'),
           s + p * 30000, 'https://bench.example/page/' || ((i + p) % 500), '/page/' || ((i + p) % 500), null, null,
           1000, 0, 0
         from (select i, ${started} as s from generate_series(0, ${VISITS - 1}) as i) as x
         cross join generate_series(0, ${PAGEVIEWS_PER_VISIT - 1}) as p`,
        [websiteId],
      );
      await q('vacuum analyze visits, visitors, pageviews');
    },
    async count(websiteId) {
      const [row] = await q<{ visits: string; pageviews: string }>(
        `select (select count(*) from visits where website_id = $1) as visits,
           (select count(*) from pageviews where website_id = $1) as pageviews`,
        [websiteId],
      );
      return { visits: Number(row?.visits), pageviews: Number(row?.pageviews) };
    },
    async startRetention(websiteId, due) {
      await q('update websites set retention_days = 30 where id = $1', [websiteId]);
      await q(`update jobs set run_at = $1 where kind = 'privacy.retention'`, [due]);
    },
    async job() {
      const [row] = await q<{ run_at: string; lease_owner: string | null }>(
        `select run_at, lease_owner from jobs where kind = 'privacy.retention'`,
      );
      return { run_at: Number(row?.run_at), lease_owner: row?.lease_owner ?? null };
    },
    async partitions() {
      const [row] = await q<{ n: string }>(
        `select count(*) as n from pg_inherits where inhparent = to_regclass('pageviews_live')`,
      );
      return Number(row?.n);
    },
    async dispose() {
      await client.end();
      await dropSchema(POSTGRES_URL, schema);
    },
  };
}

async function main(): Promise<void> {
  mkdirSync(TMP_DIR, { recursive: true });
  let postgres: { version: string; settings: string } | null = null;
  if (ENGINE === 'postgres') {
    const probe = await probePostgres(POSTGRES_URL);
    if (!probe.ok) throw new Error(`PostgreSQL is not reachable: ${probe.reason}`);
    postgres = { version: probe.version, settings: probe.settings };
  }
  const database = ENGINE === 'postgres' ? await postgresDatabase() : sqliteDatabase();
  const engineName = ENGINE === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const machine = describeMachine(postgres);
  console.log(
    `Retention bench (${engineName}${ENGINE === 'postgres' && !DROP_MONTHS ? ', old months in the default partition' : ''}) on ${machine.cpu} ×${machine.cores}, Node ${machine.node}, ` +
      (postgres ? `PostgreSQL ${postgres.version} (${postgres.settings})` : `SQLite ${machine.sqlite}`),
  );
  let spoor: SpoorChild | undefined;
  const name = `Spoor (${ENGINE})`;
  try {
    spoor = await startSpoor({ name, databaseUrl: database.url });
    const apiKey = spoor.apiKey;
    const oldSite = await spoor.registerWebsite('expired traffic');
    const loadSite = await spoor.registerWebsite('live traffic');
    await spoor.stop();
    spoor = undefined;

    let started = Date.now();
    await database.seed(oldSite);
    console.log(
      `Seeded ${fmt(VISITS)} expired visits, ${fmt(VISITS * PAGEVIEWS_PER_VISIT)} page views, ${fmt(VISITS / 2)} browsers in ${fmt((Date.now() - started) / 1000, 1)} s`,
    );
    const partitionsBefore = await database.partitions();

    spoor = await startSpoor({ name, databaseUrl: database.url, apiKey });
    const bodies = collectBodyMaker(loadSite, 20_000, 7);
    await runLoad(spoor.url, 16, 3, bodies);

    const slices: LoadResult[] = [];
    for (let s = 0; s < WINDOW_SECONDS; s += SLICE_SECONDS)
      slices.push(await runLoad(spoor.url, CONNECTIONS, SLICE_SECONDS, bodies));
    const without = mergeLoads(slices);

    // Give the expired website a 30-day period and make the retention job due now.
    const due = Date.now();
    await database.startRetention(oldSite, due);
    let state = await database.job();
    while (state.lease_owner === null && state.run_at <= due) {
      await new Promise((r) => setTimeout(r, 10));
      state = await database.job();
    }
    started = Date.now();
    const during: LoadResult[] = [];
    // Slices while the pass runs (its lease is held until it ends and the job is rescheduled), for the window.
    while ((await database.job()).run_at <= due && Date.now() - started < WINDOW_SECONDS * 1000)
      during.push(await runLoad(spoor.url, CONNECTIONS, SLICE_SECONDS, bodies));
    const windowSeconds = (Date.now() - started) / 1000;
    const atWindowEnd = await database.count(oldSite);
    const withRetention = mergeLoads(during);
    const line = (label: string, r: LoadResult) =>
      `${label.padEnd(26)} ${fmt(r.requestsPerSecond).padStart(7)} req/s  p50 ${fmt(r.p50Ms, 2)} ms  p99 ${fmt(r.p99Ms, 2)} ms  max ${fmt(r.maxMs, 0)} ms  errors ${r.errors}`;
    console.log(`\nCollect at ${CONNECTIONS} connections (POST /c, ${engineName}):`);
    console.log(line('without retention', without));
    console.log(
      during.length > 0
        ? line('during the retention pass', withRetention)
        : 'The pass ended before a slice of load could run.',
    );
    const deletedInWindow =
      VISITS - atWindowEnd.visits + (VISITS * PAGEVIEWS_PER_VISIT - atWindowEnd.pageviews);
    console.log(
      `During the ${fmt(windowSeconds, 0)} s window the pass removed ${fmt(deletedInWindow)} visits and page views (${fmt(deletedInWindow / windowSeconds)} rows/s besides the browsers)`,
    );
    while (
      (await database.job()).run_at <= due &&
      Date.now() - started < (WINDOW_SECONDS + MAX_WAIT_SECONDS) * 1000
    )
      await new Promise((r) => setTimeout(r, 250));
    const finished = (await database.job()).run_at > due;
    const passSeconds = (Date.now() - started) / 1000;
    const left = await database.count(oldSite);
    const partitionsAfter = await database.partitions();

    console.log(
      finished
        ? `The whole pass took ${fmt(passSeconds, 1)} s (load only for the first ${fmt(windowSeconds, 0)} s); left of the expired website: ${fmt(left.visits)} visits, ${fmt(left.pageviews)} page views`
        : `The pass had not finished after ${fmt(passSeconds, 0)} s; left: ${fmt(left.visits)} visits, ${fmt(left.pageviews)} page views`,
    );
    if (partitionsBefore !== null)
      console.log(`Monthly partitions: ${partitionsBefore} before the pass, ${partitionsAfter} after`);
    if (during.length > 0)
      console.log(`p99 ratio during/without: ${fmt(withRetention.p99Ms / without.p99Ms, 2)}`);
  } finally {
    await spoor?.stop();
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
