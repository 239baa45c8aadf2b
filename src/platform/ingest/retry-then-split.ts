// The one rule for a batch whose transaction fails: try it again (PostgreSQL may abort a transaction that
// lost a conflict with another writer), then split it and commit each job alone, so a faulty job fails
// alone and every other job is committed. An error no job causes (a full disk, a lost connection) fails
// the whole batch at once: retrying job by job would only repeat it, job after job. The group commit
// (event loop, every engine) and the SQLite writer thread (which merges the jobs that waited) both follow
// it: the rule is written once, as the sequence of steps below, and each runs it with its own commit
// (awaited on the event loop, synchronous in the thread).

export interface SplitPolicy {
  /** Attempts of a batch before it is split (and of each job alone after). */
  attempts: number;
  /** Errors that no single job causes: the batch fails as a whole, without splitting. */
  failsEveryJob: (error: unknown) => boolean;
}

/** What becomes of the jobs: committed with their results (one per job), or failed with an error. */
export interface Settle<Job, Result> {
  committed(jobs: Job[], results: Result[]): void;
  failed(jobs: Job[], error: unknown): void;
}

type Step<Job> = { commit: Job[] } | { fail: Job[]; error: unknown };
type Told = { ok: true } | { ok: false; error: unknown };
const OK: Told = { ok: true };

/** The steps for one batch: each `commit` step is told whether its transaction committed. */
function* steps<Job>(jobs: Job[], policy: SplitPolicy): Generator<Step<Job>, void, Told> {
  let error: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const told = yield { commit: jobs };
    if (told.ok) return;
    error = told.error;
  }
  if (jobs.length === 1 || policy.failsEveryJob(error)) {
    yield { fail: jobs, error };
    return;
  }
  for (const job of jobs) yield* steps([job], policy);
}

/** Commits the batch by the rule with a synchronous commit (the SQLite writer thread). */
export function commitOrSplit<Job, Result>(
  jobs: Job[],
  commit: (jobs: Job[]) => Result[],
  policy: SplitPolicy,
  settle: Settle<Job, Result>,
): void {
  const plan = steps(jobs, policy);
  for (let step = plan.next(OK); !step.done; ) {
    const s = step.value;
    if ('fail' in s) {
      settle.failed(s.fail, s.error);
      step = plan.next(OK);
      continue;
    }
    let results: Result[];
    try {
      results = commit(s.commit);
    } catch (error) {
      step = plan.next({ ok: false, error });
      continue;
    }
    settle.committed(s.commit, results);
    step = plan.next(OK);
  }
}

/** Commits the batch by the rule with an asynchronous commit (the group commit on the event loop). */
export async function commitOrSplitAsync<Job, Result>(
  jobs: Job[],
  commit: (jobs: Job[]) => Promise<Result[]>,
  policy: SplitPolicy,
  settle: Settle<Job, Result>,
): Promise<void> {
  const plan = steps(jobs, policy);
  for (let step = plan.next(OK); !step.done; ) {
    const s = step.value;
    if ('fail' in s) {
      settle.failed(s.fail, s.error);
      step = plan.next(OK);
      continue;
    }
    let results: Result[];
    try {
      results = await commit(s.commit);
    } catch (error) {
      step = plan.next({ ok: false, error });
      continue;
    }
    settle.committed(s.commit, results);
    step = plan.next(OK);
  }
}
