// Capacity at a latency target (issue 19 part 5, decision 044): the highest offered rate of a realistic
// mix at which p99, measured from each request's due time, stays within 25 ms. An open-loop generator
// in its own process (generator.ts) offers fixed rates stepped up by ×1.25 until p99 passes the target,
// to Spoor on SQLite, then on PostgreSQL, each stepped together with the bare node:http servers (the
// two alternate at every rate), in one run. Spoor
// serves the mix (mix.ts) while its send worker delivers a queued send to a loopback SMTP sink. For each
// step: p50/p99/max and errors, the node's RSS (max over the step, from /proc), and the CPU of the
// generator, the server, PostgreSQL's backends for the node and the whole machine, so a reader can see
// what bounded it. Not part of `npm run bench`: `npm run bench:capacity` (knobs: BENCH_CAPACITY_* below).
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addMembers, MAX_MEMBERS_PER_REQUEST } from '../../src/lists/manage-lists.ts';
import { openStorage } from '../../src/storage/database.ts';
import { startBareEmailServer } from '../email/email-bench.ts';
import { seedEmailSend } from '../email/email-load.ts';
import { type SmtpSinkProcess, startSinkProcess } from '../email/send-throughput.ts';
import { temporaryDatabase } from '../email/temporary-database.ts';
import { describeMachine } from '../lib/machine.ts';
import { probePostgres } from '../lib/postgres.ts';
import { machineCpuMs, postgresBackendPids, processCpuMs, residentBytes } from '../lib/proc.ts';
import { type Child, freePort, owed, startChild } from '../lib/processes.ts';
import { benchEngines, REPO_DIR, TMP_DIR } from '../lib/settings.ts';
import { type SpoorChild, startSpoor } from '../lib/spoor-child.ts';
import type { StepOrder, StepResult } from './generator.ts';
import { KINDS, MIX, type MixData, type MixTarget } from './mix.ts';
import { nextRate, stepPasses } from './open-loop.ts';

const TARGET_P99_MS = 25;
const MAX_ERROR_SHARE = 0.001;
const RSS_TARGET_BYTES = 300 * 2 ** 20;

type Env = Record<string, string | undefined>;

export interface CapacitySettings {
  startRate: number;
  factor: number;
  stepSeconds: number;
  /** Steps are not offered above this rate (a ceiling for the bare servers). */
  maxRate: number;
  connections: number;
  engines: ('sqlite' | 'postgres')[];
  postgresUrl: string;
  /** Contacts of the stored send (opens, clicks) and of the list the send in progress goes to. */
  recipients: number;
  /** Messages per second of the send in progress (SPOOR_SMTP_RATE of the node). */
  sendRate: number;
  /** Whether a send is in progress during the steps (BENCH_CAPACITY_SEND=false: none). */
  send: boolean;
}

function numberSetting(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name} must be a number ≥ ${min}; got "${raw}".`);
  return value;
}

export function loadCapacitySettings(env: Env = process.env): CapacitySettings {
  const engines = benchEngines(env);
  return {
    startRate: numberSetting(env, 'BENCH_CAPACITY_START_RATE', 50, 1),
    factor: numberSetting(env, 'BENCH_CAPACITY_FACTOR', 1.25, 1.01),
    stepSeconds: numberSetting(env, 'BENCH_CAPACITY_STEP_SECONDS', 10, 1),
    maxRate: numberSetting(env, 'BENCH_CAPACITY_MAX_RATE', 20_000, 1),
    connections: numberSetting(env, 'BENCH_CAPACITY_CONNECTIONS', 64, 1),
    engines,
    postgresUrl: env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
    recipients: numberSetting(env, 'BENCH_CAPACITY_RECIPIENTS', 20_000, 1),
    sendRate: numberSetting(env, 'BENCH_CAPACITY_SEND_RATE', 50, 1),
    send: !['0', 'false', 'no', 'off'].includes((env['BENCH_CAPACITY_SEND'] ?? '').toLowerCase()),
  };
}

export interface Step extends StepResult {
  passed: boolean;
  /** Max RSS of the node over the step, bytes. */
  rssBytes: number | null;
  /** CPU as a share of one core over the step. */
  serverCpu: number | null;
  postgresCpu: number | null;
  generatorCpu: number;
  /** Busy share of all cores of the machine (everyone's work, other benches included). */
  machineBusy: number | null;
  /** Messages the sink received during the step (the send in progress). */
  messagesSent: number | null;
  loadAverage: number;
}

export interface TargetRun {
  name: string;
  steps: Step[];
  /** The highest rate whose step passed (null: not even the first). */
  capacity: number | null;
  note?: string;
}

// ——— the generator process ———

interface Generator {
  pid: number;
  step(order: Omit<StepOrder, 'type'>): Promise<StepResult>;
  stop(): Promise<void>;
}

function startGenerator(): Generator {
  const child: ChildProcess = fork(join(REPO_DIR, 'bench/capacity/generator.ts'), [], {
    cwd: REPO_DIR,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  owed(async () => {
    child.kill('SIGKILL');
  });
  return {
    pid: child.pid as number,
    step: (order) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`The load generator exited (${code}).`));
        child.once('exit', onExit);
        child.once('message', (result: StepResult) => {
          child.off('exit', onExit);
          resolve(result);
        });
        child.send({ type: 'step', ...order } satisfies StepOrder);
      }),
    async stop() {
      if (child.exitCode === null) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ——— the servers ———

interface Measured {
  name: string;
  target: MixTarget;
  data: MixData;
  /** The node whose RSS and CPU are read (the bare collect server for the baseline). */
  pid: number;
  /** Before each step: keep a send in progress; the sink's count so far. */
  beforeStep?: () => Promise<void>;
  sink?: SmtpSinkProcess;
  /** PostgreSQL backends of the node, found by its connections (bench/lib/proc.ts) (PostgreSQL only). */
  postgresPids?: () => Promise<number[]>;
  stop(): Promise<void>;
}

/** Subscribes every recipient of the stored send to its list (as the API's bulk add), so a new send to that list reaches them. */
async function subscribeRecipients(databaseUrl: string, sendId: string): Promise<string> {
  const storage = openStorage(databaseUrl);
  try {
    const send = await storage.db
      .selectFrom('sends')
      .select('list_ids')
      .where('id', '=', sendId)
      .executeTakeFirstOrThrow();
    const listId = (JSON.parse(send.list_ids) as string[])[0]!;
    const recipients = await storage.db
      .selectFrom('send_recipients')
      .select('contact_id')
      .where('send_id', '=', sendId)
      .execute();
    const ids = recipients.map((r) => r.contact_id);
    for (let at = 0; at < ids.length; at += MAX_MEMBERS_PER_REQUEST)
      await addMembers(storage.db, listId, { contactIds: ids.slice(at, at + MAX_MEMBERS_PER_REQUEST) });
    return listId;
  } finally {
    await storage.close();
  }
}

async function startSpoorTarget(
  engine: 'sqlite' | 'postgres',
  settings: CapacitySettings,
  sink: SmtpSinkProcess,
): Promise<Measured> {
  const database = await temporaryDatabase(engine, settings.postgresUrl, 'capacity');
  console.log(
    `  ${engine}: storing a delivered send to ${settings.recipients.toLocaleString('en-US')} contacts…`,
  );
  const seeded = await seedEmailSend(database.url, settings.recipients);
  const listId = await subscribeRecipients(database.url, seeded.sendId);
  let spoor: SpoorChild | undefined;
  try {
    spoor = await startSpoor({
      name: `Spoor (${engine})`,
      databaseUrl: database.url,
      env: {
        SPOOR_SMTP_HOST: '127.0.0.1',
        SPOOR_SMTP_PORT: String(sink.port),
        SPOOR_SMTP_RATE: String(settings.sendRate),
        SPOOR_FORM_RATE_LIMIT: '10000000',
        SPOOR_PUBLIC_URL: 'https://track.bench.example',
      },
    });
  } catch (error) {
    await database.dispose();
    throw error;
  }
  const node = spoor;
  const websiteId = await node.registerWebsite('capacity');
  const form = await node.post<{ id: string }>('/api/forms', {
    name: 'Capacity bench',
    websiteId,
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true },
      { key: 'firstName', type: 'text', label: 'First name' },
    ],
  });
  const message = await node.post<{ id: string }>('/api/messages', {
    name: 'Capacity bench',
    subject: 'News for {{ contact.first_name }}',
    html: '<p>Hi {{ contact.first_name }}, <a href="https://www.shop.example/news">the news</a>.</p>',
  });
  let sendId: string | undefined;
  return {
    name: `Spoor, ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    target: { origin: node.url, emailOrigin: node.url, bare: false },
    data: {
      websiteId,
      formId: form.id,
      apiKey: node.apiKey,
      pixelPaths: seeded.pixelPaths,
      clickPaths: seeded.clickPaths,
      visitorPool: 1000,
    },
    pid: node.process.pid as number,
    sink,
    async beforeStep() {
      if (!settings.send) return;
      const status = sendId ? (await node.get<{ status: string }>(`/api/sends/${sendId}`)).status : 'done';
      if (status !== 'done' && status !== 'cancelled' && status !== 'failed') return;
      // A new send: its recipients are expanded (one transaction per send) before the step starts, so
      // the steps see the delivery, the part of a send that lasts.
      sendId = (await node.post<{ id: string }>('/api/sends', { messageId: message.id, listIds: [listId] }))
        .id;
      const deadline = Date.now() + 120_000;
      while (
        ['queued', 'preparing'].includes((await node.get<{ status: string }>(`/api/sends/${sendId}`)).status)
      ) {
        if (Date.now() > deadline) throw new Error('The send was not prepared within 120 s.');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    ...(engine === 'postgres'
      ? { postgresPids: async () => postgresBackendPids(node.process.pid as number) }
      : {}),
    async stop() {
      await node.stop();
      await database.dispose();
    },
  };
}

async function startBareTarget(): Promise<Measured> {
  const port = await freePort();
  const collect: Child = await startChild({
    name: 'bare node:http server',
    nodeArgs: ['--import', 'tsx', 'bench/load/bare-server.ts', String(port)],
    env: {},
    port,
    readyPath: '/healthz',
  });
  const email = await startBareEmailServer();
  return {
    name: 'bare node:http (collect; email: GIF/302)',
    target: { origin: collect.url, emailOrigin: email.url, bare: true },
    data: {
      websiteId: 'bare',
      formId: 'bare',
      apiKey: 'bare',
      pixelPaths: ['/e/o/bare'],
      clickPaths: ['/e/c/bare'],
      visitorPool: 1000,
    },
    pid: collect.process.pid as number,
    async stop() {
      await collect.stop();
      await email.stop();
    },
  };
}

// ——— the steps ———

async function sumCpu(pids: readonly number[]): Promise<number> {
  return pids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
}

async function measureStep(
  measured: Measured,
  generator: Generator,
  settings: CapacitySettings,
  rate: number,
  seed: number,
): Promise<Step> {
  await measured.beforeStep?.();
  const sinkBefore = measured.sink ? (await measured.sink.stats()).received : null;
  const pgPids = (await measured.postgresPids?.()) ?? [];
  const before = {
    server: processCpuMs(measured.pid),
    postgres: await sumCpu(pgPids),
    generator: processCpuMs(generator.pid),
    machine: machineCpuMs(),
    at: performance.now(),
  };
  let rss = residentBytes(measured.pid);
  const sampler = setInterval(() => {
    const now = residentBytes(measured.pid);
    if (now !== null && (rss === null || now > rss)) rss = now;
  }, 200);
  const result = await generator.step({
    target: measured.target,
    data: measured.data,
    connections: settings.connections,
    graceMs: 5_000,
    rate,
    seconds: settings.stepSeconds,
    seed,
  });
  clearInterval(sampler);
  const wallMs = performance.now() - before.at;
  const serverAfter = processCpuMs(measured.pid);
  const machineAfter = machineCpuMs();
  const share = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / wallMs);
  return {
    ...result,
    passed: stepPasses(result.all, TARGET_P99_MS, MAX_ERROR_SHARE),
    rssBytes: rss,
    serverCpu: share(before.server, serverAfter),
    postgresCpu: measured.postgresPids ? ((await sumCpu(pgPids)) - before.postgres) / wallMs : null,
    generatorCpu: share(before.generator, processCpuMs(generator.pid)) ?? result.generatorCpuShare,
    machineBusy:
      before.machine && machineAfter
        ? (machineAfter.busyMs - before.machine.busyMs) / (machineAfter.totalMs - before.machine.totalMs)
        : null,
    messagesSent:
      measured.sink && sinkBefore !== null ? (await measured.sink.stats()).received - sinkBefore : null,
    loadAverage: loadavg()[0] ?? 0,
  };
}

/**
 * Steps several servers up together: at each rate every server still in the race gets a step, in an
 * order that alternates (A B, then B A, as bench/lib/paired.ts), so the bare server and Spoor meet the
 * shared machine's drift at the same rates within the same minute. A server leaves the race after two
 * failed steps in a row (one alone may be a moment of noise); its capacity is the highest rate it passed.
 */
async function stepTogether(
  servers: readonly Measured[],
  generator: Generator,
  settings: CapacitySettings,
): Promise<TargetRun[]> {
  const runs = servers.map((measured) => ({ measured, steps: [] as Step[], out: false }));
  for (const measured of servers) {
    // Warm-up (JIT, caches, the first pages of the database), not reported.
    await measured.beforeStep?.();
    await generator.step({
      target: measured.target,
      data: measured.data,
      connections: settings.connections,
      graceMs: 5_000,
      rate: settings.startRate,
      seconds: 3,
      seed: 1,
    });
  }
  let rate = settings.startRate;
  for (let i = 0; rate <= settings.maxRate && runs.some((r) => !r.out); i++) {
    const order = i % 2 === 0 ? runs : [...runs].reverse();
    for (const run of order) {
      if (run.out) continue;
      const step = await measureStep(run.measured, generator, settings, rate, 100 + i);
      run.steps.push(step);
      console.log(`  ${run.measured.name.padEnd(40)} ${describeStep(step)}`);
      if (!step.passed && run.steps.length > 1 && !run.steps[run.steps.length - 2]!.passed) run.out = true;
    }
    rate = nextRate(rate, settings.factor);
  }
  return runs.map(({ measured, steps, out }) => {
    // The highest rate that passed (a pass after a failed step shows the failure was noise).
    const passed = steps.filter((s) => s.passed).map((s) => s.rate);
    return {
      name: measured.name,
      steps,
      capacity: passed.length > 0 ? Math.max(...passed) : null,
      ...(out ? {} : { note: `still within the target at the ceiling of ${settings.maxRate} req/s` }),
    };
  });
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (share: number | null) => (share === null ? '–' : `${Math.round(share * 100)} %`);
const mb = (bytes: number | null) => (bytes === null ? '–' : `${Math.round(bytes / 2 ** 20)} MB`);

function describeStep(s: Step): string {
  return `${fmt(s.rate).padStart(6)} req/s offered, ${fmt(s.answeredPerSecond).padStart(6)} answered  p50 ${fmt(s.all.p50Ms, 1)}  p99 ${fmt(s.all.p99Ms, 1)}  max ${fmt(s.all.maxMs, 0)} ms  errors ${s.all.errors}  RSS ${mb(s.rssBytes)}  CPU server ${pct(s.serverCpu)} pg ${pct(s.postgresCpu)} generator ${pct(s.generatorCpu)} machine ${pct(s.machineBusy)}${s.messagesSent === null ? '' : `  mails ${s.messagesSent}`}${s.passed ? '' : '  ← over'}${s.failures.length ? `\n      ${s.failures.join('\n      ')}` : ''}`;
}

export function capacityTables(runs: readonly TargetRun[], settings: CapacitySettings): string {
  const lines = [
    `Open-loop capacity at p99 ≤ ${TARGET_P99_MS} ms, latency from each request's due time (decision 044): rates from ${settings.startRate} req/s ×${settings.factor} per step of ${settings.stepSeconds} s until p99 passes ${TARGET_P99_MS} ms; ${settings.connections} keep-alive sockets per origin; ${settings.send ? `a send in progress to ${fmt(settings.recipients)} contacts at ${settings.sendRate} messages/s into a loopback SMTP sink` : 'no send in progress (BENCH_CAPACITY_SEND=false)'}. A run ends after two failed steps in a row. Mix per 1,000 requests: ${MIX.map(([k, w]) => `${k} ${w}`).join(', ')}.`,
    '',
    '| server | capacity (req/s at p99 ≤ 25 ms) | of bare | p99 there | max RSS there (≤ 300 MB) | CPU there: server · PostgreSQL · generator · machine |',
    '|---|---:|---:|---:|---:|---|',
  ];
  let bare: number | null = null;
  for (const run of runs) {
    if (run.name.startsWith('bare')) bare = run.capacity;
    const at = run.steps.find((s) => s.passed && s.rate === run.capacity);
    lines.push(
      `| ${run.name} | ${run.capacity === null ? 'below the first step' : fmt(run.capacity)}${run.note ? ` (${run.note})` : ''} | ${bare && run.capacity !== null && !run.name.startsWith('bare') ? (run.capacity / bare).toFixed(2) : '–'} | ${at ? `${fmt(at.all.p99Ms, 1)} ms` : '–'} | ${at ? `${mb(at.rssBytes)}${at.rssBytes !== null && at.rssBytes > RSS_TARGET_BYTES ? ' (over)' : ''}` : '–'} | ${at ? `${pct(at.serverCpu)} · ${pct(at.postgresCpu)} · ${pct(at.generatorCpu)} · ${pct(at.machineBusy)}` : '–'} |`,
    );
  }
  for (const run of runs) {
    lines.push(
      '',
      `${run.name}, every step (CPU as a share of one core; machine: all ${describeMachine(null).cores} cores, everyone's work):`,
      '',
      '| offered req/s | answered req/s | p50 | p99 | max | errors | RSS max | CPU server | PostgreSQL | generator | generator lag p99 | machine | mails sent | load avg |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const s of run.steps)
      lines.push(
        `| ${fmt(s.rate)}${s.passed ? '' : ' ✗'} | ${fmt(s.answeredPerSecond)} | ${fmt(s.all.p50Ms, 1)} ms | ${fmt(s.all.p99Ms, 1)} ms | ${fmt(s.all.maxMs)} ms | ${s.all.errors} | ${mb(s.rssBytes)} | ${pct(s.serverCpu)} | ${pct(s.postgresCpu)} | ${pct(s.generatorCpu)} | ${fmt(s.all.sendLagP99Ms, 1)} ms | ${pct(s.machineBusy)} | ${s.messagesSent ?? '–'} | ${s.loadAverage.toFixed(1)} |`,
      );
    const last = run.steps.at(-1);
    if (last) {
      lines.push(
        '',
        `p99 by kind at the last step (${fmt(last.rate)} req/s): ${KINDS.filter((k) => last.byKind[k])
          .map((k) => `${k} ${fmt(last.byKind[k]!.p99Ms, 1)} ms`)
          .join(', ')}.`,
      );
    }
  }
  return lines.join('\n');
}

export async function benchCapacity(settings: CapacitySettings): Promise<TargetRun[]> {
  const generator = startGenerator();
  const sink = await startSinkProcess();
  const bare = await startBareTarget();
  const runs: TargetRun[] = [];
  try {
    for (const engine of settings.engines) {
      if (engine === 'postgres') {
        const probe = await probePostgres(settings.postgresUrl);
        if (!probe.ok) {
          console.log(`\nPostgreSQL skipped: ${probe.reason}`);
          continue;
        }
      }
      const spoor = await startSpoorTarget(engine, settings, sink);
      try {
        console.log(`\n${spoor.name}, stepped together with the bare server`);
        const [bareRun, spoorRun] = await stepTogether([bare, spoor], generator, settings);
        runs.push(
          { ...bareRun!, name: `${bareRun!.name}, beside ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}` },
          spoorRun!,
        );
      } finally {
        await spoor.stop();
      }
    }
  } finally {
    await bare.stop();
    await generator.stop();
    await sink.stop();
  }
  return runs;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const settings = loadCapacitySettings();
  const startLoad = loadavg()[0] ?? 0;
  benchCapacity(settings).then(
    (runs) => {
      const text = `${capacityTables(runs, settings)}\n\nLoad average (1 min) at the start: ${startLoad.toFixed(1)}.\n`;
      const file = join(TMP_DIR, 'capacity.md');
      writeFileSync(file, text);
      console.log(`\n${text}\nWritten to ${file}.`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
