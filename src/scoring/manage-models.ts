// What the scoring API does: models and their drafts, preview and publish, a contact's scores with their
// explanation, manual adjustments, clearing sales-ready, insights and the sales-ready list. Routes call
// these; storage is store.ts.
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { Db } from '../storage/schema.ts';
import { type Explanation, explainScore } from './explain-rules.ts';
import { gradeOf, type ModelSpec, modelProblems } from './model-rules.ts';
import { enqueuePublish, type PreviewCounts, previewVersion } from './publish-model.ts';
import { parseSpec, type ScoringVersion, settleScore } from './score-contacts.ts';
import {
  clearSalesReadyRow,
  contactCount,
  insertLedgerRows,
  insertModel,
  insertSalesReadyChange,
  insertVersion,
  lastVersionNumber,
  ledgerOf,
  listModelRows,
  lockContactScores,
  type ModelRow,
  modelById,
  salesReadyChangesOfModel,
  salesReadyContacts,
  salesReadyCountBefore,
  salesReadyHistory,
  salesReadyOf,
  scoreDistribution,
  scoresOfContact,
  updateModel,
  updateVersion,
  type VersionRow,
  versionById,
  versionsOfModels,
} from './store.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface VersionView {
  id: string;
  number: number;
  state: VersionRow['state'];
  model: ModelSpec;
  progress: { done: number; total: number } | null;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ModelView {
  id: string;
  name: string;
  archived: boolean;
  published: VersionView | null;
  publishing: VersionView | null;
  draft: VersionView | null;
  createdAt: string;
  updatedAt: string;
}

const versionView = (row: VersionRow): VersionView => ({
  id: row.id,
  number: row.number,
  state: row.state,
  model: parseSpec(row.spec),
  progress: row.state === 'publishing' ? { done: row.progress_done, total: row.progress_total } : null,
  publishedAt: iso(row.published_at),
  createdAt: iso(row.created_at) as string,
  updatedAt: iso(row.updated_at) as string,
});

function modelView(model: ModelRow, versions: readonly VersionRow[]): ModelView {
  const mine = versions.filter((v) => v.model_id === model.id);
  const find = (state: VersionRow['state']) => {
    const found = mine.filter((v) => v.state === state).at(-1);
    return found ? versionView(found) : null;
  };
  return {
    id: model.id,
    name: model.name,
    archived: model.archived_at !== null,
    published: find('published'),
    publishing: find('publishing'),
    draft: find('draft'),
    createdAt: iso(model.created_at) as string,
    updatedAt: iso(model.updated_at) as string,
  };
}

/** Normalises a model from the API (optional fields filled) and refuses it with every problem named. */
export function checkedSpec(input: ModelSpec): ModelSpec {
  const spec: ModelSpec = {
    rules: input.rules.map((rule) => ({
      ...rule,
      maxPerDay: rule.maxPerDay ?? null,
      maxPoints: rule.maxPoints ?? null,
    })),
    decay: input.decay,
    grades: input.grades,
    salesReadyThreshold: input.salesReadyThreshold ?? null,
    maxScore: input.maxScore ?? null,
  };
  const problems = modelProblems(spec);
  if (Object.keys(problems).length > 0)
    throw new AppError(
      'unprocessable',
      `The model is not valid: ${Object.entries(problems)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}.`,
      { fields: problems },
    );
  return spec;
}

async function mustModel(db: Db, id: string): Promise<ModelRow> {
  const model = await modelById(db, id);
  if (!model) throw new AppError('not_found', `No scoring model with id ${id}.`);
  return model;
}

export async function getModel(db: Db, id: string): Promise<ModelView> {
  const model = await mustModel(db, id);
  return modelView(model, await versionsOfModels(db, [id]));
}

export async function listModels(db: Db): Promise<ModelView[]> {
  const models = await listModelRows(db);
  const versions = await versionsOfModels(
    db,
    models.map((m) => m.id),
  );
  return models.map((model) => modelView(model, versions));
}

export async function createModel(
  db: Db,
  input: { name: string; model: ModelSpec },
  now = Date.now(),
): Promise<ModelView> {
  const spec = checkedSpec(input.model);
  const id = newId();
  await db.transaction().execute(async (tx) => {
    await insertModel(tx, {
      id,
      name: input.name.trim(),
      published_version_id: null,
      archived_at: null,
      created_at: now,
      updated_at: now,
    });
    await insertVersion(tx, draftRow(id, 1, spec, now));
  });
  return getModel(db, id);
}

const draftRow = (modelId: string, number: number, spec: ModelSpec, now: number): VersionRow => ({
  id: newId(),
  model_id: modelId,
  number,
  spec: JSON.stringify(spec),
  state: 'draft',
  progress_done: 0,
  progress_total: 0,
  progress_after: null,
  publish_started_at: null,
  published_at: null,
  created_at: now,
  updated_at: now,
});

/** Edits the model's draft (a published version is never changed: an edit makes a new draft). */
export async function saveDraft(
  db: Db,
  id: string,
  input: { name?: string; model: ModelSpec },
  now = Date.now(),
): Promise<ModelView> {
  const spec = checkedSpec(input.model);
  await db.transaction().execute(async (tx) => {
    const model = await mustModel(tx, id);
    if (model.archived_at !== null)
      throw new AppError('conflict', 'This model is archived: it cannot be edited.');
    const draft = (await versionsOfModels(tx, [id])).find((v) => v.state === 'draft');
    if (draft) await updateVersion(tx, draft.id, { spec: JSON.stringify(spec), updated_at: now });
    else await insertVersion(tx, draftRow(id, (await lastVersionNumber(tx, id)) + 1, spec, now));
    await updateModel(tx, id, { ...(input.name ? { name: input.name.trim() } : {}), updated_at: now });
  });
  return getModel(db, id);
}

export async function discardDraft(db: Db, id: string): Promise<ModelView> {
  await mustModel(db, id);
  await db
    .deleteFrom('scoring_model_versions')
    .where('model_id', '=', id)
    .where('state', '=', 'draft')
    .execute();
  return getModel(db, id);
}

async function draftOf(db: Db, model: ModelRow): Promise<ScoringVersion> {
  const draft = (await versionsOfModels(db, [model.id])).find((v) => v.state === 'draft');
  if (!draft) throw new AppError('conflict', 'This model has no draft: edit it first (PUT …/draft).');
  return { version: draft, spec: parseSpec(draft.spec), modelName: model.name };
}

export async function previewDraft(
  db: Db,
  feed: InteractionRegistry,
  id: string,
  now = Date.now(),
): Promise<PreviewCounts> {
  const model = await mustModel(db, id);
  return previewVersion(db, feed, await draftOf(db, model), model.published_version_id, now);
}

/** Starts publishing the draft: a job recomputes every contact, then it replaces the published version. */
export async function publishDraft(db: Db, id: string, now = Date.now()): Promise<ModelView> {
  await db.transaction().execute(async (tx) => {
    const model = await mustModel(tx, id);
    if (model.archived_at !== null)
      throw new AppError('conflict', 'This model is archived: it cannot be published.');
    const versions = await versionsOfModels(tx, [id]);
    if (versions.some((v) => v.state === 'publishing'))
      throw new AppError('conflict', 'A version of this model is being published: wait until it is done.');
    const draft = await draftOf(tx, model);
    await updateVersion(
      tx,
      draft.version.id,
      {
        state: 'publishing',
        publish_started_at: now,
        progress_total: await contactCount(tx),
        progress_done: 0,
        progress_after: null,
        updated_at: now,
      },
      'draft',
    );
    await enqueuePublish(tx, draft.version.id, now);
  });
  return getModel(db, id);
}

export async function archiveModel(db: Db, id: string, now = Date.now()): Promise<ModelView> {
  const model = await mustModel(db, id);
  if (model.archived_at === null) await updateModel(db, id, { archived_at: now, updated_at: now });
  return getModel(db, id);
}

// ---- a contact's scores

export interface ContactScoreView {
  modelId: string;
  modelName: string;
  score: number;
  grade: string | null;
  salesReady: boolean;
  salesReadySince: string | null;
  explanation: Explanation;
  salesReadyHistory: {
    change: 'became' | 'cleared';
    score: number;
    at: string;
    author: string | null;
    reason: string | null;
  }[];
  computedAt: string;
}

async function publishedOf(db: Db, modelId: string): Promise<{ model: ModelRow; scoring: ScoringVersion }> {
  const model = await mustModel(db, modelId);
  const version = model.published_version_id ? await versionById(db, model.published_version_id) : undefined;
  if (!version) throw new AppError('conflict', `The model "${model.name}" is not published yet.`);
  return { model, scoring: { version, spec: parseSpec(version.spec), modelName: model.name } };
}

async function mustContact(db: Db, contactId: string): Promise<void> {
  const found = await db.selectFrom('contacts').select('id').where('id', '=', contactId).executeTakeFirst();
  if (!found) throw new AppError('not_found', `No contact with id ${contactId}.`);
}

async function scoreView(
  db: Db,
  contactId: string,
  scoring: ScoringVersion,
  now: number,
): Promise<ContactScoreView> {
  const rows = await ledgerOf(db, contactId, scoring.version.id);
  const ready = await salesReadyOf(db, contactId, scoring.version.model_id);
  const explanation = explainScore(
    scoring.spec.decay,
    scoring.spec.rules,
    rows.map((row) => ({
      ruleId: row.rule_id,
      points: row.points,
      awardedAt: row.awarded_at,
      expiresAt: row.expires_at,
      reason: row.reason,
    })),
    now,
  );
  const history = await salesReadyHistory(db, contactId, scoring.version.model_id);
  return {
    modelId: scoring.version.model_id,
    modelName: scoring.modelName,
    score: explanation.score,
    grade: gradeOf(scoring.spec.grades, explanation.score),
    salesReady: ready !== undefined,
    salesReadySince: ready ? iso(ready.since) : null,
    explanation,
    salesReadyHistory: history.map((h) => ({
      change: h.change,
      score: h.score,
      at: iso(h.at) as string,
      author: h.author,
      reason: h.reason,
    })),
    computedAt: iso(now) as string,
  };
}

/** The contact's score in every published model, each explained. */
export async function contactScores(
  db: Db,
  contactId: string,
  now = Date.now(),
): Promise<ContactScoreView[]> {
  await mustContact(db, contactId);
  const models = (await listModelRows(db)).filter((m) => m.published_version_id && m.archived_at === null);
  const views: ContactScoreView[] = [];
  for (const model of models) {
    const { scoring } = await publishedOf(db, model.id);
    views.push(await scoreView(db, contactId, scoring, now));
  }
  return views;
}

/** A marketer's adjustment: a ledger row with the points, the reason and who, counted like any award. */
export async function adjustScore(
  db: Db,
  input: { contactId: string; modelId: string; points: number; reason: string; author: string },
  now = Date.now(),
): Promise<ContactScoreView> {
  await mustContact(db, input.contactId);
  const { scoring } = await publishedOf(db, input.modelId);
  await db.transaction().execute(async (tx) => {
    await lockContactScores(tx, [input.contactId], input.modelId);
    await insertLedgerRows(tx, [
      {
        id: newId(),
        model_id: input.modelId,
        version_id: scoring.version.id,
        contact_id: input.contactId,
        rule_id: null,
        source: null,
        item_id: null,
        points: input.points,
        awarded_at: now,
        expires_at: null,
        reason: input.reason.trim(),
        author: input.author,
        created_at: now,
      },
    ]);
    await settleScore(
      tx,
      scoring,
      input.contactId,
      await ledgerOf(tx, input.contactId, scoring.version.id),
      now,
      true,
    );
  });
  return scoreView(db, input.contactId, scoring, now);
}

/** Ends a contact's sales-ready status (sticky otherwise); it comes back only when the score reaches the threshold again. */
export async function clearSalesReady(
  db: Db,
  input: { contactId: string; modelId: string; reason: string | null; author: string },
  now = Date.now(),
): Promise<ContactScoreView> {
  await mustContact(db, input.contactId);
  const { scoring } = await publishedOf(db, input.modelId);
  await db.transaction().execute(async (tx) => {
    await lockContactScores(tx, [input.contactId], input.modelId);
    const ready = await salesReadyOf(tx, input.contactId, input.modelId);
    if (!ready) throw new AppError('conflict', 'This contact is not sales-ready in this model.');
    await clearSalesReadyRow(tx, input.contactId, input.modelId);
    const score =
      (await scoresOfContact(tx, input.contactId)).find((s) => s.version_id === scoring.version.id)?.score ??
      0;
    await insertSalesReadyChange(tx, {
      contactId: input.contactId,
      modelId: input.modelId,
      change: 'cleared',
      score,
      at: now,
      author: input.author,
      reason: input.reason,
    });
  });
  return scoreView(db, input.contactId, scoring, now);
}

// ---- insights and the sales-ready list

const DAY = 86_400_000;

export async function modelInsights(db: Db, modelId: string, days: number, now = Date.now()) {
  const model = await mustModel(db, modelId);
  const versionId = model.published_version_id;
  const spec = versionId ? parseSpec((await versionById(db, versionId))?.spec ?? '{}') : null;
  const distribution = versionId ? await scoreDistribution(db, versionId, 10) : { grades: [], buckets: [] };
  const start = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  let count = await salesReadyCountBefore(db, modelId, start);
  const changes = await salesReadyChangesOfModel(db, modelId, start);
  const overTime: { day: string; salesReady: number; became: number }[] = [];
  let i = 0;
  for (let day = start; day <= now; day += DAY) {
    let became = 0;
    while (i < changes.length && (changes[i]?.at ?? 0) < day + DAY) {
      const change = changes[i++];
      if (change?.change === 'became') {
        count += 1;
        became += 1;
      } else count -= 1;
    }
    overTime.push({ day: new Date(day).toISOString().slice(0, 10), salesReady: count, became });
  }
  const order = new Map((spec?.grades ?? []).map((g, index) => [g.name, index]));
  return {
    modelId,
    scored: distribution.grades.reduce((sum, g) => sum + g.contacts, 0),
    grades: [...distribution.grades].sort(
      (a, b) => (order.get(a.grade ?? '') ?? 99) - (order.get(b.grade ?? '') ?? 99),
    ),
    distribution: distribution.buckets,
    salesReadyOverTime: overTime,
  };
}

export async function salesReadyList(db: Db, modelId: string, limit: number, cursor?: string) {
  const model = await mustModel(db, modelId);
  let after: { since: number; id: string } | undefined;
  if (cursor) {
    const [since, id] = cursor.split('.');
    if (!since || !id || !/^\d+$/.test(since))
      throw new AppError('bad_request', 'The cursor is not one this list gave.');
    after = { since: Number(since), id };
  }
  const rows = await salesReadyContacts(db, modelId, model.published_version_id, limit + 1, after);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    contacts: page.map((row) => ({
      contactId: row.contact_id,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      company: row.company,
      jobTitle: row.job_title,
      country: row.country,
      score: row.score ?? row.score_then,
      grade: row.grade,
      salesReadySince: iso(row.since) as string,
    })),
    nextCursor: rows.length > limit && last ? `${last.since}.${last.contact_id}` : null,
  };
}
