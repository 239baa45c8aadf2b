// Spoor's metrics, one set per process (what Prometheus scrapes is a process): the hot-path counters and
// histograms that the HTTP layer, the group commits and the send worker bump, and the gauges read at
// scrape time from whatever is running (queues, pools, write health). docs/deployment.md (Monitoring)
// says what each one means and what to alert on.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type HistogramChild, HotCounter, HotHistogram } from './hot-metrics.ts';

/** Readings summed over whatever is running in this process (one app in production, several in tests). */
export class Readings<T> {
  private readonly sources = new Set<T>();
  /** Adds a source; the returned function removes it (on close). */
  add(source: T): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }
  all(): T[] {
    return [...this.sources];
  }
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new HotCounter(
  'spoor_http_requests_total',
  'HTTP requests answered, by method, route pattern (never the raw URL) and status class.',
);
export const httpDuration = new HotHistogram(
  'spoor_http_request_duration_seconds',
  'Time from receiving a request to its response being sent, by method and route pattern.',
  SECONDS,
);

/** A hot path's name (platform/ingest): tracking (collect), engagement (pixel, click, unsubscribe), … */
export type Stream = string;

const commitBatchSize = new HotHistogram(
  'spoor_commit_batch_size',
  'Events or hits per committed transaction (group commit), by stream.',
  [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096],
);
const commitDuration = new HotHistogram(
  'spoor_commit_duration_seconds',
  'Time to write and commit one group-commit transaction, by stream.',
  SECONDS,
);
/** Bound once per stream (binding per observation would cost a label lookup on every commit). */
const commits = new Map<Stream, { size: HistogramChild; seconds: HistogramChild }>();
const bindCommits = (stream: Stream) => {
  const children = { size: commitBatchSize.bind({ stream }), seconds: commitDuration.bind({ stream }) };
  commits.set(stream, children);
  return children;
};
// The two of today are exported from the start (at zero); any other hot path from its first commit.
bindCommits('tracking');
bindCommits('engagement');

/** One committed transaction of `size` events or hits that took `seconds`. */
export function observeCommit(stream: Stream, size: number, seconds: number): void {
  const children = commits.get(stream) ?? bindCommits(stream);
  children.size.observe(size);
  children.seconds.observe(seconds);
}

const SMTP_VERDICTS = [
  'accepted',
  'refused_permanently',
  'refused_temporarily',
  'refused_by_policy',
  'not_reached',
  'uncertain',
] as const;
const smtpOutcomes = new HotCounter(
  'spoor_smtp_outcomes_total',
  'SMTP attempts by verdict ("accepted" is a message sent); a node counts the attempts it made.',
);
const smtpOutcomeChildren = Object.fromEntries(
  SMTP_VERDICTS.map((verdict) => [verdict, smtpOutcomes.bind({ verdict })]),
) as Record<(typeof SMTP_VERDICTS)[number], ReturnType<HotCounter['bind']>>;

export function countSmtpOutcome(verdict: (typeof SMTP_VERDICTS)[number]): void {
  smtpOutcomeChildren[verdict].inc();
}

/** Jobs submitted to a group commit and not yet committed, by stream. */
export const waitingForCommit = new Readings<{ stream: Stream; waiting: () => number }>();
/** Batches handed to a SQLite writer thread and not yet answered. */
export const sqliteWriterBacklog = new Readings<() => number>();
/** Failures in a row to reach or greet the SMTP server, per send worker. */
export const smtpUnreached = new Readings<() => number>();
/** What the scrape reads from a storage handle (src/metrics/routes.ts registers the app's). */
export interface StorageReadings {
  pool: (() => { total: number; idle: number; waiting: number }) | undefined;
  writeFailures: () => number;
  sendsByStatus: () => Promise<Map<string, number>>;
}
export const storages = new Readings<StorageReadings>();

const SEND_STATUSES = ['queued', 'preparing', 'sending', 'paused', 'done', 'cancelled'];
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

let registry: Registry | undefined;

/** The registry /metrics serves: created (with the process's default metrics) when first asked for. */
export function metricsRegistry(): Registry {
  if (registry) return registry;
  const r = new Registry();
  collectDefaultMetrics({ register: r });
  for (const metric of [httpRequests, httpDuration, commitBatchSize, commitDuration, smtpOutcomes])
    r.registerMetric(metric as never);
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    collect: (g: Gauge<L>) => void | Promise<void>,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [r],
      async collect() {
        await collect(this);
      },
    });
  gauge('spoor_commit_waiting', 'Events or hits waiting for their commit, by stream.', ['stream'], (g) => {
    // The two of today always, at 0 when idle; any other hot path once it is open.
    const streams = new Set(['tracking', 'engagement', ...waitingForCommit.all().map((q) => q.stream)]);
    for (const stream of streams)
      g.set(
        { stream },
        sum(
          waitingForCommit
            .all()
            .filter((q) => q.stream === stream)
            .map((q) => q.waiting()),
        ),
      );
  });
  gauge(
    'spoor_sqlite_writer_backlog',
    'Batches handed to the SQLite writer thread and not yet committed (0 on PostgreSQL).',
    [],
    (g) => g.set(sum(sqliteWriterBacklog.all().map((read) => read()))),
  );
  gauge(
    'spoor_smtp_unreached_streak',
    'Attempts in a row that could not reach, greet or log in to the SMTP server (0 once one gets through).',
    [],
    (g) => g.set(sum(smtpUnreached.all().map((read) => read()))),
  );
  gauge(
    'spoor_write_failures',
    'Failed commits of events or hits since the last success, within the last 10 s (what /healthz reads).',
    [],
    (g) => g.set(sum(storages.all().map((s) => s.writeFailures()))),
  );
  gauge(
    'spoor_db_pool_connections',
    'PostgreSQL pool connections of this node: all open ones (total) and the unused ones (idle).',
    ['state'],
    (g) => {
      const pools = storages.all().flatMap((s) => (s.pool ? [s.pool()] : []));
      g.set({ state: 'total' }, sum(pools.map((p) => p.total)));
      g.set({ state: 'idle' }, sum(pools.map((p) => p.idle)));
    },
  );
  gauge('spoor_db_pool_waiting', 'Queries waiting for a PostgreSQL pool connection on this node.', [], (g) =>
    g.set(sum(storages.all().flatMap((s) => (s.pool ? [s.pool().waiting] : [])))),
  );
  gauge(
    'spoor_sends',
    'Sends by status (read from the database: the same on every node).',
    ['status'],
    async (g) => {
      const totals = new Map(SEND_STATUSES.map((status) => [status, 0]));
      for (const storage of storages.all()) {
        // A database that does not answer must not fail the scrape: the other metrics say why.
        const counts = await storage.sendsByStatus().catch(() => new Map<string, number>());
        for (const [status, n] of counts) totals.set(status, (totals.get(status) ?? 0) + n);
      }
      for (const [status, n] of totals) g.set({ status }, n);
    },
  );
  registry = r;
  return r;
}
