// npm run bench:retention: collect latency on SQLite while the retention job deletes millions of expired
// rows, against the same load without it, in one run on one database (decision 039). The expired traffic
// is written straight into the file (old anonymous visits with their page views, and their browsers);
// Spoor runs as shipped (dist/main.js) and its own retention job does the deleting, made due by the bench.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type LoadResult, mergeLoads, runLoad } from '../lib/load.ts';
import { describeMachine } from '../lib/machine.ts';
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

async function main(): Promise<void> {
  mkdirSync(TMP_DIR, { recursive: true });
  const file = join(TMP_DIR, `retention-${Date.now().toString(36)}.db`);
  const databaseUrl = `sqlite:${file}`;
  const machine = describeMachine(null);
  console.log(
    `Retention bench on ${machine.cpu} ×${machine.cores}, Node ${machine.node}, SQLite ${machine.sqlite}`,
  );
  let spoor: SpoorChild | undefined;
  try {
    spoor = await startSpoor({ name: 'Spoor (sqlite)', databaseUrl });
    const apiKey = spoor.apiKey;
    const oldSite = await spoor.registerWebsite('expired traffic');
    const loadSite = await spoor.registerWebsite('live traffic');
    await spoor.stop();
    spoor = undefined;

    let started = Date.now();
    seedExpired(file, oldSite);
    console.log(
      `Seeded ${fmt(VISITS)} expired visits, ${fmt(VISITS * PAGEVIEWS_PER_VISIT)} page views, ${fmt(VISITS / 2)} browsers in ${fmt((Date.now() - started) / 1000, 1)} s`,
    );

    spoor = await startSpoor({ name: 'Spoor (sqlite)', databaseUrl, apiKey });
    const bodies = collectBodyMaker(loadSite, 20_000, 7);
    await runLoad(spoor.url, 16, 3, bodies);

    const slices: LoadResult[] = [];
    for (let s = 0; s < WINDOW_SECONDS; s += SLICE_SECONDS)
      slices.push(await runLoad(spoor.url, CONNECTIONS, SLICE_SECONDS, bodies));
    const without = mergeLoads(slices);

    // Give the expired website a 30-day period and make the retention job due now.
    const control = new SqliteDatabase(file);
    control.pragma('busy_timeout = 10000');
    control.prepare('update websites set retention_days = 30 where id = ?').run(oldSite);
    const due = Date.now();
    control.prepare(`update jobs set run_at = ? where kind = 'privacy.retention'`).run(due);
    const job = control.prepare(`select run_at, lease_owner from jobs where kind = 'privacy.retention'`);
    const state = () => job.get() as { run_at: number; lease_owner: string | null };
    while (state().lease_owner === null && state().run_at <= due) await new Promise((r) => setTimeout(r, 10));
    started = Date.now();
    const during: LoadResult[] = [];
    // Slices while the pass runs (its lease is held until it ends and the job is rescheduled), for the window.
    while (state().run_at <= due && Date.now() - started < WINDOW_SECONDS * 1000)
      during.push(await runLoad(spoor.url, CONNECTIONS, SLICE_SECONDS, bodies));
    const windowSeconds = (Date.now() - started) / 1000;
    const atWindowEnd = countRows(file, oldSite);
    const withRetention = mergeLoads(during);
    const line = (label: string, r: LoadResult) =>
      `${label.padEnd(26)} ${fmt(r.requestsPerSecond).padStart(7)} req/s  p50 ${fmt(r.p50Ms, 2)} ms  p99 ${fmt(r.p99Ms, 2)} ms  max ${fmt(r.maxMs, 0)} ms  errors ${r.errors}`;
    console.log(`\nCollect at ${CONNECTIONS} connections (POST /c, SQLite):`);
    console.log(line('without retention', without));
    console.log(line('during the retention pass', withRetention));
    const deletedInWindow =
      VISITS - atWindowEnd.visits + (VISITS * PAGEVIEWS_PER_VISIT - atWindowEnd.pageviews);
    console.log(
      `During the ${fmt(windowSeconds, 0)} s window the pass deleted ${fmt(deletedInWindow)} visits and page views (${fmt(deletedInWindow / windowSeconds)} rows/s besides the browsers)`,
    );
    while (state().run_at <= due && Date.now() - started < (WINDOW_SECONDS + MAX_WAIT_SECONDS) * 1000)
      await new Promise((r) => setTimeout(r, 250));
    const finished = state().run_at > due;
    const passSeconds = (Date.now() - started) / 1000;
    control.close();
    const left = countRows(file, oldSite);

    console.log(
      finished
        ? `The whole pass took ${fmt(passSeconds, 1)} s (load only for the first ${fmt(windowSeconds, 0)} s); left of the expired website: ${fmt(left.visits)} visits, ${fmt(left.pageviews)} page views`
        : `The pass had not finished after ${fmt(passSeconds, 0)} s; left: ${fmt(left.visits)} visits, ${fmt(left.pageviews)} page views`,
    );
    console.log(`p99 ratio during/without: ${fmt(withRetention.p99Ms / without.p99Ms, 2)}`);
  } finally {
    await spoor?.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
