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
import { utcDay } from '../../src/lib/time.ts';
import { type PgBouncer, startPgBouncer } from '../../test/helpers/pgbouncer.ts';
import { type EmailBenchData, seedEmailSend } from '../email/email-load.ts';
import { codeVersion, describeMachine } from '../lib/machine.ts';
import {
  createDatabase,
  createSchema,
  dropDatabase,
  probePostgres,
  urlWithDatabase,
  urlWithSearchPath,
} from '../lib/postgres.ts';
import { owed } from '../lib/processes.ts';
import { loadNodesBenchSettings } from '../lib/settings.ts';
import { newApiKey, type SpoorChild, startSpoor } from '../lib/spoor-child.ts';
import { collectBodyMaker } from '../load/collect-bodies.ts';
import { readDatabaseCounters } from './contention.ts';
import {
  checkStored,
  ENDPOINTS,
  load,
  measureEndpoint,
  type Pass,
  type RunContext,
  settledEmail,
  warmUp,
} from './pass-runs.ts';
import {
  type Endpoint,
  lockLine,
  type PassId,
  type PassTotals,
  splitConnections,
  TABLE_HEADER,
  tableRow,
} from './passes.ts';

const PGBOUNCER = '/usr/sbin/pgbouncer';

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

    const run: RunContext = { settings, databaseUrl, database: name, metricsToken };
    const totals = new Map<Endpoint, PassTotals[]>();
    for (const endpoint of ENDPOINTS)
      totals.set(endpoint, await measureEndpoint(endpoint, passes, run, seed));

    console.log('waiting 11 s for the sessions to report their counters (pg_stat_database)');
    await new Promise((r) => setTimeout(r, 11_000));
    const countersAfter = await readDatabaseCounters(settings.postgresUrl, name);

    const checks = await checkStored(passes, totals, {
      reader: first,
      url: directUrl,
      from,
      emailBefore,
    });

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
    console.log(`\nStored once:\n${checks.lines.join('\n')}`);
    if (!checks.allStored) process.exitCode = 1;
  } catch (error) {
    for (const node of started) console.error(`${node.name}'s last output:\n${node.output()}`);
    throw error;
  } finally {
    await Promise.all(started.map((node) => node.stop()));
    await bouncer?.stop();
    await dispose();
  }
}

await main();
