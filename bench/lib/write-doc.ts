// Renders docs/benchmarks.md from one bench run.
import type { EmailBenchResult, EmailLoadRow } from '../email/email-bench.ts';
import type { LoadRow } from '../load/load-bench.ts';
import type { ReportBenchResult } from '../report/report-bench.ts';
import type { Machine } from './machine.ts';
import { sliceSeconds } from './paired.ts';
import type { BenchSettings } from './settings.ts';

export interface EngineLoad {
  engine: 'sqlite' | 'postgres';
  rows: LoadRow[];
}

export interface BenchRun {
  started: Date;
  finished: Date;
  machine: Machine;
  settings: BenchSettings;
  loads: EngineLoad[];
  emails: EmailBenchResult[];
  reports: ReportBenchResult[];
  notes: string[];
  /** Spoor's commit (see codeVersion). */
  code: string;
  /** Sections measured outside the run, carried over from the last page (kept-sections.ts). */
  kept?: string[];
}

/** The issue's bar for durable collect on SQLite at 64 connections. */
export const TARGET = { connections: 64, minRatio: 0.5, maxP99Ms: 25 };

const ENGINE_NAME = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const mib = (bytes: number | null) =>
  bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 0 })} MiB`;

const sliceRange = (ratios: readonly number[]) =>
  ratios.length === 0 ? 'n/a' : `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;

/** Rows of a load run: bare and Spoor in alternating slices per connection count, and what Spoor stored. */
function loadTable(rows: readonly (LoadRow | EmailLoadRow)[], storedLabel: string): string[] {
  const lines = [
    `| connections | bare req/s | Spoor req/s | Spoor/bare | slice pairs (min–max) | Spoor p50 | Spoor p99 | bare p50 / p99 | Spoor errors | ${storedLabel} |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const inFlight = r.spoor.sent - r.spoor.responses;
    const stored =
      r.stored === r.spoor.ok
        ? `${int(r.stored)} ✓`
        : r.stored > r.spoor.ok && r.stored <= r.spoor.ok + inFlight
          ? `${int(r.spoor.ok)} → ${int(r.stored)} ✓ (+${r.stored - r.spoor.ok} in flight at stop)`
          : `${int(r.spoor.ok)} → ${int(r.stored)} ✗`;
    lines.push(
      `| ${r.connections} | ${int(r.bare.requestsPerSecond)} | ${int(r.spoor.requestsPerSecond)} | ${(r.spoor.requestsPerSecond / r.bare.requestsPerSecond).toFixed(2)} | ${sliceRange(r.sliceRatios)} | ${ms(r.spoor.p50Ms)} ms | ${ms(r.spoor.p99Ms)} ms | ${ms(r.bare.p50Ms)} / ${ms(r.bare.p99Ms)} ms | ${int(r.spoor.errors)} | ${stored} |`,
    );
  }
  return lines;
}

function targetVerdict(run: BenchRun): string[] {
  const sqlite = run.loads.find((l) => l.engine === 'sqlite');
  const row = sqlite?.rows.find((r) => r.connections === TARGET.connections);
  if (!row) return [`Not measured: this run had no SQLite load run at ${TARGET.connections} connections.`];
  const ratio = row.spoor.requestsPerSecond / row.bare.requestsPerSecond;
  const ratioMet = ratio >= TARGET.minRatio;
  const p99Met = row.spoor.p99Ms <= TARGET.maxP99Ms;
  const lost = row.stored < row.spoor.ok || row.stored > row.spoor.sent;
  return [
    `| target (SQLite, ${TARGET.connections} connections) | measured | met? |`,
    '|---|---:|---|',
    `| durable collect ≥ ${TARGET.minRatio * 100} % of bare req/s | ${(ratio * 100).toFixed(0)} % (${int(row.spoor.requestsPerSecond)} of ${int(row.bare.requestsPerSecond)}) | ${ratioMet ? '**yes**' : '**no**'} |`,
    `| p99 ≤ ${TARGET.maxP99Ms} ms | ${ms(row.spoor.p99Ms)} ms | ${p99Met ? '**yes**' : '**no**'} |`,
    `| every 2xx stored | ${int(row.spoor.ok)} answered, ${int(row.stored)} stored | ${lost ? '**no**' : '**yes**'} |`,
    '',
    ratioMet && p99Met && !lost
      ? '**Both targets were met on this run.**'
      : `**${[!ratioMet && 'The throughput target', !p99Met && 'the p99 target', lost && 'durability'].filter(Boolean).join(' and ')} ${!ratioMet && !p99Met ? 'were' : 'was'} not met on this run.**`,
  ];
}

/** The email issue's bar: pixel and click at 64 connections ≥ 50 % of bare; click p99 ≤ 25 ms. */
export const EMAIL_TARGET = { connections: 64, minRatio: 0.5, clickMaxP99Ms: 25 };

function emailSection(run: BenchRun): string[] {
  if (run.emails.length === 0) return ['Not run (BENCH_EMAIL=false).'];
  const lines = [
    `A send to ${int(run.emails[0]!.recipients)} contacts (tracking allowed, delivered an hour before) is stored first; each request fetches the pixel or one of three tracked links of a random recipient with its genuine signed token, as a mail client or browser would (GET, desktop Chrome User-Agent). Spoor answers only after the event is committed (group commit); the bare server (\`bench/email/bare-email-server.ts\`) answers the same 43-byte GIF or 302 without checking anything. "answered → stored" counts the open or click events in the database after the run.`,
    '',
  ];
  for (const email of run.emails) {
    lines.push(
      `### ${ENGINE_NAME[email.engine]}: open pixel (\`GET /e/o/{token}.gif\`)`,
      '',
      ...loadTable(email.pixel, 'answered → stored'),
      '',
    );
    lines.push(
      `### ${ENGINE_NAME[email.engine]}: click redirect (\`GET /e/c/{token}\`)`,
      '',
      ...loadTable(email.click, 'answered → stored'),
      '',
    );
  }
  lines.push('### Against the target', '');
  lines.push('| target (64 connections) | engine | measured | met? |', '|---|---|---:|---|');
  for (const email of run.emails) {
    for (const [name, rows] of [
      ['pixel', email.pixel],
      ['click', email.click],
    ] as const) {
      const row = rows.find((r) => r.connections === EMAIL_TARGET.connections);
      if (!row) continue;
      const ratio = row.spoor.requestsPerSecond / row.bare.requestsPerSecond;
      lines.push(
        `| ${name} ≥ ${EMAIL_TARGET.minRatio * 100} % of bare req/s | ${ENGINE_NAME[email.engine]} | ${(ratio * 100).toFixed(0)} % | ${ratio >= EMAIL_TARGET.minRatio ? '**yes**' : '**no**'} |`,
      );
      if (name === 'click')
        lines.push(
          `| click p99 ≤ ${EMAIL_TARGET.clickMaxP99Ms} ms | ${ENGINE_NAME[email.engine]} | ${ms(row.spoor.p99Ms)} ms | ${row.spoor.p99Ms <= EMAIL_TARGET.clickMaxP99Ms ? '**yes**' : '**no**'} |`,
        );
    }
  }
  lines.push('', '### Sending throughput', '');
  lines.push(
    "A queued send to a list, through the real send worker: preparing recipients, the permission re-check, Liquid rendering, sealing a token for every link, the pixel and the unsubscribe URL, the MIME message, nodemailer's SMTP pool (PIPELINING) to a loopback SMTP server (`smtp-server` counting messages, in its own process: `bench/email/smtp-sink-server.ts`), and every outcome recorded. CPU is per message sent, user + system, of the Spoor process and of the sink process. DKIM (2048-bit RSA, over-signed as Spoor signs) is off unless `SPOOR_DKIM_*` is set.",
    '',
    '| engine | messages | SMTP connections | DKIM | preparing | sending | messages/s | Spoor CPU per message | sink CPU per message |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|',
  );
  for (const email of run.emails) {
    for (const s of email.send.runs)
      lines.push(
        `| ${ENGINE_NAME[email.engine]} | ${int(s.recipients)} | ${s.pool} | ${s.dkim ? 'on' : 'off'} | ${int(s.prepareMs)} ms | ${(s.sendMs / 1000).toFixed(1)} s | **${int(s.messagesPerSecond)}** | ${int(s.spoorCpuMicros)} µs | ${int(s.sinkCpuMicros)} µs |`,
      );
  }
  lines.push(
    '',
    "What bounds it, measured in the same run before and after Spoor's runs (same sink process, largest connection count): the sink alone (a minimal client pipelining a pre-encoded copy of the same email), and bare nodemailer (its pool sending one pre-rendered email again and again: no database, rendering, sealing; nodemailer's own MIME streams), without and with DKIM.",
    '',
    '| engine | sink alone | sink CPU per message | bare nodemailer | its CPU per message | bare nodemailer, DKIM | its CPU per message | load average (1 min) at start / end |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const email of run.emails) {
    const c = email.send.ceilings;
    const pair = (pick: (x: (typeof c)[number]) => number) => c.map((x) => int(pick(x))).join(' / ');
    lines.push(
      `| ${ENGINE_NAME[email.engine]} | ${pair((x) => x.sink.messagesPerSecond)} | ${pair((x) => x.sink.sinkCpuMicros)} µs | ${pair((x) => x.nodemailer.messagesPerSecond)} | ${pair((x) => x.nodemailer.senderCpuMicros)} µs | ${pair((x) => x.nodemailerDkim.messagesPerSecond)} | ${pair((x) => x.nodemailerDkim.senderCpuMicros)} µs | ${email.send.load.map((l) => l.toFixed(1)).join(' / ')} |`,
    );
  }
  return lines;
}

function reportSection(reports: ReportBenchResult[], pageviews: number): string[] {
  if (reports.length === 0) return ['Not run (BENCH_REPORT=false).'];
  const lines = [
    `Range: ${reports[0]!.generation.from} to ${reports[0]!.generation.to} (30 UTC days), ${int(pageviews)} synthetic page views, bots excluded, top 10 of each list.`,
    '',
    '| engine | websiteReport median | max | min | through HTTP median / max | page views summed | visits | unique visitors (generated) | uniques |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of reports) {
    const summed =
      r.pageviews === r.generation.counts.pageviews
        ? `${int(r.pageviews)} ✓`
        : `${int(r.pageviews)} ≠ ${int(r.generation.counts.pageviews)}`;
    lines.push(
      `| ${ENGINE_NAME[r.engine]} | ${ms(r.inProcess.medianMs)} ms | ${ms(r.inProcess.maxMs)} ms | ${ms(r.inProcess.minMs)} ms | ${r.http ? `${ms(r.http.medianMs)} / ${ms(r.http.maxMs)} ms` : 'n/a'} | ${summed} | ${int(r.visits)} | ${int(r.uniqueVisitors)} (${int(r.generation.counts.visitors)}) | ${r.uniqueVisitorsMethod} |`,
    );
  }
  lines.push('', '### Loading the data set', '');
  lines.push(
    '| engine | page views | engaged-time events | time | page views/s | events/s | database size | loaded |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of reports) {
    const g = r.generation;
    lines.push(
      `| ${ENGINE_NAME[r.engine]} | ${int(g.counts.pageviews)} | ${int(g.counts.engagements)} | ${int(g.seconds)} s | ${int(g.counts.pageviews / g.seconds)} | ${int((g.counts.pageviews + g.counts.engagements) / g.seconds)} | ${mib(g.databaseBytes)} | ${r.generatedNow ? 'in this run' : 'by an earlier run'}${r.generation.code ? `, Spoor ${r.generation.code}` : ''}${r.generation.replicatedFromDays ? `; ${r.generation.replicatedFromDays} whole days loaded through the writer, copied forward to 30 (bench/report/replicate-days.ts)` : ''} |`,
    );
  }
  for (const r of reports) {
    lines.push(
      '',
      `Where the load time went on ${ENGINE_NAME[r.engine]} (share of wall time; statement times include Kysely's query building):`,
      '',
      '```',
    );
    lines.push(...r.generation.breakdown, '```');
  }
  return lines;
}

/** A plan's verdict in a few words: index searches only, or the large tables it walks. */
function planCell(row: ReportBenchResult['dashboard'][number]): string {
  if (!row.plan) return 'n/a';
  if (row.plan.scans.length === 0) return 'index/rollup searches';
  return [...new Set(row.plan.scans)].map((scan) => `\`${scan}\``).join('; ');
}

/** Every dashboard request with median, p95 and the load it ran under, and how SQLite reads it. */
function dashboardSection(run: BenchRun): string[] {
  const reports = run.reports.filter((r) => r.dashboard.length > 0);
  if (reports.length === 0) return ['Not run (BENCH_REPORT=false).'];
  const { settings } = run;
  const lines = [
    `What the dashboard asks while a marketer looks at the overview, a website's report, contacts, a form and a send: the report's ${int(settings.pageviews)}-page-view data set, plus ${int(settings.dashboardRecipients)} contacts (one list holding them all, a form with a submission from every tenth, a fifth of the data set's visitors linked to contacts) and one finished send to all of them (recipient rows, human and machine opens and clicks, unsubscribes, engagement tallies and counters), added with set-based SQL by \`bench/report/dashboard-data.ts\` and cached with the data set. Each request goes through HTTP to Spoor as a child process, one at a time: ${settings.dashboardRuns} timed runs after 2 warm-ups (3 runs for a request whose warm-up took over a second). Load is the machine's 1-minute load average when the request's runs ended (2 cores: above 2, requests wait for a core and every figure grows with it). Spoor CPU per request is the child's CPU time (all threads, from /proc, 10 ms ticks) over the timed runs divided by their number: what a request costs whatever the wait for a core, the figure to hold against 100 ms on a busy machine.`,
    '',
    "The plan column is SQLite's EXPLAIN QUERY PLAN of every statement the request ran (captured in an in-process Spoor on the same file): \"index/rollup searches\" when each is a SEARCH on an index or a rollup's key; otherwise the large tables (page views, visits, visitors, contacts, list members, recipients, email events, engagement, submissions) it walks — `USING INDEX … ` walks in index order and stops at the page's LIMIT. All statements and plans: `bench/.tmp/dashboard-plans-<page views>.txt`. Decision 024 gives the bound of each request that walks.",
    '',
  ];
  for (const r of reports) {
    const over = r.dashboard.filter((d) => d.timing.medianMs >= 100).length;
    lines.push(
      `### ${ENGINE_NAME[r.engine]}`,
      '',
      `${r.dashboard.length} requests, ${over === 0 ? 'every median under 100 ms' : `${over} with a median of 100 ms or more`}.`,
      '',
      '| area | request | median | p95 | max | Spoor CPU per request | load | how SQLite reads it |',
      '|---|---|---:|---:|---:|---:|---:|---|',
    );
    for (const d of r.dashboard)
      lines.push(
        `| ${d.area} | ${d.request} | ${ms(d.timing.medianMs)} ms | ${ms(d.timing.p95Ms)} ms | ${ms(d.timing.maxMs)} ms | ${d.timing.cpuMs === null || d.timing.cpuMs === undefined ? 'n/a' : `${ms(d.timing.cpuMs)} ms`} | ${d.timing.load.toFixed(1)} | ${r.engine === 'sqlite' ? planCell(d) : 'see SQLite'} |`,
      );
    lines.push('');
  }
  return lines;
}

export function benchmarkPage(run: BenchRun): string {
  const { machine, settings } = run;
  const minutes = (run.finished.getTime() - run.started.getTime()) / 60_000;
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${run.started.toISOString().slice(0, 16).replace('T', ' ')} UTC (the run took ${minutes.toFixed(0)} min) against Spoor at commit ${run.code}. Re-run it to refresh this page; numbers from another machine are not comparable.`,
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores (load generator, Spoor and the database share them)`,
    `- Memory: ${machine.memoryGiB} GiB`,
    `- OS: ${machine.os}; 1-minute load average when the run started: ${machine.loadAverage.toFixed(2)}`,
    `- Node.js ${machine.node}; SQLite ${machine.sqlite} (better-sqlite3); PostgreSQL ${machine.postgres ?? 'not available'}`,
    ...(machine.postgresSettings
      ? [`- PostgreSQL settings: ${machine.postgresSettings} (same host, over TCP on 127.0.0.1)`]
      : []),
    '',
    '## Command and settings',
    '',
    '```sh',
    `BENCH_DURATION=${settings.durationSeconds} BENCH_SLICES=${settings.slices} BENCH_PAGEVIEWS=${settings.pageviews} npm run bench`,
    '```',
    '',
    "Knobs: `BENCH_DURATION` (s per load run, default 10), `BENCH_SLICES` (alternating slices it is split into, default 4), `BENCH_PAGEVIEWS` (default 10000000), `BENCH_CONNECTIONS` (default 1,16,64), `BENCH_ENGINES` (default sqlite,postgres), `BENCH_LOAD` / `BENCH_EMAIL` / `BENCH_REPORT` (false skips that part), `BENCH_EMAIL_RECIPIENTS` (default 20000), `BENCH_SEND_RECIPIENTS` (default 5000), `BENCH_DASHBOARD_RECIPIENTS` (contacts and recipients of the send behind the dashboard requests, default 1000000; 0 times only the overview and the report), `BENCH_DASHBOARD_RUNS` (timed runs per dashboard request, default 20), `BENCH_VISITORS` (default 1000), `SPOOR_BENCH_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/test). A run that skips a part or changes the connections writes `bench/.tmp/benchmarks-partial.md` instead of this page. The first run with a new `BENCH_PAGEVIEWS` generates its data set (see the loading table for how long that took); later runs reuse it. Beside it, `npm run bench:light` (needs `wrk`) drives collect with a load generator that leaves the cores to the servers and reads each server's CPU per request from /proc (decision 008); it prints its table and writes `bench/.tmp/light-load.md`. `npm run bench:capacity` measures capacity at a latency target open-loop (decision 044): a fixed offered rate of a realistic mix with a send in progress, latency from each request's due time, stepped up until p99 passes 25 ms, Spoor on each engine stepped together with the bare servers; knobs `BENCH_CAPACITY_START_RATE` (default 50), `BENCH_CAPACITY_FACTOR` (1.25), `BENCH_CAPACITY_STEP_SECONDS` (10), `BENCH_CAPACITY_MAX_RATE` (20000), `BENCH_CAPACITY_CONNECTIONS` (keep-alive sockets per origin, 64), `BENCH_CAPACITY_RECIPIENTS` (20000), `BENCH_CAPACITY_SEND_RATE` (messages/s of the send in progress, 50), `BENCH_CAPACITY_SEND` (false: no send), `BENCH_ENGINES`; it writes `bench/.tmp/capacity.md`.",
    '',
    `- ${settings.durationSeconds} s per server and connection count, after a warm-up of both servers; connections ${settings.connections.join(', ')}. Each run is ${settings.slices} slices of ${sliceSeconds(settings.durationSeconds, settings.slices).toFixed(1)} s per server in the order bare, Spoor, Spoor, bare, bare, Spoor, … (\`bench/lib/paired.ts\`): this machine's speed drifts by tens of percent within minutes, and alternating slices put both servers under the same drift. Req/s and percentiles are over all slices of a server; Spoor/bare is the ratio of those totals, and the slice-pair range shows how far single pairs strayed.`,
    `- Spoor runs as shipped, \`node dist/main.js\` (compiled by \`npm run build\`), with \`SPOOR_DEMO=false\`, \`SPOOR_LOG_LEVEL=warn\`, \`SPOOR_COLLECT_RATE_LIMIT=10000000\` (the limiter runs but never trips) and default group commit (\`SPOOR_MAX_BATCH=256\`), on a fresh SQLite file (WAL, \`synchronous=FULL\`) or a fresh PostgreSQL schema (\`fsync\`, \`synchronous_commit\` as the server is configured).`,
    '- The bare server is `bench/load/bare-server.ts`: `node:http`, reads the body, answers 204.',
    `- Load: autocannon in the bench's own process; every request is a new page view (\`text/plain\` JSON as in [collect-protocol.md](collect-protocol.md), unique \`e\`, one of ${int(settings.visitorPool)} visitor ids in \`v\`, Zipf-distributed paths, some referrers and UTM tags), \`Origin: https://bench.example\`, a desktop Chrome User-Agent. Latency percentiles are computed from every response's own time.`,
    `- Report data: ${int(settings.pageviews)} page views over 30 days for one website (~2 000 paths, ~50 referrer hosts, 20 campaigns, ~3 page views per visit, ~1.5 visits per visitor, 5 % anonymous, 70 % of page views send engaged time), fed through the real \`planBatch\` and \`writePlan\` in transactions of 20 000 events; the loaded database is cached under \`bench/.tmp/\` (SQLite) or in the schema \`spoor_bench_report_${settings.pageviews}\` (PostgreSQL).`,
    ...(run.reports.some((r) => r.generation.vacuumed)
      ? [
          '- PostgreSQL report data: after loading, the bench runs `VACUUM (ANALYZE)` on each table of the report schema, as autovacuum would on a normal server (it is off on this one). Without it the planner still believes the tables are empty and the upserted rollups carry hundreds of thousands of dead rows; on the machine below, the 10M-page-view report took 204 ms (median) before this step and 53 ms after it.',
        ]
      : []),
    ...run.notes.map((n) => `- ${n}`),
    '',
    '## Durable collect (`POST /c`)',
    '',
  ];
  for (const load of run.loads) {
    lines.push(`### ${ENGINE_NAME[load.engine]}`, '', ...loadTable(load.rows, '2xx answered → stored'), '');
  }
  if (run.loads.length === 0) lines.push('Not run (BENCH_LOAD=false).', '');
  lines.push('### Against the target', '', ...targetVerdict(run), '');
  lines.push('## Email: open pixel, click redirect, sending', '', ...emailSection(run), '');
  lines.push('## Report query', '', ...reportSection(run.reports, settings.pageviews), '');
  lines.push('## Dashboard requests', '', ...dashboardSection(run), '');
  lines.push(
    '## Send estimate on a list of 1,000,000 members',
    '',
    "The send confirmation's estimate (`estimateSend`) answers from the list audience counters; loading a million members through their triggers takes 15–30 minutes on this machine, so it is measured on its own rather than in every run: `npx tsx bench/email/send-estimate.ts 1000000 [DATABASE_URL]`. The last figures, and what the scan it replaced took, are kept in [decision 021](decisions/021-send-estimate-counters.md).",
    '',
  );
  // Sections measured outside this run (bench/lib/kept-sections.ts), carried over from the last page.
  for (const kept of run.kept ?? []) lines.push(kept, '');
  lines.push(
    '## How to read this',
    '',
    "The bare server is the ceiling for this machine: it does no parsing beyond reading the body and stores nothing, so its req/s is mostly what the load generator, Node's HTTP stack and the kernel allow. Spoor/bare is the share of that ceiling Spoor keeps while validating each event, applying consent and bot rules, deciding visits and answering only after the event is committed to disk. On a 2-core machine the load generator takes roughly one core, so both servers compete with it: the ratio is then a comparison of CPU per request, Spoor's against the bare server's plus the load generator's (decision 008). A load generator that leaves the cores to the servers (`npm run bench:light`, wrk) lets the bare server gain more than Spoor, so the ratio falls; compare ratios within a run, not across machines. On a shared virtual machine the speed drifts by tens of percent within minutes; the alternating slices put both servers under the same drift, and the slice-pair range shows how much it moved. Compare figures from the same run. Every table above except the capacity one is closed-loop (a fixed number of connections, each sending when its last answer came back): its p99 is the latency at that concurrency, and a stall shows as one slow answer per connection. The capacity table is open-loop: requests are due at a fixed rate whatever the server does, latency runs from the due time, and the figure is the rate at which 99 % of requests were answered within 25 ms of being due — the figure to plan with, and one that only an otherwise idle machine can give (read its generator-lag column first). What this machine allows a durable store at all (Spoor's HTTP path with events kept nowhere, or in a bare log made durable per group) was measured once and is kept in decision 007.",
    '',
    'At 1 connection every request waits for its own commit, so that row shows the latency of one durable write. With more connections, requests that arrive while a commit is in progress go together into the next one (group commit), which is why throughput grows with concurrency while p99 stays bounded. "2xx answered → stored" is the durability check: after each run the report API must count every page view that was answered 2xx; it may count up to one more per connection, for requests that were already sent when autocannon stopped and were committed after it stopped listening (✓ when the count lies between the two).',
    '',
    'The report reads only the daily rollups (and, for ranges up to 10 000 visits, the visits table for exact uniques), so its time depends on days × distinct paths/referrers/campaigns, not on the number of page views. Above 10 000 visits unique visitors come from the HyperLogLog sketches (`estimate`, ±1.6 %); the generated count is shown beside it.',
    '',
  );
  return lines.join('\n');
}
