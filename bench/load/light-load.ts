// The hot paths under a light load generator: wrk (C, one thread) instead of autocannon (JavaScript,
// inside the bench's process), so that the servers, not the load generator, use the machine's two cores.
// Collect, the open pixel and the click (genuine signed URLs of a stored send, as bench/email) are each
// driven at 64 connections in runs alternating with a bare node:http server answering the same (ABBA, as
// bench/lib/paired.ts), and the CPU each process spent is read from /proc, the event loop's thread apart
// from all others (writer, checkpoint, GC helpers): Spoor's per durable event (stored in the database),
// the bare server's per request, and their ratio. Not part of `npm run bench`: `npm run bench:light`,
// which needs wrk (`apt-get install wrk`). Why it exists: decisions 008 and 043.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utcDay } from '../../src/lib/time.ts';
import { startBareEmailServer } from '../email/email-bench.ts';
import { countEmailEvents, seedEmailSend } from '../email/email-load.ts';
import { sliceOrder } from '../lib/paired.ts';
import { type ProcessCpu, processCpu } from '../lib/proc.ts';
import { type Child, freePort, owed, startChild } from '../lib/processes.ts';
import { type LightLoadSettings, loadLightLoadSettings, REPO_DIR, TMP_DIR } from '../lib/settings.ts';
import { startSpoor } from '../lib/spoor-child.ts';
import { settled } from './load-bench.ts';

/** One wrk run, as bench/load/light-load.lua's done() reports it. */
interface WrkRun {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

interface Measured {
  runs: WrkRun[];
  cpu: ProcessCpu;
}

interface Row {
  endpoint: string;
  server: string;
  bare: Measured;
  target: Measured;
  /** Spoor only: events stored during the measured runs (page views, opens, clicks) against the answers. */
  stored?: { answered: number; stored: number; inFlight: number };
}

/** What wrk drives: collect's page views for a website, or GETs of random paths from a file. */
type Load = { website: string } | { pathsFile: string };

function wrk(url: string, seconds: number, connections: number, load: Load): WrkRun {
  const { SPOOR_LIGHT_WEBSITE: _w, SPOOR_LIGHT_PATHS: _p, ...env } = process.env;
  const output = execFileSync(
    'wrk',
    [
      '-t',
      '1',
      '-c',
      String(connections),
      '-d',
      `${seconds}s`,
      '-s',
      'bench/load/light-load.lua',
      'website' in load ? `${url}/c` : `${url}/`,
    ],
    {
      cwd: REPO_DIR,
      env:
        'website' in load
          ? { ...env, SPOOR_LIGHT_WEBSITE: load.website }
          : { ...env, SPOOR_LIGHT_PATHS: load.pathsFile },
      encoding: 'utf8',
    },
  );
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`wrk printed no result:\n${output}`);
  return JSON.parse(line.slice('RESULT '.length)) as WrkRun;
}

/** One wrk run against `child`, with the CPU its process spent meanwhile added to `into`. */
function measuredRun(child: Child, load: Load, settings: LightLoadSettings, into: Measured): void {
  const pid = child.process.pid as number;
  const before = processCpu(pid);
  into.runs.push(wrk(child.url, settings.seconds, settings.connections, load));
  const after = processCpu(pid);
  into.cpu.mainMs += after.mainMs - before.mainMs;
  into.cpu.otherMs += after.otherMs - before.otherMs;
}

const empty = (): Measured => ({ runs: [], cpu: { mainMs: 0, otherMs: 0 } });
const requests = (m: Measured) => m.runs.reduce((sum, r) => sum + r.requests, 0);
const seconds = (m: Measured) => m.runs.reduce((sum, r) => sum + r.seconds, 0);
const rate = (m: Measured) => requests(m) / seconds(m);
const failures = (m: Measured) => m.runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
const answered = (m: Measured) => requests(m) - failures(m);
const micros = (ms: number, count: number) => (ms * 1000) / count;

/** The target's CPU per durable event (per answered request where nothing is stored), µs. */
function targetCpu(row: Row): { loop: number; all: number } {
  const t = row.target;
  const count = row.stored?.stored ?? answered(t);
  return { loop: micros(t.cpu.mainMs, count), all: micros(t.cpu.mainMs + t.cpu.otherMs, count) };
}

/** The bare server's CPU per request, µs. */
function bareCpu(row: Row): { loop: number; all: number } {
  const b = row.bare;
  return { loop: micros(b.cpu.mainMs, requests(b)), all: micros(b.cpu.mainMs + b.cpu.otherMs, requests(b)) };
}

interface Target {
  child: Child;
  /** The warm-up's load (JIT, caches, the database's first pages), kept apart from the measured one. */
  warmUp: Load;
  load: Load;
}

async function measure(
  endpoint: string,
  name: string,
  bare: { child: Child; load: Load },
  target: Target,
  settings: LightLoadSettings,
  storedSoFar?: () => Promise<number>,
): Promise<Row> {
  wrk(bare.child.url, 2, settings.connections, bare.load);
  wrk(target.child.url, 2, settings.connections, target.warmUp);
  const before = storedSoFar ? await settled(storedSoFar) : 0;
  const row: Row = { endpoint, server: name, bare: empty(), target: empty() };
  for (let i = 0; i < settings.rounds; i++) {
    for (const which of sliceOrder(i)) {
      if (which === 'bare') measuredRun(bare.child, bare.load, settings, row.bare);
      else measuredRun(target.child, target.load, settings, row.target);
    }
  }
  if (storedSoFar)
    row.stored = {
      answered: answered(row.target),
      stored: (await settled(storedSoFar)) - before,
      inFlight: settings.connections * row.target.runs.length,
    };
  console.log(describe(row));
  return row;
}

function describe(row: Row): string {
  const t = targetCpu(row);
  const b = bareCpu(row);
  return `  ${`${row.endpoint}, ${row.server}`.padEnd(44)} ${Math.round(rate(row.target)).toLocaleString('en-US').padStart(7)} req/s against bare ${Math.round(rate(row.bare)).toLocaleString('en-US')}  · CPU µs ${row.stored ? 'per durable event' : 'per request'} loop ${t.loop.toFixed(0)} / all ${t.all.toFixed(0)} against bare ${b.loop.toFixed(0)} / ${b.all.toFixed(0)}: ${(t.loop / b.loop).toFixed(2)}× / ${(t.all / b.all).toFixed(2)}×  · failures ${failures(row.target)}`;
}

function table(rows: Row[], settings: LightLoadSettings): string {
  const lines = [
    `wrk, 1 thread, ${settings.connections} connections, ${settings.rounds} × ${settings.seconds} s per server against as many bare runs (ABBA); CPU from /proc: Spoor's per durable event (stored in the database), the bare server's and Fastify's per answered request. The pixel and the click fetch genuine signed URLs of a send to ${settings.recipients.toLocaleString('en-US')} contacts; their bare server is bench/email/bare-email-server.ts.`,
    '',
    '| endpoint | server | req/s | bare req/s | p99 | CPU µs: event loop | all threads | bare: event loop | all threads | ratio: event loop | all threads |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const t = targetCpu(row);
    const b = bareCpu(row);
    const p99 = Math.max(...row.target.runs.map((r) => r.p99));
    lines.push(
      `| ${row.endpoint} | ${row.server} | ${Math.round(rate(row.target)).toLocaleString('en-US')} | ${Math.round(rate(row.bare)).toLocaleString('en-US')} | ${p99.toFixed(1)} ms | ${t.loop.toFixed(0)} | ${t.all.toFixed(0)} | ${b.loop.toFixed(0)} | ${b.all.toFixed(0)} | ${(t.loop / b.loop).toFixed(2)}× | ${(t.all / b.all).toFixed(2)}× |`,
    );
  }
  lines.push('');
  for (const row of rows)
    if (row.stored) {
      const { answered, stored, inFlight } = row.stored;
      // wrk stops each run with up to one request per connection sent but unanswered; those may be stored.
      const verdict =
        stored < answered
          ? 'SOME ANSWERED 2xx WERE NOT STORED'
          : stored > answered + inFlight
            ? 'MORE STORED THAN SENT'
            : 'every answered request stored';
      lines.push(
        `- ${row.endpoint}: ${answered.toLocaleString('en-US')} answered, ${stored.toLocaleString('en-US')} stored (at most ${inFlight} more were in flight when runs stopped): ${verdict}.`,
      );
    }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error) {
    console.error('bench:light needs wrk on the PATH (Debian/Ubuntu: apt-get install wrk).');
    process.exit(1);
  }
  const settings = loadLightLoadSettings();
  const start = async (name: string, script: string): Promise<Child> => {
    const port = await freePort();
    return startChild({
      name,
      nodeArgs: ['--import', 'tsx', script, String(port)],
      env: {},
      port,
      readyPath: '/healthz',
    });
  };
  const tag = Date.now().toString(36);
  const file = join(TMP_DIR, `light-${tag}.db`);
  const pixelPaths = join(TMP_DIR, `light-${tag}-pixel.txt`);
  const clickPaths = join(TMP_DIR, `light-${tag}-click.txt`);
  const dispose = owed(async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    for (const paths of [pixelPaths, clickPaths]) rmSync(paths, { force: true });
  });
  const databaseUrl = `sqlite:${file}`;
  const rows: Row[] = [];
  const bare = await start('bare node:http server', 'bench/load/bare-server.ts');
  const bareEmail = await startBareEmailServer();
  try {
    const fastify = await start('Fastify, one route', 'bench/load/fastify-minimal-server.ts');
    try {
      const load = { website: 'bare' };
      rows.push(
        await measure(
          'collect',
          'Fastify 5, one route, no plugins',
          { child: bare, load },
          { child: fastify, warmUp: load, load },
          settings,
        ),
      );
    } finally {
      await fastify.stop();
    }
    // Spoor with its events stored nowhere or in a bare durable log were measured once (decision 008).
    console.log(`  storing a delivered send to ${settings.recipients.toLocaleString('en-US')} contacts`);
    const data = await seedEmailSend(databaseUrl, settings.recipients);
    writeFileSync(pixelPaths, `${data.pixelPaths.join('\n')}\n`);
    writeFileSync(clickPaths, `${data.clickPaths.join('\n')}\n`);
    const name = 'Spoor as shipped (SQLite)';
    const spoor = await startSpoor({ name, databaseUrl });
    try {
      const warmUp = await spoor.registerWebsite('light load warm-up');
      const website = await spoor.registerWebsite('light load');
      const from = utcDay(Date.now());
      rows.push(
        await measure(
          'collect',
          name,
          { child: bare, load: { website: 'bare' } },
          { child: spoor, warmUp: { website: warmUp }, load: { website } },
          settings,
          async () => (await spoor.report(website, from, utcDay(Date.now()))).pageviews,
        ),
      );
      for (const [endpoint, kind, pathsFile] of [
        ['open pixel', 'opens', pixelPaths],
        ['click', 'clicks', clickPaths],
      ] as const) {
        const load = { pathsFile };
        rows.push(
          await measure(
            endpoint,
            name,
            { child: bareEmail, load },
            { child: spoor, warmUp: load, load },
            settings,
            async () => (await countEmailEvents(databaseUrl, data.sendId))[kind],
          ),
        );
      }
    } catch (error) {
      console.error(`Spoor's last output:\n${spoor.output()}`);
      throw error;
    } finally {
      await spoor.stop();
    }
  } finally {
    await bare.stop();
    await bareEmail.stop();
    await dispose();
  }
  const text = table(rows, settings);
  writeFileSync(join(TMP_DIR, 'light-load.md'), text);
  console.log(`\n${text}\nWritten to ${join(TMP_DIR, 'light-load.md')}.`);
}

await main();
