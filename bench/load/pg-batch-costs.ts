// Where PostgreSQL's own time goes in a tracking batch (decision 042): the tracking store's program fed
// batches of BATCH events (default 16, about what 64 connections and 4 writers make) on a fresh schema,
// (1) run as shipped (runOnPostgres, pipelined) on one pooled connection, the backend's CPU time read from
// /proc/<pid>/stat — CPU time, which a loaded machine does not inflate much, unlike wall time;
// (2) each statement under EXPLAIN (ANALYZE, SUMMARY) in a Kysely transaction: planning against
// execution per statement. Usage: [BATCHES=300] [BATCH=16] npx tsx bench/load/pg-batch-costs.ts
// (SPOOR_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test; the schema is dropped after).
// VARIANTS=shipped,nolock,plain,… (pg-batch-variants.ts) runs (1) for each on a schema of its own, the
// same batches in ROUNDS (6) alternating rounds; EXPLAIN=0 skips (2); SCHEMA_PREFIX names the schemas.
import { type Kysely, sql } from 'kysely';
import { openStorage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { runOnPostgres, type Statement, type StatementProgram } from '../../src/storage/statements.ts';
import { attributePageview } from '../../src/tracking/attribution.ts';
import { batchStatements } from '../../src/tracking/batch-store.ts';
import type { TrackingEvent } from '../../src/tracking/events.ts';
import { ensurePageviewPartitions } from '../../src/tracking/partitions.ts';
import { createSchema, dropSchema, urlWithSearchPath } from '../lib/postgres.ts';
import { processCpuMs } from '../lib/proc.ts';
import { asVariant, type BatchVariant, pastMonths, VARIANTS } from './pg-batch-variants.ts';
import { trackingTraffic } from './tracking-traffic.ts';

const BATCHES = Number(process.env['BATCHES'] ?? 300);
const BATCH = Number(process.env['BATCH'] ?? 16);
const ROUNDS = Number(process.env['ROUNDS'] ?? 6);
const PAST_MONTHS = Number(process.env['PAST_MONTHS'] ?? 12);
const SCHEMA_PREFIX = process.env['SCHEMA_PREFIX'] ?? 'spoor_pgcosts_';
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

/** One schema per variant, on a pool of one connection (so one backend, whose CPU is read). */
async function openVariant(variant: BatchVariant) {
  const schema = `${SCHEMA_PREFIX}${variant.name}_${process.pid}`;
  await createSchema(url, schema);
  schemas.push(schema);
  const storage = openStorage(urlWithSearchPath(url, schema), { poolSize: 1 });
  await migrateToLatest(storage.db);
  await sql`insert into websites (id, name, allowed_origins, visit_timeout_minutes, visitor_cookie_days, gpc_mode, created_at, updated_at)
    values ('w1', 'w1', '[]', 30, 365, 'ignore', 0, 0)`.execute(storage.db);
  // The traffic's month gets its partition, as the partitions job makes it in time for live traffic.
  await ensurePageviewPartitions(storage, Date.UTC(2026, 10, 20));
  // And the months a year's retention keeps before it (PAST_MONTHS), which plans that cannot prune visit.
  await pastMonths(storage.db as unknown as Kysely<unknown>, Date.UTC(2026, 10, 20), PAST_MONTHS);
  await variant.setUp?.(storage.db as unknown as Kysely<unknown>);
  const pool = storage.pgPool;
  if (!pool) throw new Error('PostgreSQL only.');
  // The pool closes an idle connection (10 s), as while the other variants run: asked before each round.
  const backendPid = async () => Number((await pool.query('select pg_backend_pid() as pid')).rows[0].pid);
  const run = (batch: TrackingEvent[]) =>
    runOnPostgres(pool, asVariant(batchStatements(batch, 'postgres', null), variant, batch));
  return { variant, storage, backendPid, run, cpuMs: 0, wallMs: 0, batches: 0 };
}

const schemas: string[] = [];
const names = (process.env['VARIANTS'] ?? 'shipped').split(',');
const opened: Awaited<ReturnType<typeof openVariant>>[] = [];
try {
  for (const name of names) {
    const variant = VARIANTS[name];
    if (!variant) throw new Error(`No variant "${name}"; there are ${Object.keys(VARIANTS).join(', ')}.`);
    opened.push(await openVariant(variant));
  }
  // Warm-up, then the measured batches, the same ones on every variant's schema, in ROUNDS rounds whose
  // order alternates (ABBA), so the machine's drift falls on each variant alike.
  const warmUp = trackingTraffic({
    batches: 50,
    batchSize: BATCH,
    browsers: BROWSERS,
    attribute: attributePageview,
  });
  for (const v of opened) for (const batch of warmUp) await v.run(batch);
  const measured = trackingTraffic({
    batches: BATCHES,
    batchSize: BATCH,
    browsers: BROWSERS,
    attribute: attributePageview,
    start: 50 * BATCH,
  });
  const perRound = Math.ceil(BATCHES / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const slice = measured.slice(round * perRound, (round + 1) * perRound);
    for (const v of round % 2 === 0 ? opened : [...opened].reverse()) {
      const backend = await v.backendPid();
      const before = processCpuMs(backend) ?? 0;
      const started = performance.now();
      for (const batch of slice) await v.run(batch);
      v.wallMs += performance.now() - started;
      const after = processCpuMs(backend);
      if (after === null || backend !== (await v.backendPid()))
        throw new Error('The backend changed mid-round.');
      v.cpuMs += after - before;
      v.batches += slice.length;
    }
  }
  for (const v of opened)
    console.log(
      `${v.variant.name} (${v.variant.about}), ${v.batches} batches of ${BATCH}: PostgreSQL backend CPU ` +
        `${((v.cpuMs * 1000) / (v.batches * BATCH)).toFixed(0)} µs/event, ${(v.cpuMs / v.batches).toFixed(2)} ms/batch; ` +
        `wall ${(v.wallMs / v.batches).toFixed(2)} ms/batch (one connection)`,
    );
  // (2), unless EXPLAIN=0 (the schemas are dropped either way).
  if (process.env['EXPLAIN'] !== '0') {
    const storage = opened[0]!.storage;

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
      await runExplained(asVariant(batchStatements(batch, 'postgres', null), opened[0]!.variant, batch));
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
  }
} finally {
  for (const v of opened) await v.storage.close();
  if (process.env['KEEP'] !== '1') for (const schema of schemas) await dropSchema(url, schema);
}
