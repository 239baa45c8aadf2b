// The SQLite reader thread, seen from the event loop: a worker_thread with its own read-only connection to
// the database file, which runs the queries of `storage.reads` (reader-dialect.ts) one after another and
// answers each with its rows, so a dashboard query that reads for 50 ms no longer holds every tracking
// request behind it (decision 048). WAL lets it read while the writer thread commits. Started on its
// first query; if it dies, the queries it held fail with a clear error (a 503: storage/unavailable.ts) and
// the next query starts a new one.
import type { Worker } from 'node:worker_threads';
import { moduleWorker } from '../lib/module-worker.ts';

/**
 * The reader's page cache, KiB. Not the main connection's 64 MiB: SQLite empties a connection's cache when
 * it begins a read and finds that another connection has committed since its last one (pager.c,
 * pagerBeginReadTransaction), and under ingest the writer thread commits every few milliseconds, so the
 * reader's cache only ever holds the pages of the query it is running. 8 MiB holds a dashboard query's
 * index interior pages and the leaves it scans (a 30-day report sums ~60,000 rollup index rows, ~5 MiB at
 * 10 M page views a month); a larger cache would only hold more memory (RSS) during a large scan, whose
 * leaves are read once anyway, from the OS's file cache.
 */
export const READER_CACHE_KIB = 8 * 1024;

/** Why a statement is refused: `storage.reads` only reads; writes and transactions go through `storage.db`. */
export const READS_ONLY =
  'storage.reads runs queries that only read (no writes, no transactions): use storage.db for this.';

export interface ReaderData {
  file: string;
  cacheKib: number;
}
export type ReaderRequest = { id: number; sql: string; parameters: readonly unknown[] } | { close: true };
export type Row = Record<string, unknown>;
export type ReaderReply =
  /** `blobs`: some value is a BLOB (cloning made it a Uint8Array; it is made a Buffer again here). */
  | { id: number; ok: true; rows: Row[]; blobs: boolean }
  | { id: number; ok: false; message: string; code: string | undefined };

export interface ReaderThread {
  /** Runs one query in the thread; resolves with its rows, rejects with its error. */
  query(sql: string, parameters: readonly unknown[]): Promise<Row[]>;
  /** Answers the queries already sent, then ends the thread and closes its connection. */
  close(): Promise<void>;
}

export interface ReaderThreadOptions {
  cacheKib?: number;
  /** Told of each worker started (tests stop one to see what a query in flight gets). */
  onStart?: (worker: Worker) => void;
}

/** One worker, with the queries it holds (a worker that died fails its own queries, none of the next's). */
interface Running {
  worker: Worker;
  pending: Map<number, { resolve: (rows: Row[]) => void; reject: (error: Error) => void }>;
}

export function startReaderThread(file: string, options: ReaderThreadOptions = {}): ReaderThread {
  const data: ReaderData = { file, cacheKib: options.cacheKib ?? READER_CACHE_KIB };
  let running: Running | null = null;
  let closed = false;
  let nextId = 0;

  const spawn = (): Running => {
    const worker = moduleWorker(import.meta.url, 'reader-thread-main', data);
    const started: Running = { worker, pending: new Map() };
    // Referenced only while a query is out: an idle reader never keeps the process alive.
    worker.unref();
    worker.on('message', (reply: ReaderReply) => {
      const waiter = started.pending.get(reply.id);
      if (!waiter) return;
      started.pending.delete(reply.id);
      if (started.pending.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply.blobs ? reply.rows.map(withBuffers) : reply.rows);
      else waiter.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    const fail = (reason: string) => {
      if (running === started) running = null;
      const error = new Error(`The SQLite reader thread stopped (${reason}).`);
      for (const waiter of started.pending.values()) waiter.reject(error);
      started.pending.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    options.onStart?.(worker);
    return started;
  };

  return {
    query(sql, parameters) {
      if (closed) return Promise.reject(new Error('The SQLite reader is closed.'));
      running ??= spawn();
      const { worker, pending } = running;
      const id = nextId++;
      return new Promise<Row[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, sql, parameters } satisfies ReaderRequest);
      });
    },
    async close() {
      closed = true;
      const current = running;
      running = null;
      if (!current) return;
      const exited = new Promise<void>((resolve) => current.worker.once('exit', () => resolve()));
      current.worker.ref();
      current.worker.postMessage({ close: true } satisfies ReaderRequest);
      await exited;
    },
  };
}

/** A row whose BLOB values are Buffers again, as better-sqlite3 gives them on this thread. */
function withBuffers(row: Row): Row {
  for (const [key, value] of Object.entries(row))
    if (value instanceof Uint8Array && !Buffer.isBuffer(value))
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return row;
}
