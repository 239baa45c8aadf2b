// Tracking's hot path: page views and engaged time, planned together per batch (batch-plan.ts) and stored
// by the one batch store (batch-store.ts), through the one ingest front door (platform/ingest). Every collect request goes
// through `ingest`, answered only once its event is committed, sharing each commit with whatever else
// arrived meanwhile.
import { type HotPath, moduleBeside, openHotPath } from '../platform/ingest/hot-path.ts';
import type { Storage } from '../storage/database.ts';
import { commitBatch } from './batch-store.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';

export interface Ingestor {
  ingest(event: TrackingEvent): Promise<IngestOutcome>;
  close(): Promise<void>;
}

export const TRACKING_PATH: HotPath<TrackingEvent, IngestOutcome, null> = {
  name: 'tracking',
  kinds: ['pageview', 'engagement'],
  commit: (storage, events) => commitBatch(storage, events),
  // The same store, run by the writer thread on its connection.
  threadStore: { module: moduleBeside(import.meta.url, 'batch-store'), export: 'threadBatchStore' },
};

export function createIngestor(storage: Storage, maxBatch: number): Ingestor {
  const path = openHotPath(storage, TRACKING_PATH, { maxBatch, context: null });
  return { ingest: (event) => path.submit(event), close: () => path.close() };
}
