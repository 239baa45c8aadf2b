// Publishing a model version without stopping ingestion, and previewing a draft. Publishing marks the
// version `publishing` — from then on the feed consumer scores every new interaction under it too — and a
// job recomputes every contact from the feed's per-contact read, under the contact's lock; the ledger's
// unique key (version, item, rule) keeps an interaction the consumer already awarded from being awarded
// twice. When every contact is done, one transaction makes the version the published one and announces
// the score changes and new sales-ready contacts. Decision 036.
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { interactionsOfContact } from '../platform/interactions/read-contact.ts';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import { enqueueJob } from '../platform/jobs/store.ts';
import type { Storage } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import { scoreAt } from './award-rules.ts';
import {
  applyFit,
  awardItems,
  entryOf,
  parseSpec,
  planAwards,
  planFit,
  SCORING_SOURCE,
  type ScoringVersion,
  settleScore,
} from './score-contacts.ts';
import {
  addProgress,
  contactFields,
  contactIdsAfter,
  deleteScoresOfVersion,
  ledgerOf,
  lockContactScores,
  modelById,
  salesReadyOf,
  scoreRow,
  scoresOfVersion,
  updateModel,
  updateVersion,
  versionById,
} from './store.ts';
import { withVisitPages } from './visit-pages.ts';

export const PUBLISH_JOB = 'scoring:publish';
const BATCH = 100;

const scoredSources = (feed: InteractionRegistry): InteractionSource[] =>
  feed.all().filter((source) => source.name !== SCORING_SOURCE);

/** A contact's whole history, oldest first (the order a recompute awards in). */
export async function historyOf(
  db: Db,
  sources: readonly InteractionSource[],
  contactId: string,
): Promise<Interaction[]> {
  const items: Interaction[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await interactionsOfContact(db, sources, contactId, { limit: 500, cursor });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items.reverse();
}

/** Enqueues the recompute of a version just marked `publishing`. */
export async function enqueuePublish(db: Db, versionId: string, now: number): Promise<void> {
  await enqueueJob(db, { kind: PUBLISH_JOB, key: versionId, payload: { versionId } }, now);
}

/** Recomputes one contact under a version being published (nothing announced yet). */
async function recomputeContact(
  db: Db,
  sources: readonly InteractionSource[],
  scoring: ScoringVersion,
  contactId: string,
  now: number,
) {
  await db.transaction().execute(async (tx) => {
    await lockContactScores(tx, [contactId], scoring.version.model_id);
    const history = await withVisitPages(tx, await historyOf(tx, sources, contactId));
    const existing = await ledgerOf(tx, contactId, scoring.version.id);
    const awarded = await awardItems(tx, scoring, contactId, history, existing, now);
    const rows = await applyFit(tx, scoring, contactId, awarded, now);
    await settleScore(tx, scoring, contactId, rows, now, false);
  });
}

/** Makes a fully recomputed version the published one, announcing what changed for each contact. */
async function switchToVersion(db: Db, scoring: ScoringVersion, now: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const model = await modelById(tx, scoring.version.model_id);
    if (!model) return;
    const previousId = model.published_version_id;
    const moved = await updateVersion(
      tx,
      scoring.version.id,
      { state: 'published', published_at: now, updated_at: now },
      'publishing',
    );
    if (!moved) return;
    if (previousId) await updateVersion(tx, previousId, { state: 'retired', updated_at: now });
    await updateModel(tx, model.id, { published_version_id: scoring.version.id, updated_at: now });
    const published: ScoringVersion = {
      ...scoring,
      version: { ...scoring.version, state: 'published' },
      modelName: model.name,
    };
    let after: string | null = null;
    for (;;) {
      const scores = await scoresOfVersion(tx, scoring.version.id, after, 500);
      for (const score of scores) {
        await lockContactScores(tx, [score.contact_id], model.id);
        const before = previousId ? await scoreRow(tx, score.contact_id, previousId) : undefined;
        // The score row of the new version holds the recompute; announce relative to what was shown.
        await settleScore(
          tx,
          published,
          score.contact_id,
          await ledgerOf(tx, score.contact_id, scoring.version.id),
          now,
          true,
          before?.score ?? 0,
        );
      }
      if (scores.length < 500) break;
      after = scores.at(-1)?.contact_id ?? null;
    }
    if (previousId) await deleteScoresOfVersion(tx, previousId);
  });
}

export function publishJobKind(
  storage: Storage,
  feed: InteractionRegistry,
  clock: () => number = Date.now,
): JobKind {
  return {
    kind: PUBLISH_JOB,
    concurrency: 1,
    async run(job) {
      const { versionId } = job.payload as { versionId: string };
      const version = await versionById(storage.db, versionId);
      if (version?.state !== 'publishing') return undefined;
      const model = await modelById(storage.db, version.model_id);
      const scoring: ScoringVersion = {
        version,
        spec: parseSpec(version.spec),
        modelName: model?.name ?? '',
      };
      const sources = scoredSources(feed);
      let after = version.progress_after;
      for (;;) {
        const ids = await contactIdsAfter(storage.db, after, BATCH);
        for (const id of ids) await recomputeContact(storage.db, sources, scoring, id, clock());
        if (ids.length > 0) {
          after = ids.at(-1) ?? after;
          await addProgress(storage.db, versionId, ids.length, after as string, clock());
        }
        if (ids.length < BATCH) break;
        // Stopping (or the lease lost): the next run resumes after the last contact done.
        if (job.signal.aborted) return { runAt: clock() };
      }
      await switchToVersion(storage.db, scoring, clock());
      return undefined;
    },
  };
}

export interface PreviewCounts {
  contacts: number;
  /** Contacts whose score under the draft differs from their score now. */
  changed: number;
  /** Contacts not sales-ready now whose draft score reaches the draft's threshold. */
  becomeSalesReady: number;
}

/** What publishing a draft would do, computed in memory from every contact's history (nothing written). */
export async function previewVersion(
  db: Db,
  feed: InteractionRegistry,
  draft: ScoringVersion,
  publishedVersionId: string | null,
  now: number,
): Promise<PreviewCounts> {
  const sources = scoredSources(feed);
  const counts: PreviewCounts = { contacts: 0, changed: 0, becomeSalesReady: 0 };
  let after: string | null = null;
  for (;;) {
    const ids = await contactIdsAfter(db, after, 500);
    for (const id of ids) {
      const history = await withVisitPages(db, await historyOf(db, sources, id));
      const { ledger } = planAwards(draft, id, history, [], now);
      ledger.push(...planFit(draft, id, (await contactFields(db, id)) ?? {}, now));
      const score = scoreAt(draft.spec.decay, ledger.map(entryOf), now);
      const current = publishedVersionId ? ((await scoreRow(db, id, publishedVersionId))?.score ?? 0) : 0;
      counts.contacts += 1;
      if (score !== current) counts.changed += 1;
      const threshold = draft.spec.salesReadyThreshold;
      if (threshold !== null && score >= threshold && !(await salesReadyOf(db, id, draft.version.model_id)))
        counts.becomeSalesReady += 1;
    }
    if (ids.length < 500) return counts;
    after = ids.at(-1) ?? null;
  }
}
