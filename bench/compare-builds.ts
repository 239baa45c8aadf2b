// A/B of two Spoor builds on the hot paths (collect, open pixel, click; SQLite file, 64 connections): slices
// alternate ABBA so the machine's drift hits both alike, and each build's CPU time per response is read
// from /proc (its event loop's thread, and all threads), the figure that holds on a shared machine
// (decision 008). Usage: build both trees (`npm run build` in each), then
//   BASE=/path/to/base/tree NEW=/path/to/new/tree npx tsx bench/compare-builds.ts
// Knobs: SLICES (default 6), SECONDS per slice (4), CONNECTIONS (64), ENDPOINTS (collect,pixel,click; also
// report: the 30-day website report over REPORT_PAGEVIEWS generated page views, 100,000, the same file for
// both builds — its event-loop CPU per request is what a report takes from tracking requests, decision 048;
// collect+report: collect's load while one client reads that report back to back, collect's figures),
// ENGINE (sqlite, or postgres: each build on its own schema of SPOOR_BENCH_POSTGRES_URL, dropped after; the
// CPU per request then adds the PostgreSQL backends' CPU, which runs on the same cores; or two engines,
// base's then new's, e.g. `BASE=. NEW=. ENGINE=sqlite,postgres`: one build on both engines in one run, the
// figures the bound of decisions 042 and 047 needs), SCHEMA_PREFIX (spoor_ab_: the schemas' names). Both
// builds must have the same migrations: each database is seeded by this tree's code, and a build missing a
// migration it finds applied refuses to start (to compare across a migration, give the base tree it too).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStorage } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { runGetLoad, seedEmailSend } from './email/email-load.ts';
import { type LoadResult, mergeLoads, runAutocannon, runLoad } from './lib/load.ts';
import { createSchema, dropSchema, urlWithSearchPath } from './lib/postgres.ts';
import { postgresBackendPids, processCpu, processCpuMs } from './lib/proc.ts';
import { type Child, freePort, startChild } from './lib/processes.ts';
import { benchServerEnv, newApiKey } from './lib/spoor-child.ts';
import { collectBodyMaker } from './load/collect-bodies.ts';
import { generate } from './report/report-bench.ts';

const builds = { base: process.env['BASE']!, new: process.env['NEW']! };
const SLICES = Number(process.env['SLICES'] ?? 6);
const SECONDS = Number(process.env['SECONDS'] ?? 4);
const CONNECTIONS = Number(process.env['CONNECTIONS'] ?? 64);
const endpoints = (process.env['ENDPOINTS'] ?? 'collect,pixel,click').split(',');
const [baseEngine = 'sqlite', newEngine = baseEngine] = (process.env['ENGINE'] ?? 'sqlite').split(',');
const engines: Record<keyof typeof builds, string> = { base: baseEngine, new: newEngine };
const SCHEMA_PREFIX = process.env['SCHEMA_PREFIX'] ?? 'spoor_ab_';
const POSTGRES_URL = process.env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

/** A database for one build and endpoint: a SQLite file, or a PostgreSQL schema of its own. */
async function databaseFor(endpoint: string, name: keyof typeof builds): Promise<string> {
  if (engines[name] !== 'postgres') return `sqlite:${join(dir, `${endpoint}-${name}.db`)}`;
  if (endpoint.includes('report')) throw new Error(`ENDPOINTS=${endpoint} runs on SQLite only.`);
  const schema = `${SCHEMA_PREFIX}${endpoint}_${name}_${process.pid}`;
  await createSchema(POSTGRES_URL, schema);
  schemas.push(schema);
  return urlWithSearchPath(POSTGRES_URL, schema);
}

/** CPU so far of each PostgreSQL backend serving the process (none on SQLite). */
function postgresCpu(pid: number): Map<number, number> {
  const cpu = new Map<number, number>();
  if (!Object.values(engines).includes('postgres')) return cpu;
  for (const backend of postgresBackendPids(pid)) cpu.set(backend, processCpuMs(backend) ?? 0);
  return cpu;
}

function cpuSince(pid: number, before: Map<number, number>): number {
  let sum = 0;
  for (const [backend, ms] of postgresCpu(pid)) sum += ms - (before.get(backend) ?? ms);
  return sum;
}

async function start(name: keyof typeof builds, databaseUrl: string, apiKey: string): Promise<Child> {
  const port = await freePort();
  return startChild({
    name,
    nodeArgs: [join(builds[name], 'dist/main.js')],
    env: benchServerEnv(port, databaseUrl, apiKey),
    port,
    readyPath: '/healthz',
  });
}

const dir = mkdtempSync(join(tmpdir(), 'spoor-ab-'));
const REPORT_PAGEVIEWS = Number(process.env['REPORT_PAGEVIEWS'] ?? 100_000);

let reportSeed: { file: string; path: string } | undefined;
/** SQLite only: one generated data set (made once), copied to `databaseUrl`; returns the report's path. */
async function seedReport(databaseUrl: string): Promise<string> {
  if (!reportSeed) {
    const file = join(dir, 'report-seed.db');
    const storage = openStorage(`sqlite:${file}`);
    await migrateToLatest(storage.db);
    const record = await generate(storage, 'sqlite', REPORT_PAGEVIEWS, 'compare-builds');
    await sql`pragma wal_checkpoint(truncate)`.execute(storage.db);
    await storage.close();
    reportSeed = {
      file,
      path: `/api/websites/${record.websiteId}/report?from=${record.from}&to=${record.to}`,
    };
  }
  copyFileSync(reportSeed.file, databaseUrl.slice('sqlite:'.length));
  return reportSeed.path;
}

/** GET `path` with the API key, one request at a time, until `seconds` have passed; how many answered. */
async function loopReports(origin: string, apiKey: string, path: string, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let answered = 0;
  while (performance.now() < until) {
    const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    await res.arrayBuffer();
    if (res.ok) answered += 1;
  }
  return answered;
}
for (const endpoint of endpoints) {
  const servers: Record<string, { child: Child; run: (seed: number) => Promise<LoadResult> }> = {};
  for (const name of ['base', 'new'] as const) {
    const url = await databaseFor(endpoint, name);
    const apiKey = newApiKey();
    if (endpoint === 'collect' || endpoint === 'collect+report') {
      const reportPath = endpoint === 'collect+report' ? await seedReport(url) : undefined;
      const child = await start(name, url, apiKey);
      const res = await fetch(`${child.url}/api/websites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ab', allowedOrigins: ['https://bench.example'] }),
      });
      const { id } = (await res.json()) as { id: string };
      // The same traffic for both builds.
      const bodies = collectBodyMaker(id, 1000, 1);
      servers[name] = {
        child,
        run: async () => {
          if (!reportPath) return runLoad(child.url, CONNECTIONS, SECONDS, bodies);
          // Collect's figures while a dashboard user reads the report back to back (decision 048).
          const [load, reports] = await Promise.all([
            runLoad(child.url, CONNECTIONS, SECONDS, bodies),
            loopReports(child.url, apiKey, reportPath, SECONDS),
          ]);
          console.log(`  ${name}: ${reports} reports beside collect`);
          return load;
        },
      };
    } else if (endpoint === 'report') {
      const path = await seedReport(url);
      const child = await start(name, url, apiKey);
      servers[name] = {
        child,
        run: () =>
          runAutocannon(
            {
              url: child.url,
              connections: CONNECTIONS,
              duration: SECONDS,
              headers: { authorization: `Bearer ${apiKey}` },
              requests: [{ method: 'GET', path }],
            },
            (status) => status === 200,
          ),
      };
    } else {
      const data = await seedEmailSend(url, 20_000);
      const child = await start(name, url, apiKey);
      const paths = endpoint === 'pixel' ? data.pixelPaths : data.clickPaths;
      servers[name] = {
        child,
        run: (seed) =>
          runGetLoad(child.url, paths, endpoint === 'pixel' ? 200 : 302, CONNECTIONS, SECONDS, seed),
      };
    }
  }
  // Warm-up of both.
  for (const name of ['base', 'new']) await servers[name]!.run(99);
  const results: Record<string, LoadResult[]> = { base: [], new: [] };
  const cpu: Record<string, { loop: number; all: number }> = {
    base: { loop: 0, all: 0 },
    new: { loop: 0, all: 0 },
  };
  const pgCpu: Record<string, number> = { base: 0, new: 0 };
  const pairs: number[] = [];
  for (let i = 0; i < SLICES; i++) {
    for (const name of i % 2 === 0 ? ['base', 'new'] : ['new', 'base']) {
      const pid = servers[name]!.child.process.pid!;
      const before = processCpu(pid);
      const pgBefore = postgresCpu(pid);
      results[name]!.push(await servers[name]!.run(i));
      const after = processCpu(pid);
      cpu[name]!.loop += after.mainMs - before.mainMs;
      cpu[name]!.all += after.mainMs + after.otherMs - before.mainMs - before.otherMs;
      pgCpu[name]! += cpuSince(pid, pgBefore);
    }
    pairs.push(results['new']![i]!.requestsPerSecond / results['base']![i]!.requestsPerSecond);
  }
  const b = mergeLoads(results['base']!);
  const n = mergeLoads(results['new']!);
  console.log(
    `${endpoint} (${CONNECTIONS} conn, ${SLICES}×${SECONDS}s, base on ${engines.base}, new on ${engines.new}): base ${b.requestsPerSecond.toFixed(0)} req/s p99 ${b.p99Ms.toFixed(1)} ms errors ${b.errors}; ` +
      `new ${n.requestsPerSecond.toFixed(0)} req/s p99 ${n.p99Ms.toFixed(1)} ms errors ${n.errors}; new/base ${(n.requestsPerSecond / b.requestsPerSecond).toFixed(3)} ` +
      `(pairs ${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)}); ` +
      `CPU µs/request (event loop / all threads): base ${((cpu['base']!.loop * 1000) / b.responses).toFixed(0)} / ${((cpu['base']!.all * 1000) / b.responses).toFixed(0)}, new ${((cpu['new']!.loop * 1000) / n.responses).toFixed(0)} / ${((cpu['new']!.all * 1000) / n.responses).toFixed(0)}` +
      (Object.values(engines).includes('postgres')
        ? `; PostgreSQL backends' CPU µs/request: base ${((pgCpu['base']! * 1000) / b.responses).toFixed(0)}, new ${((pgCpu['new']! * 1000) / n.responses).toFixed(0)}`
        : ''),
  );
  for (const s of Object.values(servers)) await s.child.stop();
}
for (const schema of schemas) await dropSchema(POSTGRES_URL, schema);
process.exit(0);
