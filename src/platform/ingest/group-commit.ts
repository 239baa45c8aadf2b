// Group commit: jobs that arrive while a transaction is being written wait and go together into the
// next one, so many concurrent requests share one durable commit (one fsync on SQLite, one
// round trip sequence on PostgreSQL) and each caller is answered only after its job is committed.
import { commitOrSplitAsync } from './retry-then-split.ts';

interface Pending<Job, Result> {
  job: Job;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export type BatchRunner<Job, Result> = (jobs: Job[]) => Promise<Result[]>;

export interface GroupCommitOptions {
  /** Jobs per batch at most. */
  maxBatch: number;
  /**
   * Batches written at once. SQLite has one writer, so 1; PostgreSQL can commit several batches on
   * separate connections while one waits for the disk (row locks keep one browser's events in order).
   */
  concurrency?: number;
  /** Attempts per batch: PostgreSQL may abort a transaction on a conflict with another writer. */
  attempts?: number;
  /**
   * Hand a batch over as soon as this many jobs wait (and a writer is free), before the event loop's
   * turn ends. Under load a turn parses every waiting request; without this the writer thread only
   * starts once all of them are parsed, and the loop then idles while it commits (the two alternate
   * instead of overlapping). 0: only at the end of the turn.
   */
  handOverAt?: number;
  /**
   * Errors that no single job causes (a lost connection, a full disk): a batch failing with one is
   * failed as a whole instead of being retried job by job, which would only repeat the failure.
   */
  failsEveryJob?: (error: unknown) => boolean;
  /** Told of each batch committed: its size and how long it took (for /metrics). */
  onCommit?: (size: number, seconds: number) => void;
}

export class GroupCommit<Job, Result> {
  private queue: Pending<Job, Result>[] = [];
  /** Batches being written right now. */
  private writing = 0;
  private scheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly attempts: number;
  private readonly handOverAt: number;
  private readonly failsEveryJob: (error: unknown) => boolean;
  private readonly onCommit: ((size: number, seconds: number) => void) | undefined;
  /** Jobs in the batches being written. */
  private jobsWriting = 0;

  constructor(
    private readonly runBatch: BatchRunner<Job, Result>,
    options: GroupCommitOptions,
  ) {
    this.maxBatch = options.maxBatch;
    this.concurrency = options.concurrency ?? 1;
    this.attempts = options.attempts ?? 3;
    this.handOverAt = options.handOverAt ?? 0;
    this.failsEveryJob = options.failsEveryJob ?? (() => false);
    this.onCommit = options.onCommit;
  }

  /** Jobs submitted and not yet committed (or failed): waiting for a batch, or in one being written. */
  get waiting(): number {
    return this.queue.length + this.jobsWriting;
  }

  submit(job: Job): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('The event writer is shutting down.'));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.handOverAt > 0 && this.queue.length >= this.handOverAt && this.writing < this.concurrency)
        this.startWriters();
      else this.schedule();
    });
  }

  /** Resolves once everything submitted so far is written (or has failed). */
  async drain(): Promise<void> {
    if (this.writing === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private schedule(): void {
    if (this.writing >= this.concurrency || this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.startWriters();
    });
  }

  private startWriters(): void {
    while (this.queue.length > 0 && this.writing < this.concurrency) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.writing += 1;
      this.jobsWriting += batch.length;
      void this.writeBatch(batch).finally(() => {
        this.writing -= 1;
        this.jobsWriting -= batch.length;
        if (this.queue.length > 0) this.schedule();
        else if (this.writing === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }

  /** One transaction for the batch; if it fails, retried, then split (retry-then-split.ts). */
  private writeBatch(batch: Pending<Job, Result>[]): Promise<void> {
    return commitOrSplitAsync(
      batch,
      async (pendings) => {
        const started = this.onCommit ? performance.now() : 0;
        const results = await this.runBatch(pendings.map((p) => p.job));
        this.onCommit?.(pendings.length, (performance.now() - started) / 1000);
        return results;
      },
      { attempts: this.attempts, failsEveryJob: this.failsEveryJob },
      {
        committed: (pendings, results) => {
          for (const [i, pending] of pendings.entries()) pending.resolve(results[i] as Result);
        },
        failed: (pendings, error) => {
          for (const pending of pendings) pending.reject(error);
        },
      },
    );
  }
}
