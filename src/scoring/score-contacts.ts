// Turning interactions into ledger rows and ledger rows into scores, for one contact under one model
// version: awards (frequency and caps read from the contact's ledger), fit awards that hold while the
// contact's fields do, and the score, grade, sales-ready status and `scoring` items that follow. Every
// writer of a contact's scores in a model holds that contact's lock (lockContactScores) while it works.
import { newId } from '../lib/ids.ts';
import type { Interaction } from '../platform/interactions/interaction.ts';
import { recordInteraction } from '../platform/interactions/store.ts';
import type { Db } from '../storage/schema.ts';
import {
  awardPoints,
  type ContactFields,
  expiryOf,
  type LedgerEntry,
  meetsCondition,
  meetsFit,
  nextChangeAt,
  type RuleState,
  scoreAt,
  utcDay,
} from './award-rules.ts';
import { gradeOf, isFitRule, type ModelSpec, type Rule } from './model-rules.ts';
import {
  contactFields,
  endLedgerRow,
  insertLedgerRows,
  insertScoringEvent,
  type LedgerRow,
  markSalesReady,
  type ScoreRow,
  salesReadyOf,
  saveScore,
  scoreRow,
  type VersionRow,
} from './store.ts';

export const SCORING_SOURCE = 'scoring';

/** A version with its parsed model, as the writers use it. */
export interface ScoringVersion {
  version: VersionRow;
  spec: ModelSpec;
  modelName: string;
}

export const parseSpec = (json: string): ModelSpec => JSON.parse(json) as ModelSpec;

export const entryOf = (row: LedgerRow): LedgerEntry => ({
  ruleId: row.rule_id,
  points: row.points,
  awardedAt: row.awarded_at,
  expiresAt: row.expires_at,
});

const live = (row: LedgerRow, at: number) =>
  row.awarded_at <= at && (row.expires_at === null || row.expires_at > at);

/** What the ledger holds for `rule` at `at` (the caps' and frequency's input). */
export function ruleStateOf(rows: readonly LedgerRow[], rule: Rule, spec: ModelSpec, at: number): RuleState {
  const engagement = new Set(spec.rules.filter((r) => !isFitRule(r)).map((r) => r.id));
  let awards = 0;
  let awardsThatDay = 0;
  let activePoints = 0;
  let modelActivePoints = 0;
  const day = utcDay(at);
  for (const row of rows) {
    if (row.rule_id === rule.id) {
      awards += 1;
      if (utcDay(row.awarded_at) === day) awardsThatDay += 1;
      if (live(row, at)) activePoints += row.points;
    }
    if (row.rule_id !== null && engagement.has(row.rule_id) && live(row, at)) modelActivePoints += row.points;
  }
  return { awards, awardsThatDay, activePoints, modelActivePoints };
}

/**
 * The awards of the rules each item meets, in the order given, on top of `rows` (the contact's ledger in
 * this version): the ledger with the new rows, and the new rows. An item already awarded for a rule is
 * not awarded again. Pure: the preview runs it without writing.
 */
export function planAwards(
  scoring: ScoringVersion,
  contactId: string,
  items: readonly Interaction[],
  rows: readonly LedgerRow[],
  now: number,
): { ledger: LedgerRow[]; fresh: LedgerRow[] } {
  const { spec } = scoring;
  const ledger = [...rows];
  const seen = new Set(ledger.map((row) => `${row.source}\u0000${row.item_id}\u0000${row.rule_id}`));
  const fresh: LedgerRow[] = [];
  const rules = spec.rules.filter((rule) => !isFitRule(rule));
  for (const item of items) {
    const at = Date.parse(item.occurredAt);
    for (const rule of rules) {
      const key = `${item.source}\u0000${item.id}\u0000${rule.id}`;
      if (seen.has(key) || !meetsCondition(rule.condition, item)) continue;
      const points = awardPoints(rule, spec, ruleStateOf(ledger, rule, spec, at));
      if (points === 0) continue;
      const row = ledgerRow(scoring, contactId, rule.id, points, at, now, item);
      row.expires_at = expiryOf(spec.decay, at, points);
      seen.add(key);
      ledger.push(row);
      fresh.push(row);
    }
  }
  return { ledger, fresh };
}

function ledgerRow(
  scoring: ScoringVersion,
  contactId: string,
  ruleId: string,
  points: number,
  at: number,
  now: number,
  item: Interaction | null,
): LedgerRow {
  return {
    id: newId(),
    model_id: scoring.version.model_id,
    version_id: scoring.version.id,
    contact_id: contactId,
    rule_id: ruleId,
    source: item ? item.source : 'fit',
    item_id: item ? item.id : null,
    points,
    awarded_at: at,
    expires_at: null,
    reason: null,
    author: null,
    created_at: now,
  };
}

/** planAwards, written. */
export async function awardItems(
  tx: Db,
  scoring: ScoringVersion,
  contactId: string,
  items: readonly Interaction[],
  rows: readonly LedgerRow[],
  now: number,
): Promise<LedgerRow[]> {
  const { ledger, fresh } = planAwards(scoring, contactId, items, rows, now);
  await insertLedgerRows(tx, fresh);
  return ledger;
}

/** The fit awards a contact with these fields gets under a version that has none yet (the preview's). */
export function planFit(
  scoring: ScoringVersion,
  contactId: string,
  fields: ContactFields,
  now: number,
): LedgerRow[] {
  return scoring.spec.rules
    .filter((rule) => isFitRule(rule) && meetsFit(rule.condition, fields))
    .map((rule) => ledgerRow(scoring, contactId, rule.id, rule.points, now, now, null));
}

/**
 * Fit: one award per fit rule while the contact's field holds it; ended (expired now) once it does not.
 * A merge can leave two live awards of a rule (each contact had one): the later ones end.
 */
export async function applyFit(
  tx: Db,
  scoring: ScoringVersion,
  contactId: string,
  rows: LedgerRow[],
  now: number,
): Promise<LedgerRow[]> {
  const fitRules = scoring.spec.rules.filter(isFitRule);
  if (fitRules.length === 0) return rows;
  const fields = (await contactFields(tx, contactId)) ?? {};
  const fresh: LedgerRow[] = [];
  for (const rule of fitRules) {
    const active = rows.filter((row) => row.rule_id === rule.id && row.source === 'fit' && live(row, now));
    const holds = meetsFit(rule.condition, fields);
    if (holds && active.length === 0) {
      const row = ledgerRow(scoring, contactId, rule.id, rule.points, now, now, null);
      rows.push(row);
      fresh.push(row);
    }
    for (const row of holds ? active.slice(1) : active) {
      await endLedgerRow(tx, row.id, now);
      row.expires_at = now;
    }
  }
  await insertLedgerRows(tx, fresh);
  return rows;
}

/**
 * Stores what the ledger adds up to now. For the model's published version (`announce`), a change of
 * score is a `score_changed` item and reaching the threshold makes the contact sales-ready (sticky) with
 * a `became_sales_ready` item, both logged to the feed in this transaction.
 */
export async function settleScore(
  tx: Db,
  scoring: ScoringVersion,
  contactId: string,
  rows: readonly LedgerRow[],
  now: number,
  announce: boolean,
  /** The score shown before (a publish compares with the retiring version's); default: this version's. */
  shownBefore?: number,
  /** What the caller already read for this contact (a page's batch read): saves two queries each. */
  known?: { before: ScoreRow | undefined; salesReady: boolean },
): Promise<{ score: number; previousScore: number }> {
  const { version, spec } = scoring;
  const entries = rows.map(entryOf);
  const score = scoreAt(spec.decay, entries, now);
  const grade = gradeOf(spec.grades, score);
  const before = known ? known.before : await scoreRow(tx, contactId, version.id);
  await saveScore(tx, {
    contact_id: contactId,
    version_id: version.id,
    model_id: version.model_id,
    score,
    grade,
    computed_at: now,
    next_change_at: nextChangeAt(spec.decay, entries, now),
  });
  const previousScore = shownBefore ?? before?.score ?? 0;
  if (!announce) return { score, previousScore };
  const threshold = spec.salesReadyThreshold;
  let salesReady = known
    ? known.salesReady
    : (await salesReadyOf(tx, contactId, version.model_id)) !== undefined;
  const becomes = !salesReady && threshold !== null && score >= threshold;
  if (becomes) {
    await markSalesReady(tx, {
      contactId,
      modelId: version.model_id,
      score,
      at: now,
      author: null,
      reason: null,
    });
    salesReady = true;
  }
  const attributes = {
    modelId: version.model_id,
    modelName: scoring.modelName,
    score,
    previousScore,
    grade,
    salesReady,
  };
  if (score !== previousScore) await announceScoring(tx, contactId, 'score_changed', attributes, now);
  if (becomes) await announceScoring(tx, contactId, 'became_sales_ready', attributes, now);
  return { score, previousScore };
}

async function announceScoring(
  tx: Db,
  contactId: string,
  kind: 'score_changed' | 'became_sales_ready',
  attributes: Record<string, unknown>,
  now: number,
): Promise<void> {
  const id = newId();
  await insertScoringEvent(tx, {
    id,
    contact_id: contactId,
    model_id: String(attributes['modelId']),
    kind,
    attributes: JSON.stringify(attributes),
    occurred_at: now,
  });
  await recordInteraction(tx, SCORING_SOURCE, id);
}
