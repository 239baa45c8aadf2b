// Scores follow interactions: a feed consumer reads every contact's interactions in commit order (from the
// first one ever, so a model published later still has the history) and awards them under every published
// model version and any being published, in the transaction that moves its cursor — each interaction is
// scored exactly once. A second repeating job applies decay on time. Decision 036.
import { CONTACT_CHANGE_SOURCE, existingContactIds } from '../contacts/store.ts';
import type { FeedConsumer } from '../platform/interactions/feed-consumer.ts';
import { consumeFeed, feedConsumerJobKind } from '../platform/interactions/feed-consumer.ts';
import type { Interaction } from '../platform/interactions/interaction.ts';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import { changeMovesFit, fitFieldsOf } from './award-rules.ts';
import {
  applyFit,
  parseSpec,
  planAwards,
  SCORING_SOURCE,
  type ScoringVersion,
  settleScore,
} from './score-contacts.ts';
import {
  contactsState,
  dueScores,
  insertLedgerRows,
  type LedgerRow,
  ledgerOf,
  lockContactScores,
  scoringVersions,
  versionById,
} from './store.ts';
import { withVisitPages } from './visit-pages.ts';

export const SCORING_CONSUMER = 'scoring';

export type Clock = () => number;

/** The versions scored now: published ones, and any being published (so publishing loses nothing). */
export async function activeVersions(db: Db): Promise<ScoringVersion[]> {
  return (await scoringVersions(db)).map((version) => ({
    version,
    spec: parseSpec(version.spec),
    modelName: version.model_name,
  }));
}

/** Scores one page of the feed under every active version; one score_changed per contact × model at most. */
export async function scoreItems(tx: Db, page: readonly Interaction[], now: number): Promise<void> {
  const versions = await activeVersions(tx);
  if (versions.length === 0 || page.length === 0) return;
  const items = await withVisitPages(tx, page);
  const byContact = new Map<string, Interaction[]>();
  const changes: Interaction[] = [];
  for (const item of items) {
    // A contact change is no interaction to award: it may only move the contact's fit (below).
    if (item.source === CONTACT_CHANGE_SOURCE) {
      changes.push(item);
      continue;
    }
    const list = byContact.get(item.contactId) ?? [];
    list.push(item);
    byContact.set(item.contactId, list);
  }
  const refits = await contactsToRefit(tx, versions, changes);
  const lockedModels = new Set<string>();
  for (const scoring of versions) {
    const contactIds = [...new Set([...byContact.keys(), ...(refits.get(scoring.version.id) ?? [])])].sort();
    if (contactIds.length === 0) continue;
    if (!lockedModels.has(scoring.version.model_id)) {
      await lockContactScores(tx, contactIds, scoring.version.model_id);
      lockedModels.add(scoring.version.model_id);
    }
    // One read of the page's contacts' ledgers, scores and status, one write of the new awards.
    const state = await contactsState(tx, contactIds, scoring.version.id, scoring.version.model_id);
    const ledgers = new Map<string, LedgerRow[]>();
    const fresh: LedgerRow[] = [];
    for (const contactId of contactIds) {
      const planned = planAwards(
        scoring,
        contactId,
        byContact.get(contactId) ?? [],
        state.ledgers.get(contactId) ?? [],
        now,
      );
      ledgers.set(contactId, planned.ledger);
      fresh.push(...planned.fresh);
    }
    for (let i = 0; i < fresh.length; i += 500) await insertLedgerRows(tx, fresh.slice(i, i + 500));
    for (const contactId of contactIds) {
      const rows = await applyFit(tx, scoring, contactId, ledgers.get(contactId) ?? [], now);
      await settleScore(tx, scoring, contactId, rows, now, scoring.version.state === 'published', undefined, {
        before: state.scores.get(contactId),
        salesReady: state.salesReady.has(contactId),
      });
    }
  }
}

/**
 * Per version, the contacts whose fit a page's contact changes may have moved: created ones, and updated
 * ones whose changed fields the version's fit rules read, that still exist. Cheap: a change of a field no
 * fit rule reads costs nothing, and the contacts left are checked in one query.
 */
async function contactsToRefit(
  tx: Db,
  versions: readonly ScoringVersion[],
  changes: readonly Interaction[],
): Promise<Map<string, Set<string>>> {
  const refits = new Map<string, Set<string>>();
  if (changes.length === 0) return refits;
  for (const scoring of versions) {
    const fields = fitFieldsOf(scoring.spec);
    const ids = new Set<string>();
    for (const change of changes)
      if (changeMovesFit(change.kind, change.attributes['fields'], fields)) ids.add(change.contactId);
    if (ids.size > 0) refits.set(scoring.version.id, ids);
  }
  if (refits.size === 0) return refits;
  const existing = await existingContactIds(tx, [
    ...new Set([...refits.values()].flatMap((ids) => [...ids])),
  ]);
  for (const ids of refits.values()) for (const id of ids) if (!existing.has(id)) ids.delete(id);
  return refits;
}

/** The consumer: every source but scoring's own. */
export function scoringConsumer(feed: InteractionRegistry, clock: Clock = Date.now): FeedConsumer {
  return {
    name: SCORING_CONSUMER,
    startAt: 'beginning',
    sources: feed
      .all()
      .map((source) => source.name)
      .filter((name) => name !== SCORING_SOURCE),
    handle: (tx, items) => scoreItems(tx, items, clock()),
  };
}

export function scoringFeedJobKind(storage: Storage, feed: InteractionRegistry, everyMs: number): JobKind {
  return feedConsumerJobKind(storage, feed, scoringConsumer(feed), { everyMs });
}

/** Runs the consumer until it has caught up (tests, and the CLI). */
export function scoreFeedNow(db: Db, feed: InteractionRegistry, clock: Clock = Date.now): Promise<number> {
  return consumeFeed(db, feed, scoringConsumer(feed, clock));
}

/** Recomputes every score whose decay is due (an award expired; half-life time passed). Answers how many. */
export async function applyDecay(db: Db, now: number, batch = 200): Promise<number> {
  let done = 0;
  for (;;) {
    const due = await dueScores(db, now, batch);
    if (due.length === 0) return done;
    const versions = new Map<string, ScoringVersion | null>();
    for (const score of due) {
      if (!versions.has(score.version_id)) {
        const version = await versionById(db, score.version_id);
        versions.set(
          score.version_id,
          version ? { version, spec: parseSpec(version.spec), modelName: '' } : null,
        );
      }
    }
    const names = new Map((await activeVersions(db)).map((v) => [v.version.id, v.modelName]));
    for (const score of due) {
      const scoring = versions.get(score.version_id);
      await db.transaction().execute(async (tx) => {
        if (!scoring) return;
        await lockContactScores(tx, [score.contact_id], score.model_id);
        const rows = await ledgerOf(tx, score.contact_id, score.version_id);
        await settleScore(
          tx,
          { ...scoring, modelName: names.get(score.version_id) ?? '' },
          score.contact_id,
          rows,
          now,
          scoring.version.state === 'published',
        );
      });
      done += 1;
    }
    if (due.length < batch) return done;
  }
}

export const DECAY_EVERY_MS = 60_000;

export function scoringDecayJobKind(storage: Storage, clock: Clock = Date.now): JobKind {
  return {
    kind: 'scoring:decay',
    everyMs: DECAY_EVERY_MS,
    concurrency: 1,
    async run() {
      await applyDecay(storage.db, clock());
      return undefined;
    },
  };
}
