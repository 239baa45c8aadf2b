// Contention as PostgreSQL sees it while a pass runs: what the bench database's active sessions wait on,
// sampled every 100 ms from pg_stat_activity (a session waiting on a lock shows wait_event_type 'Lock'),
// and which lock requests are not granted (pg_locks, by lock type: a row's transaction, a tuple, an
// advisory lock). Plus the database's deadlock and rollback counters over the whole run.
import pg from 'pg';

/** What the samples of one run (or several, added up) saw. */
export interface Contention {
  samples: number;
  /** Samples in which at least one session waited on a lock. */
  samplesWithLockWaits: number;
  /** Most sessions waiting on a lock in one sample. */
  mostLockWaits: number;
  /** Session-samples of active sessions by what they waited on ("Lock:transactionid", "CPU" when nothing). */
  waits: Record<string, number>;
  /** Lock requests not granted, by lock type, summed over samples. */
  ungranted: Record<string, number>;
  /** Session-samples waiting on a lock, by the start of the statement that waits (which rows are hot). */
  blocked: Record<string, number>;
}

export const NO_CONTENTION: Contention = {
  samples: 0,
  samplesWithLockWaits: 0,
  mostLockWaits: 0,
  waits: {},
  ungranted: {},
  blocked: {},
};

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [key, n] of Object.entries(b)) out[key] = (out[key] ?? 0) + n;
  return out;
}

export function addContention(a: Contention, b: Contention): Contention {
  return {
    samples: a.samples + b.samples,
    samplesWithLockWaits: a.samplesWithLockWaits + b.samplesWithLockWaits,
    mostLockWaits: Math.max(a.mostLockWaits, b.mostLockWaits),
    waits: addCounts(a.waits, b.waits),
    ungranted: addCounts(a.ungranted, b.ungranted),
    blocked: addCounts(a.blocked, b.blocked),
  };
}

/** The `top` keys of `counts` by share, e.g. "CPU 61%, IO:WALSync 20%"; — when empty. */
export function topShares(counts: Record<string, number>, top = 3): string {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  if (total === 0) return '—';
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, n]) => `${key} ${Math.round((100 * n) / total)}%`)
    .join(', ');
}

/** A statement's first words, enough to name the table it writes: "insert into send_counters". */
export function statementHead(query: string): string {
  const words = query.replace(/\s+/g, ' ').trim().toLowerCase().split(' ');
  const into = words.findIndex((w) => w === 'into' || w === 'update' || w === 'from');
  return words
    .slice(0, Math.max(3, into + 2))
    .join(' ')
    .slice(0, 60);
}

const WAITS = `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait, count(*)::int as n
  from pg_stat_activity
  where datname = $1 and state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()
  group by 1`;
// A row lock wait is on the holder's transaction id, which pg_locks lists without a database: joined
// through the waiting session instead.
const UNGRANTED = `select l.locktype, count(*)::int as n
  from pg_locks l join pg_stat_activity a on a.pid = l.pid
  where not l.granted and a.datname = $1
  group by 1`;
const BLOCKED = `select query from pg_stat_activity
  where datname = $1 and wait_event_type = 'Lock' and pid <> pg_backend_pid()`;

export interface ContentionSampler {
  stop(): Promise<Contention>;
}

/** Samples the sessions of `database` (through `url`, any database of the server) until stopped. */
export async function sampleContention(
  url: string,
  database: string,
  everyMs = 100,
): Promise<ContentionSampler> {
  const client = new pg.Client({ connectionString: url, application_name: 'spoor-bench-sampler' });
  await client.connect();
  let seen = NO_CONTENTION;
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const waits = await client.query<{ wait: string; n: number }>(WAITS, [database]);
      const ungranted = await client.query<{ locktype: string; n: number }>(UNGRANTED, [database]);
      const blocked: Record<string, number> = {};
      for (const { query } of (await client.query<{ query: string }>(BLOCKED, [database])).rows) {
        const head = statementHead(query);
        blocked[head] = (blocked[head] ?? 0) + 1;
      }
      const counts = Object.fromEntries(waits.rows.map((r) => [r.wait, r.n]));
      const lockWaits = waits.rows.filter((r) => r.wait.startsWith('Lock:')).reduce((s, r) => s + r.n, 0);
      seen = addContention(seen, {
        samples: 1,
        samplesWithLockWaits: lockWaits > 0 ? 1 : 0,
        mostLockWaits: lockWaits,
        waits: counts,
        ungranted: Object.fromEntries(ungranted.rows.map((r) => [r.locktype, r.n])),
        blocked,
      });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      try {
        await loop;
      } finally {
        await client.end();
      }
      return seen;
    },
  };
}

export interface DatabaseCounters {
  commits: number;
  rollbacks: number;
  deadlocks: number;
}

/**
 * The database's counters from pg_stat_database. Sessions report them in batches (at most once a
 * second while busy, within 10 s once idle), so they are read over a whole run, after a pause.
 */
export async function readDatabaseCounters(url: string, database: string): Promise<DatabaseCounters> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ xact_commit: string; xact_rollback: string; deadlocks: string }>(
      'select xact_commit, xact_rollback, deadlocks from pg_stat_database where datname = $1',
      [database],
    );
    const row = result.rows[0];
    return {
      commits: Number(row?.xact_commit ?? 0),
      rollbacks: Number(row?.xact_rollback ?? 0),
      deadlocks: Number(row?.deadlocks ?? 0),
    };
  } finally {
    await client.end();
  }
}
