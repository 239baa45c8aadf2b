// The runs of the nodes bench (nodes-bench.ts): the warm-up, one endpoint's rounds of every pass, one
// pass's run with what it cost (group commits, PostgreSQL's waits, CPU), and the stored-once check.
import os from 'node:os';
import { countEmailEvents, type EmailBenchData, runGetLoad } from '../email/email-load.ts';
import { combineConcurrent, type LoadResult, mergeLoads, runLoad } from '../lib/load.ts';
import { roundOrder, sliceSeconds } from '../lib/paired.ts';
import type { NodesBenchSettings } from '../lib/settings.ts';
import type { SpoorChild } from '../lib/spoor-child.ts';
import { storedOnce, storedVerdict } from '../lib/stored-verdict.ts';
import { type BodyMaker, collectBodyMaker } from '../load/collect-bodies.ts';
import { settled, settledPageviews } from '../load/load-bench.ts';
import {
  addCommits,
  type CommitTotals,
  NO_COMMITS,
  readCommitTotals,
  subtractCommits,
} from './commit-metrics.ts';
import { type Contention, sampleContention } from './contention.ts';
import { type CpuShares, meterCpu } from './cpu.ts';
import {
  addRuns,
  type Endpoint,
  type PassId,
  type PassRun,
  type PassTotals,
  splitConnections,
} from './passes.ts';

export const ENDPOINTS: Endpoint[] = ['collect', 'pixel', 'click'];
const STREAM: Record<Endpoint, string> = { collect: 'tracking', pixel: 'engagement', click: 'engagement' };

export interface Pass {
  id: PassId;
  nodes: SpoorChild[];
  websiteId: string;
  bodies: BodyMaker;
  send: EmailBenchData;
}

/** The 1-, 5- and 15-minute load averages: other work on the machine skews every figure. */
export const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/** What every run of the bench needs besides its pass. */
export interface RunContext {
  settings: NodesBenchSettings;
  /** The bench's database (PgBouncer's target, the samplers' connection) and its name. */
  databaseUrl: string;
  database: string;
  metricsToken: string;
}

/** One endpoint: rounds of every pass in alternating order, each pass's runs added up. */
export async function measureEndpoint(
  endpoint: Endpoint,
  passes: Pass[],
  context: RunContext,
  seed: number,
): Promise<PassTotals[]> {
  const { settings } = context;
  const seconds = sliceSeconds(settings.durationSeconds, settings.rounds);
  console.log(`${endpoint}: ${settings.rounds} rounds of ${seconds} s per pass · load average ${load()}`);
  const runs = new Map<PassId, PassRun[]>(passes.map((pass) => [pass.id, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const pass of roundOrder(passes, round)) {
      const run = await runPass(pass, endpoint, seconds, context, seed + round * passes.length);
      runs.get(pass.id)?.push(run);
    }
  }
  return passes.map((pass) => addRuns(pass.id, runs.get(pass.id) ?? [], mergeLoads));
}

/** Every event answered 2xx stored once, per pass and endpoint, against the counts before the load. */
export async function checkStored(
  passes: Pass[],
  totals: Map<Endpoint, PassTotals[]>,
  where: {
    reader: SpoorChild;
    url: string;
    from: string;
    emailBefore: Map<PassId, { opens: number; clicks: number }>;
  },
): Promise<{ allStored: boolean; lines: string[] }> {
  const lines: string[] = [];
  let allStored = true;
  for (const pass of passes) {
    for (const endpoint of ENDPOINTS) {
      const row = totals.get(endpoint)?.find((t) => t.pass === pass.id);
      if (!row) continue;
      let stored: number;
      if (endpoint === 'collect') stored = await settledPageviews(where.reader, pass.websiteId, where.from);
      else {
        const after = await settledEmail(where.url, pass.send.sendId);
        const before = where.emailBefore.get(pass.id) ?? { opens: 0, clicks: 0 };
        stored = endpoint === 'pixel' ? after.opens - before.opens : after.clicks - before.clicks;
      }
      const count = { ok: row.load.ok, stored, inFlight: row.load.sent - row.load.responses };
      allStored &&= storedOnce(count);
      lines.push(
        `- ${endpoint}, ${pass.id}: ${row.load.ok} answered, ${stored} stored: ${storedVerdict(count)}`,
      );
    }
  }
  return { allStored, lines };
}

/** JIT, caches and the database's first pages: every node, every endpoint, before anything is measured. */
export async function warmUp(passes: Pass[], websiteId: string, settings: NodesBenchSettings): Promise<void> {
  const seconds = Math.min(2, settings.durationSeconds);
  // Page views on a website of their own (the passes' are counted); opens and clicks counted from after.
  const bodies = collectBodyMaker(websiteId, settings.visitorPool, 1);
  console.log(`warming up every node (${seconds} s per endpoint at 16 connections)`);
  for (const pass of passes) {
    if (pass.id === 'one') continue; // its node is the first of the direct pass
    for (const node of pass.nodes) {
      await runLoad(node.url, 16, seconds, bodies);
      await runGetLoad(node.url, pass.send.pixelPaths, 200, 16, seconds, 1);
      await runGetLoad(node.url, pass.send.clickPaths, 302, 16, seconds, 2);
    }
  }
}

/** One run of a pass: its nodes driven at once with their share of the connections, and what it cost. */
async function runPass(
  pass: Pass,
  endpoint: Endpoint,
  seconds: number,
  context: RunContext,
  seed: number,
): Promise<PassRun> {
  const { settings, databaseUrl, database, metricsToken } = context;
  const split = splitConnections(settings.connections, pass.nodes.length);
  const commits = () =>
    Promise.all(pass.nodes.map((node) => readCommitTotals(node.url, metricsToken, STREAM[endpoint])));
  const before = await commits();
  const sampler = await sampleContention(databaseUrl, database);
  const meter = await meterCpu(
    databaseUrl,
    database,
    pass.nodes.map((node) => node.process.pid as number),
  );
  let loads: LoadResult[];
  let contention: Contention;
  let cpu: CpuShares;
  try {
    loads = await Promise.all(
      pass.nodes.map((node, i) => {
        const connections = split[i] as number;
        if (endpoint === 'collect') return runLoad(node.url, connections, seconds, pass.bodies);
        const [paths, status] =
          endpoint === 'pixel' ? [pass.send.pixelPaths, 200] : [pass.send.clickPaths, 302];
        return runGetLoad(node.url, paths, status, connections, seconds, seed * 10 + i);
      }),
    );
  } finally {
    // Stopped (its connection closed) whether or not the load failed.
    cpu = await meter.stop();
    contention = await sampler.stop();
  }
  const after = await commits();
  const spent = after
    .map((a, i) => subtractCommits(a, before[i] as CommitTotals))
    .reduce(addCommits, NO_COMMITS);
  return { load: combineConcurrent(loads), commits: spent, contention, cpu };
}

/** Opens and clicks of a send once the last commits have landed. */
export async function settledEmail(url: string, sendId: string): Promise<{ opens: number; clicks: number }> {
  let last = { opens: 0, clicks: 0 };
  await settled(async () => {
    last = await countEmailEvents(url, sendId);
    return last.opens * 1e9 + last.clicks;
  });
  return last;
}
