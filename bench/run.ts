// npm run bench: durable collect under load against a bare node:http baseline, and the website report
// over a month of synthetic traffic, on SQLite and (when reachable) PostgreSQL. Writes docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchEmail, type EmailBenchResult, startBareEmailServer } from './email/email-bench.ts';
import { codeVersion, describeMachine } from './lib/machine.ts';
import { createSchema, dropSchema, probePostgres, urlWithSearchPath } from './lib/postgres.ts';
import { type Child, freePort, owed, startChild } from './lib/processes.ts';
import { isCompleteRun, loadBenchSettings, REPO_DIR, TMP_DIR } from './lib/settings.ts';

const DOC_PAGE = join(REPO_DIR, 'docs', 'benchmarks.md');

import { keptSections } from './lib/kept-sections.ts';
import { startSpoor } from './lib/spoor-child.ts';
import { benchmarkPage, type EngineLoad } from './lib/write-doc.ts';
import { benchLoad, type LoadRow } from './load/load-bench.ts';
import { benchReport, type ReportBenchResult } from './report/report-bench.ts';

type Engine = 'sqlite' | 'postgres';

async function loadOnEngine(
  engine: Engine,
  bare: Child,
  settings: ReturnType<typeof loadBenchSettings>,
  seed: number,
): Promise<LoadRow[]> {
  const tag = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let databaseUrl: string;
  let dispose: () => Promise<void>;
  if (engine === 'sqlite') {
    const file = join(TMP_DIR, `load-${tag}.db`);
    databaseUrl = `sqlite:${file}`;
    dispose = owed(async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    });
  } else {
    const schema = `spoor_bench_load_${tag}`;
    await createSchema(settings.postgresUrl, schema);
    databaseUrl = urlWithSearchPath(settings.postgresUrl, schema);
    dispose = owed(() => dropSchema(settings.postgresUrl, schema));
  }
  try {
    const spoor = await startSpoor({ name: `Spoor (${engine})`, databaseUrl });
    let rows: LoadRow[];
    try {
      rows = await benchLoad(engine, spoor, bare, settings, seed);
    } catch (error) {
      console.error(`Spoor's last output:\n${spoor.output()}`);
      throw error;
    } finally {
      await spoor.stop();
    }
    return rows;
  } finally {
    await dispose();
  }
}

async function main(): Promise<void> {
  const settings = loadBenchSettings();
  mkdirSync(TMP_DIR, { recursive: true });
  const started = new Date();

  let postgres: { version: string; settings: string } | null = null;
  const engines: Engine[] = [];
  const notes: string[] = [];
  for (const engine of settings.engines) {
    if (engine === 'sqlite') {
      engines.push(engine);
      continue;
    }
    const probe = await probePostgres(settings.postgresUrl);
    if (probe.ok) {
      postgres = { version: probe.version, settings: probe.settings };
      engines.push(engine);
    } else {
      const note = `PostgreSQL skipped: ${settings.postgresUrl.replace(/\/\/[^@]*@/, '//…@')} is not reachable (${probe.reason}).`;
      console.warn(note);
      notes.push(note);
    }
  }
  const machine = describeMachine(postgres);
  const code = codeVersion();
  if (machine.loadAverage > machine.cores * 0.75) {
    console.warn(
      `Warning: the machine is busy (load average ${machine.loadAverage.toFixed(1)} on ${machine.cores} cores); figures will be low and noisy.`,
    );
  }
  console.log(
    `Spoor bench on ${machine.cpu} ×${machine.cores}, ${machine.memoryGiB} GiB, Node ${machine.node}, SQLite ${machine.sqlite}` +
      (postgres ? `, PostgreSQL ${postgres.version} (${postgres.settings})` : ''),
  );

  const loads: EngineLoad[] = [];
  if (settings.runLoad) {
    console.log(
      `\nDurable collect: ${settings.durationSeconds} s per run, connections ${settings.connections.join(', ')}`,
    );
    const port = await freePort();
    const bare = await startChild({
      name: 'bare node:http server',
      nodeArgs: ['--import', 'tsx', 'bench/load/bare-server.ts', String(port)],
      env: {},
      port,
      readyPath: '/healthz',
    });
    try {
      for (const engine of engines) {
        console.log(`\n[${engine}] load`);
        loads.push({ engine, rows: await loadOnEngine(engine, bare, settings, 42) });
      }
    } finally {
      await bare.stop();
    }
  }

  const emails: EmailBenchResult[] = [];
  if (settings.runEmail) {
    console.log(
      `\nEmail open pixel and click redirect: ${settings.durationSeconds} s per run; sending throughput`,
    );
    const bareEmail = await startBareEmailServer();
    try {
      for (const engine of engines) {
        console.log(`\n[${engine}] email`);
        emails.push(
          await benchEmail(
            engine,
            bareEmail,
            {
              durationSeconds: settings.durationSeconds,
              slices: settings.slices,
              connections: settings.connections,
              postgresUrl: settings.postgresUrl,
              recipients: settings.emailRecipients,
              sendRecipients: settings.sendRecipients,
              sendConnections: settings.sendConnections,
              sendDkim: settings.sendDkim,
            },
            43,
          ),
        );
      }
    } finally {
      await bareEmail.stop();
    }
  }

  const reports: ReportBenchResult[] = [];
  if (settings.runReport) {
    for (const engine of engines) {
      console.log(`\n[${engine}] report over ${settings.pageviews.toLocaleString('en-US')} page views`);
      reports.push(
        await benchReport(engine, settings.pageviews, settings.postgresUrl, code, {
          recipients: settings.dashboardRecipients,
          runs: settings.dashboardRuns,
        }),
      );
    }
  }

  const page = benchmarkPage({
    started,
    finished: new Date(),
    machine,
    settings,
    loads,
    emails,
    reports,
    notes,
    code,
    kept: existsSync(DOC_PAGE) ? keptSections(readFileSync(DOC_PAGE, 'utf8')) : [],
  });
  // A run without PostgreSQL (not reachable) is still complete: the page says it was skipped.
  const complete = isCompleteRun(settings);
  const out = complete ? DOC_PAGE : join(TMP_DIR, 'benchmarks-partial.md');
  writeFileSync(out, page);
  console.log(`\nWrote ${out}${complete ? '' : ' (a partial run does not replace docs/benchmarks.md)'}.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
