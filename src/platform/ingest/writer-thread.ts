// The SQLite writer thread, seen from the event loop. On a SQLite file, one worker_thread per storage
// handle owns a second connection to the file and commits the batches of every hot path opened on that
// handle (hot-path.ts); each batch is answered with its outcomes once its transaction is committed. Each
// open path holds the thread; it stops when the last of them releases it.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { moduleWorker } from '../../lib/module-worker.ts';
import type { Storage } from '../../storage/database.ts';
import { observeCommit, sqliteWriterBacklog } from '../metrics/metrics.ts';
import type { BatchContext, ThreadStoreModule } from './thread-store.ts';
import type { WriterData, WriterJob, WriterReply, WriterRequest } from './writer-thread-main.ts';

export interface ThreadWriter {
  /** Hands one batch of a path to the thread (its store is loaded there before its first batch). */
  commit(path: string, store: ThreadStoreModule, items: unknown[], context: BatchContext): Promise<unknown[]>;
  /** This holder is done: once every holder is, the thread finishes its batches and closes its connection. */
  release(): Promise<void>;
}

interface Thread {
  run(job: WriterJob, store: ThreadStoreModule): Promise<unknown[]>;
  close(): Promise<void>;
}

/**
 * How often the checkpoint thread copies committed WAL frames into the database file. A longer interval
 * copies fewer pages (a page many commits rewrite is copied once per checkpoint: under collect load
 * 1.3–1.5 copies per request at 20 ms, 0.6–0.75 at 100 ms), but each checkpoint then writes more at
 * once and the writer's fsyncs queue behind it: click p99 at 64 connections rose from 21–30 ms to
 * 25–39 ms at 100 ms and 26–36 ms at 50 ms, for no throughput that held up (decision 006).
 */
const CHECKPOINT_INTERVAL_MS = 20;

/**
 * How the event loop hands work to the thread (GroupCommit options), the same for every hot path:
 * - up to 16 batches out at once (the thread merges those that wait; this only bounds the queue);
 * - 16 waiting jobs are handed over without waiting for the end of the loop's turn, so the thread
 *   commits while the loop parses the rest (decision 005: ~+10 % req/s at 64 connections).
 */
export const THREAD_GROUP_COMMIT = { concurrency: 16, handOverAt: 16 } as const;

/** One thread per storage handle (so per SQLite file in a running server), with how many hold it. */
const threads = new WeakMap<Storage, { thread: Thread; holders: number }>();

/**
 * The writer thread of this storage, started on first use; null where commits stay in process:
 * PostgreSQL (no thread blocks on it) and `:memory:` SQLite (one connection only).
 */
export function threadWriter(storage: Storage, maxBatch: number): ThreadWriter | null {
  const file = storage.engine === 'sqlite' ? storage.sqliteFile : undefined;
  if (!file) return null;
  let shared = threads.get(storage);
  if (!shared) {
    shared = { thread: startThread({ file, maxBatch, maxSizeMb: storage.sqliteMaxSizeMb ?? 0 }), holders: 0 };
    threads.set(storage, shared);
  }
  shared.holders += 1;
  const { thread } = shared;
  let released = false;
  return {
    commit: (path, store, items, context) => thread.run({ path, items, context }, store),
    async release() {
      if (released) return;
      released = true;
      const current = threads.get(storage);
      if (current?.thread !== thread || --current.holders > 0) return;
      threads.delete(storage);
      await thread.close();
    },
  };
}

function startThread(data: WriterData): Thread {
  const pending = new Map<number, { resolve: (o: unknown[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let worker: Worker | null = null;
  let checkpointer: { stop(): Promise<void> } | null = null;
  const forgetBacklog = sqliteWriterBacklog.add(() => pending.size);
  /** The paths whose store the current worker was told of (a new worker is told again). */
  let told = new Set<string>();

  const spawn = (): Worker => {
    const w = moduleWorker(import.meta.url, 'writer-thread-main', data);
    told = new Set();
    w.unref();
    checkpointer ??= startCheckpointThread(data.file);
    w.on('message', (reply: WriterReply) => {
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.ok && reply.committed)
        observeCommit(reply.committed.path, reply.committed.size, reply.committed.seconds);
      if (reply.ok) waiter.resolve(reply.outcomes);
      else waiter.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    const fail = (error: Error) => {
      if (worker === w) worker = null;
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`The SQLite writer thread stopped (exit code ${code}).`)));
    return w;
  };

  return {
    run(job, store) {
      worker ??= spawn();
      const w = worker;
      if (!told.has(job.path)) {
        told.add(job.path);
        w.postMessage({ load: { path: job.path, store } } satisfies WriterRequest);
      }
      const id = nextId++;
      return new Promise<unknown[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Referenced while a batch is out, so the process waits for its commit.
        w.ref();
        w.postMessage({ id, path: job.path, items: job.items, context: job.context } satisfies WriterRequest);
      });
    },
    async close() {
      forgetBacklog();
      await checkpointer?.stop();
      checkpointer = null;
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.ref();
      w.postMessage({ close: true } satisfies WriterRequest);
      await exited;
    },
  };
}

/**
 * The checkpoint thread: its own connection to the file, copying committed WAL frames into the
 * database every few milliseconds with a PASSIVE checkpoint, which never blocks the writer. Left to the
 * writer, a checkpoint (thousands of pages copied, then an fsync of the database file) stalled every
 * hit waiting behind it; now the writer's own automatic checkpoint finds little left to copy before
 * the WAL restarts. Plain JavaScript: it needs neither tsx nor any of Spoor's modules to start.
 */
const CHECKPOINT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const sqlite = new (require(workerData.driver))(workerData.file);
sqlite.pragma('busy_timeout = 5000');
sqlite.pragma('synchronous = FULL');
const timer = setInterval(() => {
  try { sqlite.pragma('wal_checkpoint(PASSIVE)'); } catch {} // busy: the next tick tries again
}, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); sqlite.close(); parentPort.close(); });
`;

function startCheckpointThread(file: string): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINT_THREAD, {
    eval: true,
    workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // Only a help: without it the writer checkpoints by itself (wal_autocheckpoint), as before.
  worker.on('error', () => {});
  return {
    async stop() {
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
