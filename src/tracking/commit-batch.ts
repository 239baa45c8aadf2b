// One batch of tracking events, one transaction: load what the events need, decide, write; the
// outcomes are returned once the transaction is committed.
import type { Storage } from '../storage/database.ts';
import { planBatch } from './batch-plan.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import { loadBatchState, writePlan } from './store.ts';

export function commitBatch(storage: Storage, events: TrackingEvent[]): Promise<IngestOutcome[]> {
  return storage.db.transaction().execute(async (tx) => {
    const state = await loadBatchState(tx, storage.engine, events);
    const { plan, outcomes } = planBatch(events, state);
    await writePlan(tx, plan, Math.max(...events.map((e) => e.receivedAt)));
    return outcomes;
  });
}
