// The SQLite writer thread, seen from the event loop: batches go to a worker_thread that owns its own
// connection to the same file and answers with the outcomes once the batch's transaction is committed.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import type { WriterData, WriterReply, WriterRequest } from './writer-thread-main.ts';

export interface WriterThread {
  commit(events: TrackingEvent[]): Promise<IngestOutcome[]>;
  /** Lets the batches in progress finish, then stops the thread and closes its connection. */
  close(): Promise<void>;
}

const ENTRY = new URL('./writer-thread-main.ts', import.meta.url).href;

/**
 * The thread runs TypeScript as this process does: it registers tsx's loader, then imports its entry
 * (a loader given to this process with --import does not reach worker threads on Node 20).
 */
function bootstrap(): string {
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as {
    exports: { './esm/api': { import: { default: string } } };
  };
  const api = new URL(
    manifest.exports['./esm/api'].import.default,
    pathToFileURL(require.resolve('tsx/package.json')),
  );
  return `import(${JSON.stringify(api.href)}).then(({ register }) => { register(); return import(${JSON.stringify(ENTRY)}); });`;
}

export function startWriterThread(data: WriterData): WriterThread {
  const pending = new Map<number, { resolve: (o: IngestOutcome[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let worker: Worker | null = null;

  const spawn = (): Worker => {
    const w = new Worker(bootstrap(), { eval: true, workerData: data });
    w.unref();
    w.on('message', (reply: WriterReply) => {
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.ok) waiter.resolve(reply.outcomes);
      else waiter.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    const fail = (error: Error) => {
      if (worker === w) worker = null;
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`The event writer thread stopped (exit code ${code}).`)));
    return w;
  };

  return {
    commit(events) {
      worker ??= spawn();
      const w = worker;
      const id = nextId++;
      return new Promise<IngestOutcome[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Referenced while a batch is out, so the process waits for its commit.
        w.ref();
        w.postMessage({ id, events } satisfies WriterRequest);
      });
    },
    async close() {
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
