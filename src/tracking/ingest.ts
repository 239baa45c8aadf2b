// The one ingest path for tracking events: every collect request goes through `ingest`, which answers
// only once the event is committed, sharing each commit with whatever else arrived meanwhile.

import { sqliteIngestWriter, THREAD_GROUP_COMMIT } from '../ingest/writer-thread.ts';
import { observeCommit, waitingForCommit } from '../metrics/metrics.ts';
import type { Storage } from '../storage/database.ts';
import { GroupCommit } from '../storage/group-commit.ts';
import { isUnavailable } from '../storage/unavailable.ts';
import { reportingCommits } from '../storage/write-health.ts';
import { commitBatch } from './commit-batch.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';

export interface Ingestor {
  ingest(event: TrackingEvent): Promise<IngestOutcome>;
  close(): Promise<void>;
}

/** Batches committed at once on PostgreSQL (each on its own pooled connection; the pool has 10). */
const POSTGRES_WRITERS = 4;

export function createIngestor(storage: Storage, maxBatch: number): Ingestor {
  // A SQLite commit (and its fsync) blocks the thread that makes it, so a SQLite file is written by the
  // writer thread (src/ingest/), shared with the email engagement writer, and the event loop keeps
  // serving requests meanwhile. Batches are handed over as they form; the thread merges those that wait.
  const thread = sqliteIngestWriter(storage, maxBatch);
  const writer = new GroupCommit<TrackingEvent, IngestOutcome>(
    // Each commit is reported to /healthz (storage/write-health.ts).
    reportingCommits(
      storage,
      thread ? (events) => thread.commitEvents(events) : (events) => commitBatch(storage, events),
    ),
    {
      maxBatch,
      failsEveryJob: isUnavailable,
      // The writer thread reports its own transactions (it merges the batches handed to it).
      ...(thread
        ? THREAD_GROUP_COMMIT
        : {
            concurrency: storage.engine === 'postgres' ? POSTGRES_WRITERS : 1,
            onCommit: (size, seconds) => observeCommit('tracking', size, seconds),
          }),
    },
  );
  const forgetWaiting = waitingForCommit.add({ stream: 'tracking', waiting: () => writer.waiting });
  return {
    ingest: (event) => writer.submit(event),
    close: async () => {
      await writer.close();
      forgetWaiting();
      await thread?.release();
    },
  };
}
