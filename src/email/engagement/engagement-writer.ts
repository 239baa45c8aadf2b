// The one ingest path for email engagement: every open, click and unsubscribe is a hit submitted here,
// answered only once its transaction is committed, and committed together with whatever hits arrived
// meanwhile (group commit). On a SQLite file the batches are committed by the writer thread that also
// commits tracking events (src/ingest/), so no commit or fsync runs on the event loop.
import { type IngestWriter, sqliteIngestWriter, THREAD_GROUP_COMMIT } from '../../ingest/writer-thread.ts';
import { observeCommit, waitingForCommit } from '../../metrics/metrics.ts';
import type { Storage } from '../../storage/database.ts';
import { GroupCommit } from '../../storage/group-commit.ts';
import { isUnavailable } from '../../storage/unavailable.ts';
import { reportingCommits } from '../../storage/write-health.ts';
import { commitHits } from './commit-hits.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';

export interface EngagementWriter {
  record(hit: EngagementHit): Promise<HitOutcome>;
  close(): Promise<void>;
}

/** Batches committed at once on PostgreSQL, as the tracking ingest does (the pool has 10 connections). */
const POSTGRES_WRITERS = 4;

export function createEngagementWriter(
  storage: Storage,
  options: { maxBatch: number; trackingDefault: boolean },
): EngagementWriter {
  const thread: IngestWriter | null = sqliteIngestWriter(storage, options.maxBatch);
  const writer = new GroupCommit<EngagementHit, HitOutcome>(
    // Each commit is reported to /healthz (storage/write-health.ts).
    reportingCommits(
      storage,
      thread
        ? (hits) => thread.commitHits(hits, options.trackingDefault)
        : (hits) => commitHits(storage, hits, options.trackingDefault),
    ),
    {
      maxBatch: options.maxBatch,
      failsEveryJob: isUnavailable,
      // The writer thread reports its own transactions (it merges the batches handed to it).
      ...(thread
        ? THREAD_GROUP_COMMIT
        : {
            concurrency: storage.engine === 'postgres' ? POSTGRES_WRITERS : 1,
            onCommit: (size, seconds) => observeCommit('engagement', size, seconds),
          }),
    },
  );
  const forgetWaiting = waitingForCommit.add({ stream: 'engagement', waiting: () => writer.waiting });
  return {
    record: (hit) => writer.submit(hit),
    close: async () => {
      await writer.close();
      forgetWaiting();
      await thread?.release();
    },
  };
}
