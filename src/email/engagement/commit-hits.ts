// One batch of email hits, one transaction: load what the hits need, classify (engagement-plan.ts),
// write, identify browsers; the outcomes are returned once the transaction is committed. Runs in the
// process: PostgreSQL and SQLite :memory: (on a SQLite file the writer thread runs sqlite-store.ts).

import { linkBrowserStatements } from '../../identity/store.ts';
import { isWellFormedId, newId } from '../../lib/ids.ts';
import { unsubscribeStatements } from '../../lists/store.ts';
import type { Storage } from '../../storage/database.ts';
import { runOnDb } from '../../storage/statements.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';
import { planEngagement } from './engagement-plan.ts';
import { applyWrites, insertIdentifiedVisitors, loadPlanState, lockRecipients } from './store.ts';

export async function commitHits(
  storage: Storage,
  hits: EngagementHit[],
  trackingDefault: boolean,
): Promise<HitOutcome[]> {
  return storage.db.transaction().execute(async (tx) => {
    await lockRecipients(
      tx,
      storage.engine,
      hits.map((hit) => hit.recipientKey),
    );
    const state = await loadPlanState(tx, storage.engine, hits, trackingDefault);
    const { writes, outcomes } = planEngagement(hits, state);
    await applyWrites(tx, writes);
    // Browsers without a visitor id yet (most email clicks) get new visitors, already the contact's:
    // one insert for the batch. Browsers that have one are resolved and linked one by one.
    const fresh: { id: string; contactId: string; at: number }[] = [];
    for (const request of writes.identify) {
      const outcome = outcomes[request.hitIndex] as HitOutcome;
      if (isWellFormedId(request.visitorCookie)) {
        outcome.visitorId = await runOnDb(
          tx,
          linkBrowserStatements(request.visitorCookie, request.contactId, request.at),
        );
      } else {
        outcome.visitorId = newId();
        fresh.push({ id: outcome.visitorId, contactId: request.contactId, at: request.at });
      }
    }
    await insertIdentifiedVisitors(tx, fresh);
    for (const request of writes.unsubscribes) {
      const outcome = outcomes[request.hitIndex] as HitOutcome;
      outcome.unsubscribed = await runOnDb(
        tx,
        unsubscribeStatements(request.contactId, request.listIds, {
          sendId: request.sendId,
          now: request.at,
        }),
      );
    }
    return outcomes;
  });
}
