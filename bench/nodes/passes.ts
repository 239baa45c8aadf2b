// The pure part of the nodes bench: how a pass's connections are split between its nodes, what a pass's
// rounds add up to, and the figures printed for each endpoint (req/s, the ratio to one node, p99,
// failures, the group commits and PostgreSQL's waits).
import type { LoadResult } from '../lib/load.ts';
import { addCommits, type CommitTotals, NO_COMMITS } from './commit-metrics.ts';
import { addContention, type Contention, NO_CONTENTION, topShares } from './contention.ts';
import { type CpuShares, meanCpu } from './cpu.ts';

export type PassId = 'one' | 'several' | 'pgbouncer';
export type Endpoint = 'collect' | 'pixel' | 'click';

/** `total` load connections over `nodes` nodes, as evenly as whole numbers allow (the first get the extra). */
export function splitConnections(total: number, nodes: number): number[] {
  if (!Number.isInteger(total) || !Number.isInteger(nodes) || nodes < 1 || total < nodes)
    throw new Error(`Cannot split ${total} connections between ${nodes} nodes.`);
  const each = Math.floor(total / nodes);
  return Array.from({ length: nodes }, (_, i) => each + (i < total % nodes ? 1 : 0));
}

/** One run of a pass (its nodes driven at once), as measured. */
export interface PassRun {
  load: LoadResult;
  commits: CommitTotals;
  contention: Contention;
  cpu: CpuShares;
}

/** A pass's runs of one endpoint, added up. */
export interface PassTotals {
  pass: PassId;
  /** req/s of each round, in run order (how much the machine moved). */
  roundRates: number[];
  load: LoadResult;
  commits: CommitTotals;
  contention: Contention;
  /** Cores used on average over the runs. */
  cpu: CpuShares;
}

export function addRuns(
  pass: PassId,
  runs: readonly PassRun[],
  merge: (loads: LoadResult[]) => LoadResult,
): PassTotals {
  return {
    pass,
    roundRates: runs.map((r) => r.load.requestsPerSecond),
    load: merge(runs.map((r) => r.load)),
    commits: runs.reduce((sum, r) => addCommits(sum, r.commits), NO_COMMITS),
    contention: runs.reduce((sum, r) => addContention(sum, r.contention), NO_CONTENTION),
    cpu: meanCpu(runs.map((r) => r.cpu)),
  };
}

/** req/s of a pass against one node's in the same run; NaN without one node's figure. */
export function ratioToOne(totals: PassTotals, one: PassTotals | undefined): number {
  if (!one || one.load.requestsPerSecond === 0) return Number.NaN;
  return totals.load.requestsPerSecond / one.load.requestsPerSecond;
}

/** The ratio of each round (a pass against one node in the same round), to show the spread. */
export function roundRatios(totals: PassTotals, one: PassTotals): number[] {
  return totals.roundRates.map((rate, i) => rate / (one.roundRates[i] ?? Number.NaN));
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';

export const TABLE_HEADER = [
  '| endpoint | pass | req/s | ratio to one node (rounds) | p50 | p99 | non-2xx | errors | commits | events/commit | ms/commit | lock waits: samples with any (most at once) | waits of active sessions | CPU cores: nodes · PostgreSQL · generator · machine | CPU µs per request: nodes · PostgreSQL |',
  '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|',
];

const PASS_NAMES: Record<PassId, (nodes: number) => string> = {
  one: () => 'one node',
  several: (n) => `${n} nodes`,
  pgbouncer: (n) => `${n} nodes, PgBouncer`,
};

/** A Markdown row of the endpoint's table for one pass. */
export function tableRow(
  endpoint: Endpoint,
  totals: PassTotals,
  one: PassTotals | undefined,
  nodes: number,
): string {
  const { load, commits, contention, cpu } = totals;
  const cores = [cpu.nodes, cpu.postgres, cpu.generator, cpu.machine].map((c) => fmt(c, 2)).join(' · ');
  const perRequest = [cpu.nodes, cpu.postgres]
    .map((c) => fmt((c * 1e6) / load.requestsPerSecond))
    .join(' · ');
  const nonOk = load.responses - load.ok;
  const ratio =
    totals.pass === 'one' || !one
      ? '1'
      : `**${fmt(ratioToOne(totals, one), 2)}** (${roundRatios(totals, one)
          .map((r) => fmt(r, 2))
          .join(', ')})`;
  const lockWaits = `${contention.samplesWithLockWaits} of ${contention.samples} (${contention.mostLockWaits})`;
  return `| ${endpoint} | ${PASS_NAMES[totals.pass](nodes)} | ${fmt(load.requestsPerSecond)} | ${ratio} | ${fmt(load.p50Ms, 1)} ms | ${fmt(load.p99Ms, 1)} ms | ${nonOk} | ${load.errors - nonOk} | ${fmt(commits.commits)} | ${fmt(commits.events / commits.commits, 1)} | ${fmt((1000 * commits.seconds) / commits.commits, 2)} | ${lockWaits} | ${topShares(contention.waits)} | ${cores} | ${perRequest} |`;
}

/** What a pass's lock waits were on: lock types not granted and the statements that waited. */
export function lockLine(endpoint: Endpoint, totals: PassTotals, nodes: number): string {
  const { ungranted, blocked } = totals.contention;
  return `- ${endpoint}, ${PASS_NAMES[totals.pass](nodes)}: locks not granted ${topShares(ungranted)}; waiting: ${topShares(blocked, 4)}`;
}
