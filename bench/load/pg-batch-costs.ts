// Where PostgreSQL's own time goes in a tracking batch (decision 042): the tracking store's program fed
// batches of BATCH events (default 16, about what 64 connections and 4 writers make) on a fresh schema,
// (1) run as shipped (runOnPostgres, pipelined) on one pooled connection, the backend's CPU time read from
// /proc/<pid>/stat — CPU time, which a loaded machine does not inflate much, unlike wall time;
// (2) each statement under EXPLAIN (ANALYZE, SUMMARY) in a Kysely transaction: planning against
// execution per statement. Usage: [BATCHES=300] [BATCH=16] npx tsx bench/load/pg-batch-costs.ts
// (SPOOR_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test; the schema is dropped after).
import { sql } from 'kysely';
import { openStorage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { runOnPostgres, type Statement, type StatementProgram } from '../../src/storage/statements.ts';
import { attributePageview } from '../../src/tracking/attribution.ts';
import { batchStatements } from '../../src/tracking/batch-store.ts';
import type { TrackingEvent } from '../../src/tracking/events.ts';
import { createSchema, dropSchema, urlWithSearchPath } from '../lib/postgres.ts';
import { processCpuMs } from '../lib/proc.ts';

const BATCHES = Number(process.env['BATCHES'] ?? 300);
const BATCH = Number(process.env['BATCH'] ?? 16);
const BROWSERS = 1000;
const url = process.env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

/** Page views and engaged time of BROWSERS browsers on one website, 700 ms apart (thread-store-feed's mix). */
function traffic(count: number, start: number): TrackingEvent[][] {
  const out: TrackingEvent[][] = [];
  let at = Date.UTC(2026, 10, 20, 8, 0, 0) + start * 700;
  let n = start;
  const recent: { eventId: string; visitor: string }[] = [];
  for (let b = 0; b < count; b++) {
    const batch: TrackingEvent[] = [];
    while (batch.length < BATCH) {
      at += 700;
      const visitor = `visitor${String((n * 7919) % BROWSERS).padStart(16, '0')}`;
      const common = {
        websiteId: 'w1',
        receivedAt: at,
        anonymous: false,
        cookieVisitorId: visitor,
        mirrorVisitorId: null,
        bot: null,
        visitTimeoutMinutes: 30,
      };
      const last = recent[n % recent.length];
      if (n % 3 === 2 && last) {
        batch.push({
          ...common,
          kind: 'engagement',
          eventId: `eng${n}`,
          pageviewEventId: last.eventId,
          cookieVisitorId: last.visitor,
          engagedMs: 1000 + (n % 9) * 500,
        } as TrackingEvent);
      } else {
        const pageUrl = `https://shop.test/p${n % 40}${n % 7 === 0 ? `?utm_source=news&utm_campaign=c${n % 3}` : ''}`;
        const referrer = n % 5 === 0 ? 'https://www.google.com/' : null;
        const eventId = `event${String(n).padStart(12, '0')}`;
        batch.push({
          ...common,
          kind: 'pageview',
          eventId,
          url: pageUrl,
          title: `Page ${n % 40}`,
          referrer,
          attribution: attributePageview(pageUrl, referrer),
        } as TrackingEvent);
        recent[n % 50] = { eventId, visitor };
      }
      n++;
    }
    out.push(batch);
  }
  return out;
}

/** What PLANS=1 prints of each statement's last plan. */
const planFields = [
  'Node Type',
  'Relation Name',
  'Index Name',
  'Actual Rows',
  'Actual Total Time',
  'Plans',
  'Rows Removed by Filter',
  'Heap Fetches',
  'Conflict Resolution',
  'Tuples Inserted',
  'Conflicting Tuples',
];

const schema = `spoor_pgcosts_${process.pid}`;
await createSchema(url, schema);
const storage = openStorage(urlWithSearchPath(url, schema), { poolSize: 1 });
try {
  await migrateToLatest(storage.db);
  await sql`insert into websites (id, name, allowed_origins, visit_timeout_minutes, visitor_cookie_days, gpc_mode, created_at, updated_at)
    values ('w1', 'w1', '[]', 30, 365, 'ignore', 0, 0)`.execute(storage.db);
  const pool = storage.pgPool;
  if (!pool) throw new Error('PostgreSQL only.');
  const backend = Number((await pool.query('select pg_backend_pid() as pid')).rows[0].pid);
  // Warm-up, then the measured batches (the same connection: the pool holds one).
  for (const batch of traffic(50, 0)) await runOnPostgres(pool, batchStatements(batch, 'postgres', null));
  const measured = traffic(BATCHES, 50 * BATCH);
  const before = processCpuMs(backend) ?? 0;
  const started = performance.now();
  for (const batch of measured) await runOnPostgres(pool, batchStatements(batch, 'postgres', null));
  const backendMs = (processCpuMs(backend) ?? 0) - before;
  const wallMs = performance.now() - started;
  console.log(
    `tracking, ${BATCHES} batches of ${BATCH}: PostgreSQL backend CPU ${((backendMs * 1000) / (BATCHES * BATCH)).toFixed(0)} µs/event, ` +
      `${(backendMs / BATCHES).toFixed(2)} ms/batch; wall ${(wallMs / BATCHES).toFixed(2)} ms/batch (one connection)`,
  );

  // Per statement: planning and execution, from EXPLAIN (ANALYZE, SUMMARY) of each, in a transaction each batch.
  const costs = new Map<string, { n: number; planning: number; execution: number }>();
  const runExplained = async <T>(program: StatementProgram<T>) =>
    storage.db.transaction().execute(async (tx) => {
      const query = async (text: string, params: unknown[]) => {
        const parts = `explain (analyze, summary, format json) ${text}`.split('?');
        const strings = Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray;
        const plan = (await sql<{ 'QUERY PLAN': unknown }>(strings, ...params).execute(tx)).rows[0]?.[
          'QUERY PLAN'
        ] as [{ 'Planning Time': number; 'Execution Time': number; Plan: { 'Node Type': string } }];
        const name = text.replace(/\s+/g, ' ').slice(0, 60);
        const cost = costs.get(name) ?? { n: 0, planning: 0, execution: 0 };
        cost.n += 1;
        cost.planning += plan[0]['Planning Time'];
        cost.execution += plan[0]['Execution Time'];
        costs.set(name, cost);
        if (process.env['PLANS'] && cost.n === 100)
          console.log(name, JSON.stringify(plan[0].Plan, planFields));
        const realParts = text.split('?');
        const real = Object.assign([...realParts], { raw: realParts }) as unknown as TemplateStringsArray;
        // Reads run again for their rows (writes ran under EXPLAIN ANALYZE already).
        return /^\s*select/i.test(text)
          ? (await sql<Record<string, unknown>>(real, ...params).execute(tx)).rows
          : [];
      };
      for (let step = program.next(); ; ) {
        if (step.done) return step.value;
        const s: Statement = step.value;
        if (s.kind === 'allTogether') {
          const rows = [];
          for (const [text, params] of s.reads) rows.push(await query(text, params));
          step = program.next(rows);
        } else if (s.kind === 'all') step = program.next(await query(s.sql, s.params));
        else if (s.kind === 'write' || s.kind === 'change') {
          await query(s.sql, s.params);
          step = program.next(0);
        } else throw new Error(`Not expected on PostgreSQL: ${s.kind}`);
      }
    });
  for (const batch of traffic(100, (50 + BATCHES) * BATCH))
    await runExplained(batchStatements(batch, 'postgres', null));
  let planning = 0;
  let execution = 0;
  console.log('statement (first 60 characters) | runs | planning ms | execution ms (mean)');
  for (const [name, c] of costs) {
    planning += c.planning;
    execution += c.execution;
    console.log(`${name} | ${c.n} | ${(c.planning / c.n).toFixed(3)} | ${(c.execution / c.n).toFixed(3)}`);
  }
  console.log(
    `per batch of ${BATCH}: planning ${(planning / 100).toFixed(2)} ms, execution ${(execution / 100).toFixed(2)} ms`,
  );
} finally {
  await storage.close();
  await dropSchema(url, schema);
}
