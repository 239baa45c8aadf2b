// Lead scoring's storage: models and their versions, the ledger, scores per contact × version, the sticky
// sales-ready status and its history, and the `scoring` source's items. The only file touching these tables.
import { PostgresAdapter, sql } from 'kysely';
import { newId } from '../lib/ids.ts';
import { afterBound } from '../platform/interactions/after-bound.ts';
import type { SourceBound } from '../platform/interactions/interaction.ts';
import { lockMatchKeys } from '../storage/match-key-locks.ts';
import type {
  ContactScoresTable,
  Db,
  ScoreLedgerTable,
  ScoringEventsTable,
  ScoringModelsTable,
  ScoringModelVersionsTable,
  ScoringVersionState,
} from '../storage/schema.ts';

export type ModelRow = ScoringModelsTable;
export type VersionRow = ScoringModelVersionsTable;
export type LedgerRow = ScoreLedgerTable;
export type ScoreRow = ContactScoresTable;

const engineOf = (db: Db) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite');
/** PostgreSQL answers bigint columns as strings: numbers again. */
const num = <T extends object>(row: T, keys: (keyof T & string)[]): T => {
  const out = { ...row } as Record<string, unknown>;
  for (const key of keys) if (out[key] !== null && out[key] !== undefined) out[key] = Number(out[key]);
  return out as T;
};
const versionOut = (row: ScoringModelVersionsTable): VersionRow =>
  num(row, [
    'number',
    'progress_done',
    'progress_total',
    'publish_started_at',
    'published_at',
    'created_at',
    'updated_at',
  ]);
const ledgerOut = (row: LedgerRow): LedgerRow =>
  num(row, ['points', 'awarded_at', 'expires_at', 'created_at']);
const scoreOut = (row: ScoreRow): ScoreRow => num(row, ['score', 'computed_at', 'next_change_at']);

/** Serialises every writer of one contact's scores in a model (feed consumer, publish, decay, adjustments). */
export async function lockContactScores(
  tx: Db,
  contactIds: readonly string[],
  modelId: string,
): Promise<void> {
  await lockMatchKeys(
    tx,
    engineOf(tx),
    contactIds.map((id) => `score:${modelId}:${id}`),
  );
}

// ---- models and versions

export async function insertModel(db: Db, model: ModelRow): Promise<void> {
  await db.insertInto('scoring_models').values(model).execute();
}

export async function insertVersion(db: Db, version: VersionRow): Promise<void> {
  await db.insertInto('scoring_model_versions').values(version).execute();
}

export async function modelById(db: Db, id: string): Promise<ModelRow | undefined> {
  const row = await db.selectFrom('scoring_models').selectAll().where('id', '=', id).executeTakeFirst();
  return row && num(row, ['created_at', 'updated_at', 'archived_at']);
}

export async function listModelRows(db: Db): Promise<ModelRow[]> {
  const rows = await db
    .selectFrom('scoring_models')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map((row) => num(row, ['created_at', 'updated_at', 'archived_at']));
}

export async function versionsOfModels(db: Db, modelIds: readonly string[]): Promise<VersionRow[]> {
  if (modelIds.length === 0) return [];
  const rows = await db
    .selectFrom('scoring_model_versions')
    .selectAll()
    .where('model_id', 'in', [...modelIds])
    .where('state', '!=', 'retired')
    .orderBy('number')
    .execute();
  return rows.map(versionOut);
}

export async function versionById(db: Db, id: string): Promise<VersionRow | undefined> {
  const row = await db
    .selectFrom('scoring_model_versions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && versionOut(row);
}

export async function lastVersionNumber(db: Db, modelId: string): Promise<number> {
  const row = await db
    .selectFrom('scoring_model_versions')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function updateVersion(
  db: Db,
  id: string,
  changes: Partial<Omit<ScoringModelVersionsTable, 'id' | 'model_id'>>,
  onlyInState?: ScoringVersionState,
): Promise<boolean> {
  let query = db.updateTable('scoring_model_versions').set(changes).where('id', '=', id);
  if (onlyInState) query = query.where('state', '=', onlyInState);
  return Number((await query.executeTakeFirst()).numUpdatedRows) === 1;
}

export async function addProgress(
  db: Db,
  id: string,
  done: number,
  after: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('scoring_model_versions')
    .set((eb) => ({ progress_done: eb('progress_done', '+', done), progress_after: after, updated_at: now }))
    .where('id', '=', id)
    .execute();
}

export async function updateModel(db: Db, id: string, changes: Partial<Omit<ModelRow, 'id'>>): Promise<void> {
  await db.updateTable('scoring_models').set(changes).where('id', '=', id).execute();
}

/** The versions the feed consumer scores: every published one and any being published, of live models. */
export async function scoringVersions(db: Db): Promise<(VersionRow & { model_name: string })[]> {
  const rows = await db
    .selectFrom('scoring_model_versions as v')
    .innerJoin('scoring_models as m', 'm.id', 'v.model_id')
    .selectAll('v')
    .select('m.name as model_name')
    .where('v.state', 'in', ['published', 'publishing'])
    .where('m.archived_at', 'is', null)
    .orderBy('v.model_id')
    .orderBy('v.number')
    .execute();
  return rows.map((row) => ({ ...versionOut(row), model_name: row.model_name }));
}

// ---- contacts

export async function contactCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function contactIdsAfter(db: Db, after: string | null, limit: number): Promise<string[]> {
  let query = db.selectFrom('contacts').select('id').orderBy('id').limit(limit);
  if (after !== null) query = query.where('id', '>', after);
  return (await query.execute()).map((row) => row.id);
}

/** The fields fit rules read: the standard ones and the custom ones, by key (null: no such contact). */
export async function contactFields(
  db: Db,
  contactId: string,
): Promise<Record<string, string | number | boolean | null> | null> {
  const row = await db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst();
  if (!row) return null;
  let custom: Record<string, string | number | boolean | null> = {};
  try {
    custom = JSON.parse(row.custom) as typeof custom;
  } catch {}
  return {
    ...custom,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    company: row.company,
    phone: row.phone,
    job_title: row.job_title,
    country: row.country,
  };
}

// ---- the ledger

export async function ledgerOf(db: Db, contactId: string, versionId: string): Promise<LedgerRow[]> {
  const rows = await db
    .selectFrom('score_ledger')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('version_id', '=', versionId)
    .orderBy('awarded_at')
    .orderBy('id')
    .execute();
  return rows.map(ledgerOut);
}

/** The ledgers, scores and sales-ready status of several contacts in one version (a page's batch read). */
export async function contactsState(
  db: Db,
  contactIds: readonly string[],
  versionId: string,
  modelId: string,
) {
  const ids = [...contactIds];
  const [ledger, scores, ready] = await Promise.all([
    db
      .selectFrom('score_ledger')
      .selectAll()
      .where('version_id', '=', versionId)
      .where('contact_id', 'in', ids)
      .orderBy('awarded_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('contact_scores')
      .selectAll()
      .where('version_id', '=', versionId)
      .where('contact_id', 'in', ids)
      .execute(),
    db
      .selectFrom('sales_ready')
      .select('contact_id')
      .where('model_id', '=', modelId)
      .where('contact_id', 'in', ids)
      .execute(),
  ]);
  const ledgers = new Map<string, LedgerRow[]>(ids.map((id) => [id, []]));
  for (const row of ledger) ledgers.get(row.contact_id)?.push(ledgerOut(row));
  return {
    ledgers,
    scores: new Map(scores.map((row) => [row.contact_id, scoreOut(row)])),
    salesReady: new Set(ready.map((row) => row.contact_id)),
  };
}

/** Writes awards; one already there for the same version, item and rule is kept and this one dropped. */
export async function insertLedgerRows(db: Db, rows: readonly LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('score_ledger')
    .values([...rows])
    .onConflict((oc) => oc.columns(['version_id', 'source', 'item_id', 'rule_id']).doNothing())
    .execute();
}

/** Ends a fit award (the field no longer holds): it counts no more from `at`. */
export async function endLedgerRow(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('score_ledger').set({ expires_at: at }).where('id', '=', id).execute();
}

// ---- scores

export async function scoreRow(db: Db, contactId: string, versionId: string): Promise<ScoreRow | undefined> {
  const row = await db
    .selectFrom('contact_scores')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  return row && scoreOut(row);
}

export async function scoresOfContact(db: Db, contactId: string): Promise<ScoreRow[]> {
  const rows = await db
    .selectFrom('contact_scores')
    .selectAll()
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map(scoreOut);
}

export async function saveScore(db: Db, row: ScoreRow): Promise<void> {
  await db
    .insertInto('contact_scores')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['contact_id', 'version_id']).doUpdateSet({
        score: row.score,
        grade: row.grade,
        computed_at: row.computed_at,
        next_change_at: row.next_change_at,
      }),
    )
    .execute();
}

/** Scores whose decay is due (an award expired, or half-life time passed), oldest due first. */
export async function dueScores(db: Db, now: number, limit: number): Promise<ScoreRow[]> {
  const rows = await db
    .selectFrom('contact_scores as s')
    .innerJoin('scoring_model_versions as v', 'v.id', 's.version_id')
    .selectAll('s')
    .where('s.next_change_at', '<=', now)
    .where('v.state', 'in', ['published', 'publishing'])
    .orderBy('s.next_change_at')
    .limit(limit)
    .execute();
  return rows.map(scoreOut);
}

export async function scoresOfVersion(
  db: Db,
  versionId: string,
  after: string | null,
  limit: number,
): Promise<ScoreRow[]> {
  let query = db
    .selectFrom('contact_scores')
    .selectAll()
    .where('version_id', '=', versionId)
    .orderBy('contact_id')
    .limit(limit);
  if (after !== null) query = query.where('contact_id', '>', after);
  return (await query.execute()).map(scoreOut);
}

/** A retired version's scores go; its ledger stays (what was awarded, and why, under that version). */
export async function deleteScoresOfVersion(db: Db, versionId: string): Promise<void> {
  await db.deleteFrom('contact_scores').where('version_id', '=', versionId).execute();
}

/** Counts of a version's scores: by grade, and in buckets of `width` points. */
export async function scoreDistribution(db: Db, versionId: string, width: number) {
  const [grades, scores] = await Promise.all([
    db
      .selectFrom('contact_scores')
      .select(['grade', (eb) => eb.fn.countAll().as('n')])
      .where('version_id', '=', versionId)
      .groupBy('grade')
      .execute(),
    db
      .selectFrom('contact_scores')
      .select(['score', (eb) => eb.fn.countAll().as('n')])
      .where('version_id', '=', versionId)
      .groupBy('score')
      .execute(),
  ]);
  const buckets = new Map<number, number>();
  for (const row of scores) {
    const from = Math.floor(Number(row.score) / width) * width;
    buckets.set(from, (buckets.get(from) ?? 0) + Number(row.n));
  }
  return {
    grades: grades.map((row) => ({ grade: row.grade, contacts: Number(row.n) })),
    buckets: [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([from, contacts]) => ({ from, contacts })),
  };
}

// ---- sales-ready

export async function salesReadyOf(db: Db, contactId: string, modelId: string) {
  const row = await db
    .selectFrom('sales_ready')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  return row && num(row, ['since', 'score']);
}

export async function markSalesReady(
  db: Db,
  change: {
    contactId: string;
    modelId: string;
    score: number;
    at: number;
    author: string | null;
    reason: string | null;
  },
) {
  await db
    .insertInto('sales_ready')
    .values({ contact_id: change.contactId, model_id: change.modelId, since: change.at, score: change.score })
    .onConflict((oc) => oc.columns(['contact_id', 'model_id']).doNothing())
    .execute();
  await insertSalesReadyChange(db, { ...change, change: 'became' });
}

export async function clearSalesReadyRow(db: Db, contactId: string, modelId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sales_ready')
    .where('contact_id', '=', contactId)
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function insertSalesReadyChange(
  db: Db,
  change: {
    contactId: string;
    modelId: string;
    change: 'became' | 'cleared';
    score: number;
    at: number;
    author: string | null;
    reason: string | null;
  },
) {
  await db
    .insertInto('sales_ready_changes')
    .values({
      id: newId(),
      contact_id: change.contactId,
      model_id: change.modelId,
      change: change.change,
      score: change.score,
      author: change.author,
      reason: change.reason,
      at: change.at,
    })
    .execute();
}

export async function salesReadyHistory(db: Db, contactId: string, modelId: string) {
  const rows = await db
    .selectFrom('sales_ready_changes')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('model_id', '=', modelId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => num(row, ['at', 'score']));
}

export async function salesReadyChangesOfModel(db: Db, modelId: string, since: number) {
  const rows = await db
    .selectFrom('sales_ready_changes')
    .select(['change', 'at'])
    .where('model_id', '=', modelId)
    .where('at', '>=', since)
    .orderBy('at')
    .execute();
  return rows.map((row) => ({ change: row.change, at: Number(row.at) }));
}

export async function salesReadyCountBefore(db: Db, modelId: string, before: number): Promise<number> {
  const rows = await db
    .selectFrom('sales_ready_changes')
    .select(['change', (eb) => eb.fn.countAll().as('n')])
    .where('model_id', '=', modelId)
    .where('at', '<', before)
    .groupBy('change')
    .execute();
  let n = 0;
  for (const row of rows) n += row.change === 'became' ? Number(row.n) : -Number(row.n);
  return n;
}

/** The sales-ready contacts of a model with their current score, newest first (after: keyset). */
export async function salesReadyContacts(
  db: Db,
  modelId: string,
  versionId: string | null,
  limit: number,
  after?: { since: number; id: string },
) {
  let query = db
    .selectFrom('sales_ready as r')
    .innerJoin('contacts as c', 'c.id', 'r.contact_id')
    .leftJoin('contact_scores as s', (join) =>
      join.onRef('s.contact_id', '=', 'r.contact_id').on('s.version_id', '=', versionId ?? ''),
    )
    .select([
      'r.contact_id',
      'r.since',
      'r.score as score_then',
      's.score',
      's.grade',
      'c.email',
      'c.first_name',
      'c.last_name',
      'c.company',
      'c.job_title',
      'c.country',
    ])
    .where('r.model_id', '=', modelId)
    .orderBy('r.since', 'desc')
    .orderBy('r.contact_id', 'desc')
    .limit(limit);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('r.since', '<', after.since),
        eb.and([eb('r.since', '=', after.since), eb('r.contact_id', '<', after.id)]),
      ]),
    );
  const rows = await query.execute();
  return rows.map((row) => num(row, ['since', 'score_then', 'score']));
}

// ---- the `scoring` interaction source's items

export async function insertScoringEvent(db: Db, event: ScoringEventsTable): Promise<void> {
  await db.insertInto('scoring_events').values(event).execute();
}

export async function scoringEventsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('scoring_events')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((row) => num(row, ['occurred_at']));
}

export async function scoringEventsOfContact(
  db: Db,
  contactId: string,
  bound: SourceBound | null,
  limit: number,
) {
  let query = db
    .selectFrom('scoring_events')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (bound) query = query.where(afterBound('occurred_at', 'id', bound));
  return (await query.execute()).map((row) => num(row, ['occurred_at']));
}

// ---- personal data

export async function scoringDataOf(db: Db, contactId: string) {
  const [ledger, scores, ready, changes] = await Promise.all([
    db
      .selectFrom('score_ledger')
      .selectAll()
      .where('contact_id', '=', contactId)
      .orderBy('awarded_at')
      .execute(),
    db.selectFrom('contact_scores').selectAll().where('contact_id', '=', contactId).execute(),
    db.selectFrom('sales_ready').selectAll().where('contact_id', '=', contactId).execute(),
    db
      .selectFrom('sales_ready_changes')
      .selectAll()
      .where('contact_id', '=', contactId)
      .orderBy('at')
      .execute(),
  ]);
  return {
    ledger: ledger.map(ledgerOut),
    scores: scores.map(scoreOut),
    ready: ready.map((row) => num(row, ['since', 'score'])),
    changes: changes.map((row) => num(row, ['at', 'score'])),
  };
}

const CONTACT_TABLES = [
  'score_ledger',
  'contact_scores',
  'sales_ready',
  'sales_ready_changes',
  'scoring_events',
] as const;

export async function deleteScoringOf(db: Db, contactId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries(CONTACT_TABLES)) {
    const result = await db.deleteFrom(table).where('contact_id', '=', contactId).executeTakeFirst();
    counts[name] = Number(result.numDeletedRows);
  }
  return counts;
}

/** Moves the loser's ledger, history and items to the winner; scores are recomputed by the caller. */
export async function moveScoring(db: Db, loserId: string, winnerId: string): Promise<void> {
  await db
    .updateTable('score_ledger')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  await db
    .updateTable('sales_ready_changes')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  await db
    .updateTable('scoring_events')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  // The winner keeps its own status where both had one; otherwise the loser's moves over.
  await sql`update sales_ready set contact_id = ${winnerId} where contact_id = ${loserId}
    and model_id not in (select model_id from sales_ready where contact_id = ${winnerId})`.execute(db);
  await db.deleteFrom('sales_ready').where('contact_id', '=', loserId).execute();
  await db.deleteFrom('contact_scores').where('contact_id', '=', loserId).execute();
}

/** The versions a contact has ledger rows in (to recompute after a merge). */
export async function versionIdsOfContact(db: Db, contactId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('score_ledger')
    .select('version_id')
    .distinct()
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map((row) => row.version_id);
}

export { newId };

// ---------------------------------------------------------------------------------------------------
// The visit-settling job's mark per website (migration 034)

export interface VisitMark {
  startedAt: number;
  id: string;
}

export async function visitMarkOf(db: Db, websiteId: string): Promise<VisitMark | null> {
  const row = await db
    .selectFrom('scoring_visit_marks')
    .select(['started_at', 'visit_id'])
    .where('website_id', '=', websiteId)
    .executeTakeFirst();
  return row ? { startedAt: Number(row.started_at), id: row.visit_id } : null;
}

export async function saveVisitMark(db: Db, websiteId: string, mark: VisitMark, now: number): Promise<void> {
  await db
    .insertInto('scoring_visit_marks')
    .values({ website_id: websiteId, started_at: mark.startedAt, visit_id: mark.id, updated_at: now })
    .onConflict((oc) =>
      oc.column('website_id').doUpdateSet({ started_at: mark.startedAt, visit_id: mark.id, updated_at: now }),
    )
    .execute();
}
