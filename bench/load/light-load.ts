// Collect under a light load generator: wrk (C, one thread) instead of autocannon (JavaScript, inside
// the bench's process), so that the servers, not the load generator, use the machine's two cores. Each
// server is driven at 64 connections in runs alternating with the bare node:http server (ABBA, as
// bench/lib/paired.ts), and the CPU its process spent per answered request is read from /proc, the event
// loop's thread apart from all others (writer, checkpoint, GC helpers). Not part of `npm run bench`:
// `npm run bench:light`, which needs wrk (`apt-get install wrk`). Why it exists: decision 008.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utcDay } from '../../src/lib/time.ts';
import { sliceOrder } from '../lib/paired.ts';
import { type Child, freePort, owed, startChild } from '../lib/processes.ts';
import { type LightLoadSettings, loadLightLoadSettings, REPO_DIR, TMP_DIR } from '../lib/settings.ts';
import { type SpoorChild, startSpoor } from '../lib/spoor-child.ts';
import { settledPageviews } from './load-bench.ts';

/** One wrk run, as bench/load/light-load.lua's done() reports it. */
interface WrkRun {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** CPU milliseconds a process has used so far: its event loop's thread, and all its other threads. */
interface ProcessCpu {
  mainMs: number;
  otherMs: number;
}

interface Measured {
  runs: WrkRun[];
  cpu: ProcessCpu;
}

interface Row {
  server: string;
  bare: Measured;
  target: Measured;
  /** Spoor only: page views the report counts against the 2xx answers. */
  stored?: { answered: number; stored: number; inFlight: number };
}

// /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space.
const MS_PER_TICK = 10;

function processCpu(pid: number): ProcessCpu {
  let mainMs = 0;
  let otherMs = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at "state"; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
    if (Number(tid) === pid) mainMs += ms;
    else otherMs += ms;
  }
  return { mainMs, otherMs };
}

function wrk(url: string, seconds: number, connections: number, website: string): WrkRun {
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
      `${url}/c`,
    ],
    { cwd: REPO_DIR, env: { ...process.env, SPOOR_LIGHT_WEBSITE: website }, encoding: 'utf8' },
  );
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`wrk printed no result:\n${output}`);
  return JSON.parse(line.slice('RESULT '.length)) as WrkRun;
}

/** One wrk run against `child`, with the CPU its process spent meanwhile added to `into`. */
function measuredRun(child: Child, website: string, settings: LightLoadSettings, into: Measured): void {
  const pid = child.process.pid as number;
  const before = processCpu(pid);
  into.runs.push(wrk(child.url, settings.seconds, settings.connections, website));
  const after = processCpu(pid);
  into.cpu.mainMs += after.mainMs - before.mainMs;
  into.cpu.otherMs += after.otherMs - before.otherMs;
}

const empty = (): Measured => ({ runs: [], cpu: { mainMs: 0, otherMs: 0 } });
const requests = (m: Measured) => m.runs.reduce((sum, r) => sum + r.requests, 0);
const seconds = (m: Measured) => m.runs.reduce((sum, r) => sum + r.seconds, 0);
const rate = (m: Measured) => requests(m) / seconds(m);
const failures = (m: Measured) => m.runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
const microsPerRequest = (ms: number, m: Measured) => (ms * 1000) / requests(m);

async function measure(
  name: string,
  bare: Child,
  target: Child,
  websites: { warmUp: string; measured: string },
  settings: LightLoadSettings,
): Promise<Row> {
  const website = websites.measured;
  // Warm-up (JIT, caches, the database's first pages), on a website of its own so that the measured
  // one holds only the measured runs' page views.
  wrk(bare.url, 2, settings.connections, 'bare');
  wrk(target.url, 2, settings.connections, websites.warmUp);
  const row: Row = { server: name, bare: empty(), target: empty() };
  for (let i = 0; i < settings.rounds; i++) {
    for (const which of sliceOrder(i)) {
      if (which === 'bare') measuredRun(bare, 'bare', settings, row.bare);
      else measuredRun(target, website, settings, row.target);
    }
  }
  console.log(describe(row));
  return row;
}

function describe(row: Row): string {
  const t = row.target;
  const cpu = `${microsPerRequest(t.cpu.mainMs, t).toFixed(0)} + ${microsPerRequest(t.cpu.otherMs, t).toFixed(0)} µs`;
  return `  ${row.server.padEnd(34)} ${Math.round(rate(t)).toLocaleString('en-US').padStart(7)} req/s against bare ${Math.round(rate(row.bare)).toLocaleString('en-US')}: ${(rate(t) / rate(row.bare)).toFixed(2)}  · CPU per request (loop + other threads) ${cpu}  · failures ${failures(t)}`;
}

async function startSpoorTarget(
  name: string,
  file: string,
): Promise<{ spoor: SpoorChild; websites: { warmUp: string; measured: string } }> {
  const spoor = await startSpoor({ name, databaseUrl: `sqlite:${file}` });
  const warmUp = await spoor.registerWebsite('light load warm-up');
  return { spoor, websites: { warmUp, measured: await spoor.registerWebsite('light load') } };
}

function table(rows: Row[], settings: LightLoadSettings): string {
  const lines = [
    `wrk, 1 thread, ${settings.connections} connections, ${settings.rounds} × ${settings.seconds} s per server against as many bare runs (ABBA); CPU from /proc per answered request.`,
    '',
    '| server | req/s | bare req/s | ratio | p99 | CPU µs/req: event loop | other threads | bare µs/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const t = row.target;
    const p99 = Math.max(...t.runs.map((r) => r.p99));
    const bareCpu = microsPerRequest(row.bare.cpu.mainMs + row.bare.cpu.otherMs, row.bare);
    lines.push(
      `| ${row.server} | ${Math.round(rate(t)).toLocaleString('en-US')} | ${Math.round(rate(row.bare)).toLocaleString('en-US')} | ${(rate(t) / rate(row.bare)).toFixed(2)} | ${p99.toFixed(1)} ms | ${microsPerRequest(t.cpu.mainMs, t).toFixed(0)} | ${microsPerRequest(t.cpu.otherMs, t).toFixed(0)} | ${bareCpu.toFixed(0)} |`,
    );
  }
  for (const row of rows)
    if (row.stored) {
      const { answered, stored, inFlight } = row.stored;
      // wrk stops each run with up to one request per connection sent but unanswered; those may be stored.
      const verdict =
        stored < answered
          ? 'SOME ANSWERED 2xx WERE NOT STORED'
          : stored > answered + inFlight
            ? 'MORE STORED THAN SENT'
            : 'every 2xx stored';
      lines.push(
        '',
        `${row.server}: ${answered.toLocaleString('en-US')} answered 2xx, ${stored.toLocaleString('en-US')} stored (at most ${inFlight} more were in flight when runs stopped): ${verdict}.`,
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
  const bare = await start('bare node:http server', 'bench/load/bare-server.ts');
  const rows: Row[] = [];
  try {
    const fastify = await start('Fastify, one route', 'bench/load/fastify-minimal-server.ts');
    try {
      const websites = { warmUp: 'bare', measured: 'bare' };
      rows.push(await measure('Fastify 5, one route, no plugins', bare, fastify, websites, settings));
    } finally {
      await fastify.stop();
    }
    // Spoor with its events stored nowhere or in a bare durable log were measured once (decision 008).
    const name = 'Spoor as shipped (SQLite)';
    const file = join(TMP_DIR, `light-${Date.now().toString(36)}.db`);
    const dispose = owed(async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    });
    const { spoor, websites } = await startSpoorTarget(name, file);
    const from = utcDay(Date.now());
    try {
      const row = await measure(name, bare, spoor, websites, settings);
      const answered = requests(row.target) - failures(row.target);
      row.stored = {
        answered,
        stored: await settledPageviews(spoor, websites.measured, from),
        inFlight: settings.connections * row.target.runs.length,
      };
      rows.push(row);
    } finally {
      await spoor.stop();
      await dispose();
    }
  } finally {
    await bare.stop();
  }
  const text = table(rows, settings);
  writeFileSync(join(TMP_DIR, 'light-load.md'), text);
  console.log(`\n${text}\nWritten to ${join(TMP_DIR, 'light-load.md')}.`);
}

await main();
