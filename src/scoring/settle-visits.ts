// Settling ended visits. The live pass scores a visit when it becomes a contact's feed item, with the
// pages and engaged time it has then (a visit that starts identified: its entry page, ~0 s). Once the
// visit has ended — no activity for its website's visit timeout, the rule tracking starts a new visit by
// — this job scores it again under every active version with all its pages and its total engaged time,
// awarding what the live pass could not; the ledger's unique key (version, source, item, rule) keeps what
// was awarded already from being awarded twice. Per website, a mark (started_at, id) says every human
// visit up to it has ended and been settled; it moves in the transaction that writes the awards, so a
// crash or restart settles nothing twice and loses nothing. Decision 036.
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import { humanVisitsAfter } from '../tracking/store.ts';
import { visitInteractions } from '../tracking/visit-interactions.ts';
import { visitEnded } from '../tracking/visit-rules.ts';
import { listWebsites } from '../websites/store.ts';
import { type Clock, scoreItems } from './score-feed.ts';
import { saveVisitMark, type VisitMark, visitMarkOf } from './store.ts';

export const SETTLE_VISITS_JOB = 'scoring:settle-visits';
export const SETTLE_VISITS_EVERY_MS = 60_000;
const BATCH = 500;

/**
 * Settles one batch of a website's visits after its mark: the ended ones in start order, up to the first
 * still going (later visits wait for it, so the mark never passes a visit that can still grow). Answers
 * how many visits it passed and whether there may be more.
 */
async function settleBatch(db: Db, websiteId: string, timeoutMinutes: number, now: number) {
  return db.transaction().execute(async (tx) => {
    const mark = await visitMarkOf(tx, websiteId);
    const visits = await humanVisitsAfter(tx, websiteId, mark, BATCH);
    const ended: typeof visits = [];
    for (const visit of visits) {
      if (!visitEnded(visit.lastSeenAt, now, timeoutMinutes)) break;
      ended.push(visit);
    }
    const last = ended.at(-1);
    if (!last) return { passed: 0, more: false };
    // Only known contacts' visits are scored (anonymous ones score when they become a contact's item).
    const known = ended.filter((visit) => visit.contactId !== null).map((visit) => visit.id);
    if (known.length > 0) await scoreItems(tx, await visitInteractions.byIds(tx, known), now);
    const next: VisitMark = { startedAt: last.startedAt, id: last.id };
    await saveVisitMark(tx, websiteId, next, now);
    return { passed: ended.length, more: ended.length === visits.length && visits.length === BATCH };
  });
}

/** Settles every visit that has ended since each website's mark. Answers how many visits it passed. */
export async function settleEndedVisits(db: Db, now: number, signal?: AbortSignal): Promise<number> {
  let passed = 0;
  for (const website of await listWebsites(db)) {
    for (;;) {
      const batch = await settleBatch(db, website.id, website.visitTimeoutMinutes, now);
      passed += batch.passed;
      if (!batch.more || signal?.aborted) break;
    }
    if (signal?.aborted) break;
  }
  return passed;
}

export function settleVisitsJobKind(storage: Storage, clock: Clock = Date.now): JobKind {
  return {
    kind: SETTLE_VISITS_JOB,
    everyMs: SETTLE_VISITS_EVERY_MS,
    concurrency: 1,
    async run(job) {
      await settleEndedVisits(storage.db, clock(), job.signal);
      return undefined;
    },
  };
}
