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
import { createSchema, dropSchema, urlWithSearchPath } from '../lib/postgres.ts';
import { processCpuMs } from '../lib/proc.ts';
import { trackingTraffic } from './tracking-traffic.ts';

const BATCHES = Number(process.env['BATCHES'] ?? 300);
const BATCH = Number(process.env['BATCH'] ?? 16);
const BROWSERS = 1000;
const url = process.env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

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
  for (const batch of trackingTraffic({
    batches: 50,
    batchSize: BATCH,
    browsers: BROWSERS,
    attribute: attributePageview,
  }))
    await runOnPostgres(pool, batchStatements(batch, 'postgres', null));
  const measured = trackingTraffic({
    batches: BATCHES,
    batchSize: BATCH,
    browsers: BROWSERS,
    attribute: attributePageview,
    start: 50 * BATCH,
  });
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
  for (const batch of trackingTraffic({
    batches: 100,
    batchSize: BATCH,
    browsers: BROWSERS,
    attribute: attributePageview,
    start: (50 + BATCHES) * BATCH,
  }))
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
