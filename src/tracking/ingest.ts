// Tracking's hot path: page views and engaged time, planned together per batch (batch-plan.ts) and stored
// by the tracking store, through the one ingest front door (platform/ingest). Every collect request goes
// through `ingest`, answered only once its event is committed, sharing each commit with whatever else
// arrived meanwhile.
import { type HotPath, moduleBeside, openHotPath } from '../platform/ingest/hot-path.ts';
import type { Storage } from '../storage/database.ts';
import { planBatch } from './batch-plan.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import { loadBatchState, writePlan } from './store.ts';

export interface Ingestor {
  ingest(event: TrackingEvent): Promise<IngestOutcome>;
  close(): Promise<void>;
}

/** One batch of events, one transaction: load what the events need, decide, write (in process). */
export function commitBatch(storage: Storage, events: TrackingEvent[]): Promise<IngestOutcome[]> {
  return storage.db.transaction().execute(async (tx) => {
    const state = await loadBatchState(tx, storage.engine, events);
    const { plan, outcomes } = planBatch(events, state);
    await writePlan(tx, plan, Math.max(...events.map((e) => e.receivedAt)));
    return outcomes;
  });
}

export const TRACKING_PATH: HotPath<TrackingEvent, IngestOutcome, null> = {
  name: 'tracking',
  kinds: ['pageview', 'engagement'],
  commit: (storage, events) => commitBatch(storage, events),
  // The same plan, as statements prepared once on the writer thread's connection.
  threadStore: { module: moduleBeside(import.meta.url, 'sqlite-store'), export: 'sqliteBatchWriter' },
};

export function createIngestor(storage: Storage, maxBatch: number): Ingestor {
  const path = openHotPath(storage, TRACKING_PATH, { maxBatch, context: null });
  return { ingest: (event) => path.submit(event), close: () => path.close() };
}
