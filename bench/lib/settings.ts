// The benchmark's own settings (BENCH_* and SPOOR_BENCH_POSTGRES_URL), read once; Spoor's settings stay in src/config.ts.
import { fileURLToPath } from 'node:url';

export interface BenchSettings {
  /** Seconds per load run (each connection count, each server), split into `slices`. */
  durationSeconds: number;
  /** Alternating bare/Spoor slices per load run (bench/paired.ts). */
  slices: number;
  connections: number[];
  /** Synthetic page views behind the report query. */
  pageviews: number;
  postgresUrl: string;
  /** Engines to try; PostgreSQL is skipped with a note when it cannot be reached. */
  engines: ('sqlite' | 'postgres')[];
  runLoad: boolean;
  runReport: boolean;
  /** Distinct visitor ids mixed into the load. */
  visitorPool: number;
  /** The email part: open pixel and click redirect under load, sending throughput. */
  runEmail: boolean;
  /** Contacts on the stored send whose pixel and links the email load fetches. */
  emailRecipients: number;
  /** Messages in each sending-throughput run. */
  sendRecipients: number;
  /** SMTP connection counts of the sending runs (BENCH_SEND_CONNECTIONS). */
  sendConnections: number[];
  /** Also a sending run with DKIM on, at the largest count (BENCH_SEND_DKIM). */
  sendDkim: boolean;
  /** Contacts and recipients of the send behind the dashboard requests (0: overview and report only). */
  dashboardRecipients: number;
  /** Timed runs of each dashboard request. */
  dashboardRuns: number;
}

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const TMP_DIR = fileURLToPath(new URL('../.tmp/', import.meta.url));

type Env = Record<string, string | undefined>;

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive whole number; got "${raw}".`);
  return value;
}

function wholeNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number; got "${raw}".`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw);
}

function wholeNumbers(env: Env, name: string, fallback: string): number[] {
  return (env[name] || fallback).split(',').map((c) => {
    const n = Number(c.trim());
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must list whole numbers; got "${c}".`);
    return n;
  });
}

/** The engines a bench runs on: BENCH_ENGINES, both by default. */
export function benchEngines(
  env: Record<string, string | undefined> = process.env,
): ('sqlite' | 'postgres')[] {
  return (env['BENCH_ENGINES'] || 'sqlite,postgres').split(',').map((e) => {
    const name = e.trim();
    if (name !== 'sqlite' && name !== 'postgres')
      throw new Error(`BENCH_ENGINES lists sqlite and/or postgres; got "${e}".`);
    return name;
  });
}

export function loadBenchSettings(env: Env = process.env): BenchSettings {
  const connections = (env['BENCH_CONNECTIONS'] || '1,16,64').split(',').map((c) => {
    const n = Number(c.trim());
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`BENCH_CONNECTIONS must list whole numbers; got "${c}".`);
    return n;
  });
  const engines = benchEngines(env);
  return {
    durationSeconds: positiveInteger(env, 'BENCH_DURATION', 10),
    slices: positiveInteger(env, 'BENCH_SLICES', 4),
    connections,
    pageviews: positiveInteger(env, 'BENCH_PAGEVIEWS', 10_000_000),
    postgresUrl: env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
    engines,
    runLoad: flag(env, 'BENCH_LOAD', true),
    runReport: flag(env, 'BENCH_REPORT', true),
    visitorPool: positiveInteger(env, 'BENCH_VISITORS', 1000),
    runEmail: flag(env, 'BENCH_EMAIL', true),
    emailRecipients: positiveInteger(env, 'BENCH_EMAIL_RECIPIENTS', 20_000),
    sendRecipients: positiveInteger(env, 'BENCH_SEND_RECIPIENTS', 5_000),
    sendConnections: wholeNumbers(env, 'BENCH_SEND_CONNECTIONS', '5,32'),
    sendDkim: flag(env, 'BENCH_SEND_DKIM', true),
    dashboardRecipients: wholeNumber(env, 'BENCH_DASHBOARD_RECIPIENTS', 1_000_000),
    dashboardRuns: positiveInteger(env, 'BENCH_DASHBOARD_RUNS', 20),
  };
}

/** A run that skipped part of the bench writes its page beside the cache, not over docs/benchmarks.md. */
export function isCompleteRun(settings: BenchSettings): boolean {
  return (
    settings.runLoad &&
    settings.runReport &&
    settings.runEmail &&
    settings.engines.includes('sqlite') &&
    settings.engines.includes('postgres') &&
    !process.env['BENCH_CONNECTIONS']
  );
}

/** bench/light-load.ts: wrk against each server (decision 008). */
export interface LightLoadSettings {
  /** Seconds per wrk run. */
  seconds: number;
  /** Pairs of runs (bare, then the server measured, in ABBA order) per server. */
  rounds: number;
  connections: number;
  /** Contacts of the stored send whose pixel and click URLs are fetched at random. */
  recipients: number;
}

export function loadLightLoadSettings(env: Env = process.env): LightLoadSettings {
  return {
    seconds: positiveInteger(env, 'BENCH_LIGHT_SECONDS', 4),
    rounds: positiveInteger(env, 'BENCH_LIGHT_ROUNDS', 4),
    connections: positiveInteger(env, 'BENCH_LIGHT_CONNECTIONS', 64),
    recipients: positiveInteger(env, 'BENCH_LIGHT_RECIPIENTS', 20_000),
  };
}

/** bench/nodes/nodes-bench.ts: one Spoor node against several on one PostgreSQL (decision 046). */
export interface NodesBenchSettings {
  /** Seconds of load per pass and endpoint, split into `rounds`. */
  durationSeconds: number;
  /** Rounds of the passes (one, several, several through PgBouncer), in alternating order. */
  rounds: number;
  /** Load connections of every pass, split evenly between its nodes. */
  connections: number;
  /** Nodes of the multi-node passes. */
  nodes: number;
  /** Also the pass through PgBouncer in transaction pooling mode (skipped with a note without it). */
  pgbouncer: boolean;
  /** PgBouncer's server connections (one node's pool by default: PostgreSQL sees what it sees with one). */
  pgbouncerPool: number;
  /** Contacts of each pass's send, whose pixel and click URLs are fetched at random. */
  recipients: number;
  visitorPool: number;
  postgresUrl: string;
  /** What the bench's own database is named with (a shared server: a prefix of yours). */
  databasePrefix: string;
  /** First port of a range for the nodes and PgBouncer; free ports when 0. */
  portBase: number;
}

export function loadNodesBenchSettings(env: Env = process.env): NodesBenchSettings {
  const databasePrefix = env['BENCH_DATABASE_PREFIX'] || 'spoor_bench_';
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(databasePrefix))
    throw new Error(
      `BENCH_DATABASE_PREFIX must be lower-case letters, digits and _; got "${databasePrefix}".`,
    );
  return {
    durationSeconds: positiveInteger(env, 'BENCH_DURATION', 10),
    rounds: positiveInteger(env, 'BENCH_SLICES', 4),
    connections: positiveInteger(env, 'BENCH_CONNECTIONS', 64),
    nodes: positiveInteger(env, 'BENCH_NODES', 2),
    pgbouncer: flag(env, 'BENCH_PGBOUNCER', true),
    pgbouncerPool: positiveInteger(env, 'BENCH_PGBOUNCER_POOL', 10),
    recipients: positiveInteger(env, 'BENCH_EMAIL_RECIPIENTS', 10_000),
    visitorPool: positiveInteger(env, 'BENCH_VISITORS', 1000),
    postgresUrl: env['SPOOR_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
    databasePrefix,
    portBase: wholeNumber(env, 'BENCH_PORT_BASE', 0),
  };
}
