// The one ingest path for tracking events: every collect request goes through `ingest`, which answers
// only once the event is committed, sharing each commit with whatever else arrived meanwhile.

import type { Storage } from '../storage/database.ts';
import { GroupCommit } from '../storage/group-commit.ts';
import { planBatch } from './batch-plan.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import { loadBatchState, writePlan } from './store.ts';

export interface Ingestor {
  ingest(event: TrackingEvent): Promise<IngestOutcome>;
  close(): Promise<void>;
}

/** Batches committed at once on PostgreSQL (each on its own pooled connection; the pool has 10). */
const POSTGRES_WRITERS = 4;

export function createIngestor(storage: Storage, maxBatch: number): Ingestor {
  const writer = new GroupCommit<TrackingEvent, IngestOutcome>(
    (events) =>
      storage.db.transaction().execute(async (tx) => {
        const state = await loadBatchState(tx, storage.engine, events);
        const { plan, outcomes } = planBatch(events, state);
        await writePlan(tx, plan, Math.max(...events.map((e) => e.receivedAt)));
        return outcomes;
      }),
    maxBatch,
    storage.engine === 'postgres' ? POSTGRES_WRITERS : 1,
  );
  return { ingest: (event) => writer.submit(event), close: () => writer.close() };
}
