// Inside the SQLite writer thread: its own connection to the database file. Batches that arrived while a
// transaction was being written are merged into the next one (up to maxBatch events), so the thread
// never waits for the event loop to hand it work and every commit carries as many events as it can.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openSqliteConnection } from '../storage/database.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import { sqliteBatchWriter } from './sqlite-store.ts';

export interface WriterData {
  file: string;
  maxBatch: number;
}
export type WriterRequest = { id: number; events: TrackingEvent[] } | { close: true };
export type WriterReply =
  | { id: number; ok: true; outcomes: IngestOutcome[] }
  | { id: number; ok: false; message: string; code: string | undefined };

type Batch = { id: number; events: TrackingEvent[] };

if (parentPort) {
  const port = parentPort;
  const { file, maxBatch } = workerData as WriterData;
  const sqlite = openSqliteConnection(file);
  const commitBatch = sqliteBatchWriter(sqlite);
  const waiting: Batch[] = [];
  let closing = false;

  const take = (request: WriterRequest) => {
    if ('close' in request) closing = true;
    else waiting.push(request);
  };

  const reply = (batch: Batch, result: IngestOutcome[] | unknown, ok: boolean) => {
    if (ok) {
      port.postMessage({ id: batch.id, ok, outcomes: result as IngestOutcome[] } satisfies WriterReply);
      return;
    }
    const { message, code } = result as { message?: string; code?: string };
    port.postMessage({ id: batch.id, ok, message: message ?? String(result), code } satisfies WriterReply);
  };

  /** One transaction for the merged batches; if it fails, each batch alone, so only a faulty one fails. */
  const write = (batches: Batch[]) => {
    try {
      const outcomes = commitBatch(batches.flatMap((b) => b.events));
      let at = 0;
      for (const batch of batches) {
        reply(batch, outcomes.slice(at, at + batch.events.length), true);
        at += batch.events.length;
      }
    } catch (error) {
      if (batches.length === 1) reply(batches[0]!, error, false);
      else for (const batch of batches) write([batch]);
    }
  };

  // Synchronous from here: messages that arrive meanwhile are read with receiveMessageOnPort.
  const run = () => {
    for (;;) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) take(m.message);
      if (waiting.length === 0) break;
      const merged: Batch[] = [waiting.shift()!];
      let size = merged[0]!.events.length;
      while (waiting.length > 0 && size + waiting[0]!.events.length <= maxBatch) {
        const next = waiting.shift()!;
        size += next.events.length;
        merged.push(next);
      }
      write(merged);
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
