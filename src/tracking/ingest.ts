// The one ingest path for tracking events: every collect request goes through `ingest`, which answers
// only once the event is committed, sharing each commit with whatever else arrived meanwhile.

import type { Storage } from '../storage/database.ts';
import { GroupCommit } from '../storage/group-commit.ts';
import { commitBatch } from './commit-batch.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import { startWriterThread } from './writer-thread.ts';

export interface Ingestor {
  ingest(event: TrackingEvent): Promise<IngestOutcome>;
  close(): Promise<void>;
}

/** Batches committed at once on PostgreSQL (each on its own pooled connection; the pool has 10). */
const POSTGRES_WRITERS = 4;
/** Batches handed to the SQLite writer thread at once (it merges them; this only bounds the queue). */
const THREAD_HANDOVERS = 16;

export function createIngestor(storage: Storage, maxBatch: number): Ingestor {
  // A SQLite commit (and its fsync) blocks the thread that makes it, so a SQLite file is written from a
  // thread of its own and the event loop keeps serving requests meanwhile; the same commitBatch runs there.
  // Batches are handed over as they form; the thread merges those that wait into one transaction.
  const file = storage.engine === 'sqlite' ? storage.sqliteFile : undefined;
  const thread = file ? startWriterThread({ file, maxBatch }) : null;
  const writer = new GroupCommit<TrackingEvent, IngestOutcome>(
    thread ? (events) => thread.commit(events) : (events) => commitBatch(storage, events),
    maxBatch,
    thread ? THREAD_HANDOVERS : storage.engine === 'postgres' ? POSTGRES_WRITERS : 1,
  );
  return {
    ingest: (event) => writer.submit(event),
    close: async () => {
      await writer.close();
      await thread?.close();
    },
  };
}
