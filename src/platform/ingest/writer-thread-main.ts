// Inside the SQLite writer thread: its own connection to the database file, and the one writer of the
// hot paths. It knows no domain: each hot path that uses it names the module of its SQLite store (the
// path's `threadStore`), which the thread imports and opens on its connection the first time the path
// sends work. Jobs that arrived while a transaction was being written are merged with the waiting jobs
// of their path (and context) into the next one, up to maxBatch items, so every commit carries as much as
// it can. Strictly serial: each transaction is committed, and its jobs answered, before the next begins.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openSqliteConnection } from '../../storage/database.ts';
import { unavailableReason } from '../../storage/unavailable.ts';
import { commitOrSplit } from './retry-then-split.ts';
import type { ThreadStore, ThreadStoreModule } from './thread-store.ts';

export interface WriterData {
  file: string;
  maxBatch: number;
  /** The size cap of the file (storage/database.ts), 0 for none. */
  maxSizeMb: number;
}
/** A batch of one hot path, with the context its store needs (jobs merge only with equal contexts). */
export interface WriterJob {
  path: string;
  items: unknown[];
  context: string | number | boolean | null;
}
export type WriterRequest =
  | (WriterJob & { id: number })
  /** Sent before a path's first job: where its store is (ordered before the job on the port). */
  | { load: { path: string; store: ThreadStoreModule } }
  | { close: true };
export type WriterReply =
  | {
      id: number;
      ok: true;
      outcomes: unknown[];
      /** On the first reply of each transaction: its path, size and duration (for /metrics). */
      committed?: { path: string; size: number; seconds: number };
    }
  | { id: number; ok: false; message: string; code: string | undefined };

type Job = WriterJob & { id: number };

if (parentPort) {
  const port = parentPort;
  const { file, maxBatch, maxSizeMb } = workerData as WriterData;
  const sqlite = openSqliteConnection(file, maxSizeMb);
  const stores = new Map<string, ThreadStore>();
  /** Why a path's store could not be loaded: its jobs fail with it. */
  const loadErrors = new Map<string, unknown>();
  /** Stores being imported: jobs wait (in order) until none is. */
  let loads = 0;
  const waiting: Job[] = [];
  let closing = false;

  const take = (request: WriterRequest) => {
    if ('close' in request) closing = true;
    else if ('load' in request) {
      const { path, store } = request.load;
      loads += 1;
      import(store.module)
        .then((module: Record<string, (sqlite: unknown) => ThreadStore>) => {
          const open = module[store.export];
          if (typeof open !== 'function') throw new Error(`${store.module} exports no ${store.export}.`);
          stores.set(path, open(sqlite));
        })
        .catch((error: unknown) => loadErrors.set(path, error))
        .finally(() => {
          loads -= 1;
          run();
        });
    } else waiting.push(request);
  };

  const answer = (
    job: Job,
    outcomes: unknown[],
    committed?: { path: string; size: number; seconds: number },
  ) =>
    port.postMessage({
      id: job.id,
      ok: true,
      outcomes,
      ...(committed ? { committed } : {}),
    } satisfies WriterReply);

  const refuse = (job: Job, error: unknown) => {
    const { message, code } = (error ?? {}) as { message?: string; code?: string };
    port.postMessage({
      id: job.id,
      ok: false,
      message: message ?? String(error),
      code,
    } satisfies WriterReply);
  };

  /** One transaction for jobs of one path and context: their items together, in order. */
  const commit = (jobs: Job[]): unknown[][] => {
    const first = jobs[0] as Job;
    const store = stores.get(first.path);
    if (!store) throw loadErrors.get(first.path) ?? new Error(`No store for the hot path "${first.path}".`);
    const started = performance.now();
    const outcomes = store(jobs.length === 1 ? first.items : jobs.flatMap((job) => job.items), first.context);
    const seconds = (performance.now() - started) / 1000;
    const perJob: unknown[][] = [];
    let at = 0;
    for (const job of jobs) {
      perJob.push(jobs.length === 1 ? outcomes : outcomes.slice(at, at + job.items.length));
      at += job.items.length;
    }
    lastCommit = { path: first.path, size: outcomes.length, seconds };
    return perJob;
  };
  let lastCommit: { path: string; size: number; seconds: number } | undefined;

  /** The merged jobs by the one rule (retry-then-split.ts): no retry here, a failed merge is split at once. */
  const write = (jobs: Job[]) =>
    commitOrSplit(
      jobs,
      commit,
      { attempts: 1, failsEveryJob: (error) => unavailableReason(error) !== null },
      {
        committed: (done, outcomes) => {
          for (const [i, job] of done.entries())
            answer(job, outcomes[i] as unknown[], i === 0 ? lastCommit : undefined);
        },
        failed: (failed, error) => {
          for (const job of failed) refuse(job, error);
        },
      },
    );

  /** The oldest waiting job, with the later ones of its path and context that fit beside it. */
  const nextGroup = (): Job[] => {
    const first = waiting.shift() as Job;
    const group = [first];
    let size = first.items.length;
    for (let i = 0; i < waiting.length && size < maxBatch; ) {
      const job = waiting[i] as Job;
      if (job.path === first.path && job.context === first.context && size + job.items.length <= maxBatch) {
        group.push(job);
        size += job.items.length;
        waiting.splice(i, 1);
      } else i += 1;
    }
    return group;
  };

  // Synchronous from here: messages that arrive meanwhile are read with receiveMessageOnPort.
  const run = () => {
    for (;;) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) take(m.message);
      // A store still loading: the jobs wait until it is ready (run again then).
      if (loads > 0) return;
      if (waiting.length === 0) break;
      write(nextGroup());
    }
    if (closing) {
      sqlite.close();
      port.close();
    }
  };

  port.on('message', (request: WriterRequest) => {
    take(request);
    run();
  });
}
