// Email engagement's hot path: opens, clicks and unsubscribes are hits, classified together per batch
// (engagement-plan.ts) and stored by the engagement store, through the one ingest front door
// (platform/ingest). Every hit is answered only once its transaction is committed, sharing each commit
// with whatever hits arrived meanwhile.
import { type HotPath, moduleBeside, openHotPath } from '../../platform/ingest/hot-path.ts';
import type { Storage } from '../../storage/database.ts';
import { commitHits } from './batch-store.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';

export interface EngagementWriter {
  record(hit: EngagementHit): Promise<HitOutcome>;
  close(): Promise<void>;
}

/** The batch's context is the install's tracking default (a contact without a choice of their own). */
export const ENGAGEMENT_PATH: HotPath<EngagementHit, HitOutcome, boolean> = {
  name: 'engagement',
  kinds: ['open', 'click', 'unsubscribe'],
  commit: (storage, hits, trackingDefault) => commitHits(storage, hits, trackingDefault),
  // The same store, run by the writer thread on its own connection.
  threadStore: { module: moduleBeside(import.meta.url, 'batch-store'), export: 'openThreadStore' },
};

export function createEngagementWriter(
  storage: Storage,
  options: { maxBatch: number; trackingDefault: boolean },
): EngagementWriter {
  const path = openHotPath(storage, ENGAGEMENT_PATH, {
    maxBatch: options.maxBatch,
    context: options.trackingDefault,
  });
  return { record: (hit) => path.submit(hit), close: () => path.close() };
}
