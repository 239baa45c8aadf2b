// npm run bench:nodes: does a second Spoor node on the same PostgreSQL add capacity, or do the nodes
// collapse on each other's locks (issue 19 part 4, decision 046)? On one fresh database of its own, the
// same load (BENCH_CONNECTIONS, 64) drives collect, the open pixel and the click of one node, then of
// several nodes with the connections split evenly between them, then (when PgBouncer is installed) of
// several nodes through PgBouncer in transaction pooling mode, in rounds of alternating order so the
// machine's drift hits every pass alike. It reports each pass's req/s, its ratio to one node, p99 and
// failures, the nodes' group commits (/metrics), PostgreSQL's lock waits and waits (sampled), the run's
// deadlocks and rollbacks, and checks that every acknowledged event was stored once. Prints Markdown for
// docs/benchmarks.md; writes no file.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { utcDay } from '../../src/lib/time.ts';
import { type PgBouncer, startPgBouncer } from '../../test/helpers/pgbouncer.ts';
import { countEmailEvents, type EmailBenchData, runGetLoad, seedEmailSend } from '../email/email-load.ts';
import { combineConcurrent, type LoadResult, mergeLoads, runLoad } from '../lib/load.ts';
import { codeVersion, describeMachine } from '../lib/machine.ts';
import { roundOrder, sliceSeconds } from '../lib/paired.ts';
import {
  createDatabase,
  createSchema,
  dropDatabase,
  probePostgres,
  urlWithDatabase,
  urlWithSearchPath,
} from '../lib/postgres.ts';
import { owed } from '../lib/processes.ts';
import { loadNodesBenchSettings, type NodesBenchSettings } from '../lib/settings.ts';
import { newApiKey, type SpoorChild, startSpoor } from '../lib/spoor-child.ts';
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
import { type Contention, readDatabaseCounters, sampleContention } from './contention.ts';
import { type CpuShares, meterCpu } from './cpu.ts';
import {
  addRuns,
  type Endpoint,
  lockLine,
  type PassId,
  type PassRun,
  type PassTotals,
  splitConnections,
  TABLE_HEADER,
  tableRow,
} from './passes.ts';

const PGBOUNCER = '/usr/sbin/pgbouncer';
const ENDPOINTS: Endpoint[] = ['collect', 'pixel', 'click'];
const STREAM: Record<Endpoint, string> = { collect: 'tracking', pixel: 'engagement', click: 'engagement' };

interface Pass {
  id: PassId;
  nodes: SpoorChild[];
  websiteId: string;
  bodies: BodyMaker;
  send: EmailBenchData;
}

const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const settings = loadNodesBenchSettings();
  const probe = await probePostgres(settings.postgresUrl);
  if (!probe.ok) throw new Error(`PostgreSQL at SPOOR_BENCH_POSTGRES_URL cannot be used: ${probe.reason}`);
  const machine = describeMachine(probe);
  const withBouncer = settings.pgbouncer && existsSync(PGBOUNCER);
  const split = splitConnections(settings.connections, settings.nodes);
  console.log(
    `Spoor ${codeVersion()} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · Node ${machine.node} · PostgreSQL ${machine.postgres} (${machine.postgresSettings})`,
  );
  console.log(
    `${settings.connections} connections (${settings.nodes} nodes: ${split.join(' + ')}), ${settings.durationSeconds} s per pass and endpoint in ${settings.rounds} rounds, ${settings.recipients} recipients per send · load average at start ${load()}`,
  );
  if (settings.pgbouncer && !withBouncer) console.log(`PgBouncer pass skipped: ${PGBOUNCER} not found.`);

  const name = `${settings.databasePrefix}nodes_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await createDatabase(settings.postgresUrl, name);
  const dispose = owed(() => dropDatabase(settings.postgresUrl, name));
  const databaseUrl = urlWithDatabase(settings.postgresUrl, name);
  // A schema of that name in it, as the other benches use, which PgBouncer's entry also selects.
  await createSchema(databaseUrl, name);
  const directUrl = urlWithSearchPath(databaseUrl, name);
  const started: SpoorChild[] = [];
  let bouncer: PgBouncer | undefined;
  try {
    const passIds: PassId[] = ['one', 'several', ...(withBouncer ? (['pgbouncer'] as const) : [])];
    console.log(`storing ${passIds.length} delivered sends (one per pass, which migrates the database)`);
    const sends = new Map<PassId, EmailBenchData>();
    for (const id of passIds) sends.set(id, await seedEmailSend(directUrl, settings.recipients));

    const apiKey = newApiKey();
    const metricsToken = randomBytes(16).toString('hex');
    let nextPort = settings.portBase;
    const port = () => (settings.portBase > 0 ? nextPort++ : undefined);
    const start = async (label: string, url: string) => {
      const port_ = port();
      const node = await startSpoor({
        name: label,
        databaseUrl: url,
        apiKey,
        env: { SPOOR_METRICS_TOKEN: metricsToken },
        ...(port_ === undefined ? {} : { port: port_ }),
      });
      started.push(node);
      return node;
    };
    const direct: SpoorChild[] = [];
    for (let i = 0; i < settings.nodes; i++) direct.push(await start(`Spoor node ${i + 1}`, directUrl));
    const viaBouncer: SpoorChild[] = [];
    if (withBouncer) {
      const bouncerPort = port();
      bouncer = await startPgBouncer(databaseUrl, [name], {
        poolSize: settings.pgbouncerPool,
        ...(bouncerPort === undefined ? {} : { port: bouncerPort }),
      });
      for (let i = 0; i < settings.nodes; i++)
        viaBouncer.push(await start(`Spoor node ${i + 1} via PgBouncer`, bouncer.url(name)));
    }
    const first = direct[0] as SpoorChild;
    let seed = 46;
    const passes: Pass[] = [];
    for (const id of passIds) {
      const websiteId = await first.registerWebsite(`nodes bench: ${id}`);
      passes.push({
        id,
        nodes: id === 'one' ? [first] : id === 'several' ? direct : viaBouncer,
        websiteId,
        // One maker for all of a pass's nodes: the same visitors reach every node, as behind a balancer
        // without affinity, so the nodes contend for the same browsers' rows.
        bodies: collectBodyMaker(websiteId, settings.visitorPool, seed++),
        send: sends.get(id) as EmailBenchData,
      });
    }

    await warmUp(passes, await first.registerWebsite('nodes bench: warm-up'), settings);
    const from = utcDay(Date.now());
    const emailBefore = new Map<PassId, { opens: number; clicks: number }>();
    for (const pass of passes) emailBefore.set(pass.id, await settledEmail(directUrl, pass.send.sendId));
    const countersBefore = await readDatabaseCounters(settings.postgresUrl, name);

    const seconds = sliceSeconds(settings.durationSeconds, settings.rounds);
    const totals = new Map<Endpoint, PassTotals[]>();
    for (const endpoint of ENDPOINTS) {
      console.log(`${endpoint}: ${settings.rounds} rounds of ${seconds} s per pass · load average ${load()}`);
      const runs = new Map<PassId, PassRun[]>(passIds.map((id) => [id, []]));
      for (let round = 0; round < settings.rounds; round++) {
        for (const pass of roundOrder(passes, round)) {
          const run = await runPass(
            pass,
            endpoint,
            seconds,
            settings,
            databaseUrl,
            name,
            metricsToken,
            seed++,
          );
          runs.get(pass.id)?.push(run);
        }
      }
      totals.set(
        endpoint,
        passIds.map((id) => addRuns(id, runs.get(id) ?? [], mergeLoads)),
      );
    }

    console.log('waiting 11 s for the sessions to report their counters (pg_stat_database)');
    await new Promise((r) => setTimeout(r, 11_000));
    const countersAfter = await readDatabaseCounters(settings.postgresUrl, name);

    // Every acknowledged event stored once, per pass.
    const checks: string[] = [];
    let allStored = true;
    for (const pass of passes) {
      for (const endpoint of ENDPOINTS) {
        const row = totals.get(endpoint)?.find((t) => t.pass === pass.id);
        if (!row) continue;
        let stored: number;
        if (endpoint === 'collect') stored = await settledPageviews(first, pass.websiteId, from);
        else {
          const after = await settledEmail(directUrl, pass.send.sendId);
          const before = emailBefore.get(pass.id) ?? { opens: 0, clicks: 0 };
          stored = endpoint === 'pixel' ? after.opens - before.opens : after.clicks - before.clicks;
        }
        const count = { ok: row.load.ok, stored, inFlight: row.load.sent - row.load.responses };
        allStored &&= storedOnce(count);
        checks.push(
          `- ${endpoint}, ${pass.id}: ${row.load.ok} answered, ${stored} stored: ${storedVerdict(count)}`,
        );
      }
    }

    console.log(`\nload average at the end ${load()}\n`);
    console.log(TABLE_HEADER.join('\n'));
    for (const endpoint of ENDPOINTS) {
      const rows = totals.get(endpoint) ?? [];
      const one = rows.find((r) => r.pass === 'one');
      for (const row of rows) console.log(tableRow(endpoint, row, one, settings.nodes));
    }
    console.log('\nLock waits (share of session-samples):');
    for (const endpoint of ENDPOINTS)
      for (const row of totals.get(endpoint) ?? []) console.log(lockLine(endpoint, row, settings.nodes));
    console.log(
      `\nPostgreSQL over the whole run (every pass and endpoint): ${countersAfter.commits - countersBefore.commits} commits, ${countersAfter.rollbacks - countersBefore.rollbacks} rollbacks, ${countersAfter.deadlocks - countersBefore.deadlocks} deadlocks.`,
    );
    if (bouncer) {
      const stats = await bouncer.stats();
      console.log(
        `PgBouncer passed ${stats.transactions} transactions on ${settings.pgbouncerPool} server connections.`,
      );
    }
    console.log(`\nStored once:\n${checks.join('\n')}`);
    if (!allStored) process.exitCode = 1;
  } catch (error) {
    for (const node of started) console.error(`${node.name}'s last output:\n${node.output()}`);
    throw error;
  } finally {
    await Promise.all(started.map((node) => node.stop()));
    await bouncer?.stop();
    await dispose();
  }
}

/** JIT, caches and the database's first pages: every node, every endpoint, before anything is measured. */
async function warmUp(passes: Pass[], websiteId: string, settings: NodesBenchSettings): Promise<void> {
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
  settings: NodesBenchSettings,
  databaseUrl: string,
  database: string,
  metricsToken: string,
  seed: number,
): Promise<PassRun> {
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
async function settledEmail(url: string, sendId: string): Promise<{ opens: number; clicks: number }> {
  let last = { opens: 0, clicks: 0 };
  await settled(async () => {
    last = await countEmailEvents(url, sendId);
    return last.opens * 1e9 + last.clicks;
  });
  return last;
}

await main();
