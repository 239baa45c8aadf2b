// The job runner: each node runs one; a job kind registers its handler, and the runner takes due jobs
// of the kinds it knows under a lease, renews the lease while the handler works, and records the end
// (done, come back later, retry with backoff, failed). A node that dies stops renewing: its lease runs
// out and another node's runner takes the job. Why leases in the jobs table: docs/decisions/011-job-leases.md.
import { newId } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Storage } from '../../storage/database.ts';
import { afterFailure, DEFAULT_RETRY, type RetryPolicy } from './backoff.ts';
import {
  claimDueJob,
  deleteJob,
  ensureRepeatingJob,
  failJob,
  type JobRow,
  releaseJob,
  renewJobLease,
  rescheduleJob,
  retryJob,
} from './store.ts';

/** What a handler is given. */
export interface RunningJob {
  id: string;
  key: string;
  payload: unknown;
  /** This try's number (1 for the first). */
  attempt: number;
  /** The runner's lease holder id: a domain that keeps its own lease (a send) can use it as the owner. */
  owner: string;
  /** Aborted when the node stops or the lease is lost: finish the current step and return. */
  signal: AbortSignal;
}

/** A handler returns nothing when the job is done, or when to run it again (more to do later). */
export type JobOutcome = undefined | { runAt: number };

export interface JobKind {
  kind: string;
  run(job: RunningJob): Promise<JobOutcome>;
  /** A repeating job: one row for the kind, run every this many ms (and on first start). */
  everyMs?: number;
  /** How failures are retried (default DEFAULT_RETRY). A repeating job out of tries waits for its next pass. */
  retry?: RetryPolicy;
  /** Jobs of this kind one node runs at once (default: as many as the runner's slots). */
  concurrency?: number;
  /** Called once the runner has stopped (close connections the kind keeps). */
  close?(): Promise<void>;
}

export interface JobRunnerOptions {
  /** How often an idle runner looks for due jobs. */
  pollMs: number;
  /** How long a lease holds without renewal: how soon another node takes a dead node's job. */
  leaseMs: number;
  /** Jobs this node runs at once. */
  slots?: number;
  log?: Logger;
  /** Every failure to look for jobs (the database away, say): the next poll retries. */
  onPollError?: (error: unknown) => void;
  /** Called last by stop(). */
  onStop?: () => void;
}

export interface JobRunner {
  register(kind: JobKind): void;
  /** Starts the slots polling. */
  start(): Promise<void>;
  /** Stops taking jobs, asks running handlers to finish their step, waits for them and gives their jobs back. */
  stop(): Promise<void>;
  /** Runs every job due now, in this call (tests, and a one-off command): how many it ran. */
  runDue(): Promise<number>;
  /** Wakes idle slots (something was just enqueued on this node). */
  wake(): void;
  readonly owner: string;
}

export function createJobRunner(storage: Storage, options: JobRunnerOptions): JobRunner {
  const owner = newId();
  const kinds = new Map<string, JobKind>();
  const running = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const stopper = new AbortController();
  let slots: Promise<void>[] = [];
  let wakers: Array<() => void> = [];

  const claimable = () =>
    [...kinds.values()]
      .filter((k) => (running.get(k.kind) ?? 0) < (k.concurrency ?? Number.POSITIVE_INFINITY))
      .map((k) => k.kind);

  /** Takes one due job and runs it to its end; false when none was due. */
  async function runOne(): Promise<boolean> {
    const job = await claimDueJob(storage.db, claimable(), owner, Date.now(), options.leaseMs);
    if (!job) return false;
    // Taken while this node began to stop: given back untouched for another node.
    if (stopper.signal.aborted) {
      await releaseJob(storage.db, job, owner);
      return false;
    }
    const kind = kinds.get(job.kind) as JobKind;
    running.set(kind.kind, (running.get(kind.kind) ?? 0) + 1);
    const done = execute(kind, job).finally(() => {
      running.set(kind.kind, (running.get(kind.kind) ?? 1) - 1);
      inFlight.delete(done);
    });
    inFlight.add(done);
    await done;
    return true;
  }

  async function execute(kind: JobKind, job: JobRow): Promise<void> {
    const lost = new AbortController();
    const signal = AbortSignal.any([stopper.signal, lost.signal]);
    const renewal = setInterval(() => {
      renewJobLease(storage.db, job.id, owner, Date.now() + options.leaseMs).then(
        (held) => {
          if (!held) lost.abort();
        },
        () => {},
      );
    }, options.leaseMs / 3);
    try {
      const outcome = await kind.run({
        id: job.id,
        key: job.key,
        payload: job.payload === null ? undefined : JSON.parse(job.payload),
        attempt: job.attempts,
        owner,
        signal,
      });
      if (outcome) await rescheduleJob(storage.db, job, owner, outcome.runAt);
      else if (kind.everyMs !== undefined)
        await rescheduleJob(storage.db, job, owner, Date.now() + kind.everyMs);
      else await deleteJob(storage.db, job, owner);
    } catch (error) {
      await recordFailure(kind, job, error, signal.aborted);
    } finally {
      clearInterval(renewal);
    }
  }

  async function recordFailure(kind: JobKind, job: JobRow, error: unknown, aborted: boolean) {
    const message = error instanceof Error ? error.message : String(error);
    // Stopped mid-way is not a failure of the job: it is given back as it was.
    if (aborted) return releaseJob(storage.db, job, owner).catch(() => {});
    const next = afterFailure(job.attempts, kind.retry ?? DEFAULT_RETRY);
    const now = Date.now();
    if ('retryInMs' in next) {
      options.log?.warn({ err: error, job: job.kind }, `job ${job.kind} failed; retrying`);
      await retryJob(storage.db, job, owner, now + next.retryInMs, message).catch(() => {});
    } else if (kind.everyMs !== undefined) {
      options.log?.error({ err: error, job: job.kind }, `job ${job.kind} failed; its next pass retries`);
      await retryJob(storage.db, job, owner, now + kind.everyMs, message).catch(() => {});
    } else {
      options.log?.error({ err: error, job: job.kind }, `job ${job.kind} failed after ${job.attempts} tries`);
      await failJob(storage.db, job, owner, message, now).catch(() => {});
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(wakeUp, ms);
      function wakeUp() {
        clearTimeout(timer);
        wakers = wakers.filter((w) => w !== wakeUp);
        resolve();
      }
      wakers.push(wakeUp);
    });

  /** Each repeating kind's row exists (made by whichever node starts first; retried until it succeeds). */
  let repeatingEnsured = false;
  async function ensureRepeating(): Promise<void> {
    if (repeatingEnsured) return;
    for (const kind of kinds.values())
      if (kind.everyMs !== undefined) await ensureRepeatingJob(storage.db, kind.kind, kind.everyMs);
    repeatingEnsured = true;
  }

  async function slot(): Promise<void> {
    while (!stopper.signal.aborted) {
      let worked = false;
      try {
        await ensureRepeating();
        worked = await runOne();
      } catch (error) {
        options.onPollError?.(error);
      }
      if (!worked && !stopper.signal.aborted) await sleep(options.pollMs);
    }
  }

  const wake = () => {
    for (const w of [...wakers]) w();
  };

  return {
    owner,
    register(kind) {
      if (kinds.has(kind.kind)) throw new Error(`job kind ${kind.kind} is registered twice`);
      kinds.set(kind.kind, kind);
    },
    async start() {
      slots = Array.from({ length: options.slots ?? 2 }, () => slot());
    },
    async stop() {
      stopper.abort();
      wake();
      await Promise.all(slots);
      await Promise.all(inFlight);
      await Promise.all([...kinds.values()].map((kind) => kind.close?.()));
      options.onStop?.();
    },
    async runDue() {
      let ran = 0;
      await ensureRepeating();
      while (await runOne()) ran += 1;
      return ran;
    },
    wake,
  };
}
