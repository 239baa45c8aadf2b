// Which rules an interaction meets, how many points each award gives under the rule's frequency and caps,
// when an award runs out, and what a ledger adds up to at an instant. Pure (decision 036).
import { matchesWhole } from '../lib/user-pattern.ts';
import type { Interaction } from '../platform/interactions/interaction.ts';
import type { Condition, Decay, ModelSpec, Rule } from './model-rules.ts';

const DAY_MS = 86_400_000;

/** A glob (`*` any run of characters, everything else literal) as an RE2 pattern: matched in linear time. */
export function globToPattern(glob: string): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*');
}

const globMatches = (glob: string, value: string) => matchesWhole(globToPattern(glob), value) === true;
const same = (want: string | undefined, got: string | undefined) => want === undefined || want === got;
const sameText = (want: string | undefined, got: unknown) =>
  want === undefined || (typeof got === 'string' && got.toLowerCase() === want.toLowerCase());

/** Whether an interaction meets a rule's condition. Machine-made items (bots, proxies, scanners) never do. */
export function meetsCondition(condition: Condition, item: Interaction): boolean {
  if (item.machine !== null) return false;
  const a = item.attributes;
  switch (condition.type) {
    case 'page_visit': {
      // Any page of the visit (withVisitPages adds them), its entry path included: a visit counts once.
      if (item.kind !== 'visit') return false;
      const paths = Array.isArray(a['paths']) ? (a['paths'] as unknown[]) : [];
      return [a['entryPath'], ...paths].some(
        (path) => typeof path === 'string' && globMatches(condition.urlPattern, path),
      );
    }
    // The visit's engaged time as its row holds it when read: settled again once the visit has ended.
    case 'engaged_time':
      return item.kind === 'visit' && Number(a['engagedMs'] ?? 0) >= condition.seconds * 1000;
    case 'campaign_visit': {
      if (item.kind !== 'visit') return false;
      const utm = (a['utm'] ?? {}) as Record<string, unknown>;
      const { utmSource, utmMedium, utmCampaign } = condition;
      if (utmSource === undefined && utmMedium === undefined && utmCampaign === undefined)
        return Boolean(utm['source'] || utm['medium'] || utm['campaign']);
      return (
        sameText(utmSource, utm['source']) &&
        sameText(utmMedium, utm['medium']) &&
        sameText(utmCampaign, utm['campaign'])
      );
    }
    case 'form_submitted':
      return item.kind === 'form_submission' && same(condition.formId, item.subjects['form']?.id);
    case 'email_opened':
      return item.kind === 'email_open' && same(condition.messageId, item.subjects['message']?.id);
    case 'email_clicked': {
      if (item.kind !== 'email_click' || a['honeypot'] === true) return false;
      if (!same(condition.messageId, item.subjects['message']?.id)) return false;
      const url = item.subjects['link']?.name;
      return (
        condition.linkPattern === undefined ||
        (typeof url === 'string' && globMatches(condition.linkPattern, url))
      );
    }
    case 'unsubscribed':
      return item.kind === 'list_unsubscribed' && same(condition.listId, item.subjects['list']?.id);
    case 'offer_claimed':
      return item.kind === 'offer_claim' && same(condition.offerId, item.subjects['offer']?.id);
    case 'event_registered':
      return item.kind === 'event_registered' && same(condition.eventId, item.subjects['event']?.id);
    case 'event_attended':
      return item.kind === 'event_check_in' && same(condition.eventId, item.subjects['event']?.id);
    case 'contact_field':
      return false;
  }
}

/** A contact's fields as fit rules read them: the standard ones and the custom ones by key. */
export type ContactFields = Record<string, string | number | boolean | null | undefined>;

export function meetsFit(condition: Condition, fields: ContactFields): boolean {
  if (condition.type !== 'contact_field') return false;
  const value = fields[condition.field];
  if (value === null || value === undefined || value === '') return false;
  switch (condition.operator) {
    case 'is_set':
      return true;
    case 'equals':
      return String(value).trim().toLowerCase() === String(condition.value).trim().toLowerCase();
    case 'contains':
      return String(value).toLowerCase().includes(String(condition.value).toLowerCase());
    case 'at_least':
    case 'at_most': {
      const n = typeof value === 'number' ? value : Number(String(value).replace(/[\s,]/g, ''));
      if (!Number.isFinite(n)) return false;
      return condition.operator === 'at_least' ? n >= Number(condition.value) : n <= Number(condition.value);
    }
  }
}

/** What the ledger already holds for one rule and contact, at the interaction's time. */
export interface RuleState {
  /** Awards of the rule ever (frequency `first`). */
  awards: number;
  /** Awards of the rule on the interaction's UTC day. */
  awardsThatDay: number;
  /** Points of the rule not expired at the interaction's time. */
  activePoints: number;
  /** Engagement points of the model not expired at the interaction's time. */
  modelActivePoints: number;
}

/** The points one award of `rule` gives now (0: none), after frequency and caps. */
export function awardPoints(rule: Rule, spec: Pick<ModelSpec, 'maxScore'>, state: RuleState): number {
  if (rule.frequency === 'first' && state.awards > 0) return 0;
  if (rule.maxPerDay != null && state.awardsThatDay >= rule.maxPerDay) return 0;
  let points = rule.points;
  if (rule.maxPoints != null) {
    const room = rule.maxPoints - Math.abs(state.activePoints);
    if (room <= 0) return 0;
    points = Math.sign(points) * Math.min(Math.abs(points), room);
  }
  if (points > 0 && spec.maxScore != null)
    points = Math.min(points, Math.max(0, spec.maxScore - state.modelActivePoints));
  return points;
}

/** When an award made at `at` runs out under the model's decay (null: never). */
export function expiryOf(decay: Decay, at: number, points: number): number | null {
  if (decay.type === 'none') return null;
  if (decay.type === 'expiry') return at + decay.days * DAY_MS;
  // Half-life: gone once |points| × 2^(−t/h) rounds to 0, i.e. falls under a half.
  return at + Math.ceil(Math.log2(2 * Math.abs(points)) * decay.days * DAY_MS);
}

/** The UTC day (days since 1970) an instant falls on: the per-day cap's day. */
export const utcDay = (at: number) => Math.floor(at / DAY_MS);

/** One ledger row as the score reads it. */
export interface LedgerEntry {
  ruleId: string | null;
  points: number;
  awardedAt: number;
  expiresAt: number | null;
}

/** What an award still counts at `now`: all of it, nothing once expired, or halved by the half-life. */
export function valueAt(decay: Decay, entry: LedgerEntry, now: number): number {
  if (entry.expiresAt !== null && entry.expiresAt <= now) return 0;
  // Manual adjustments do not decay: a marketer set them on purpose.
  if (decay.type !== 'half_life' || entry.ruleId === null) return entry.points;
  const age = Math.max(0, now - entry.awardedAt);
  return entry.points * 0.5 ** (age / (decay.days * DAY_MS));
}

/** The score the ledger adds up to at `now` (whole points). */
export function scoreAt(decay: Decay, entries: readonly LedgerEntry[], now: number): number {
  const total = entries.reduce((sum, entry) => sum + valueAt(decay, entry, now), 0);
  return Math.round(total);
}

/** When a score computed at `now` next changes by itself (an award expiring, or an hour of half-life). */
export function nextChangeAt(decay: Decay, entries: readonly LedgerEntry[], now: number): number | null {
  let next: number | null = null;
  for (const entry of entries) {
    if (entry.expiresAt !== null && entry.expiresAt > now && (next === null || entry.expiresAt < next))
      next = entry.expiresAt;
  }
  if (decay.type === 'half_life' && next !== null) next = Math.min(next, now + 3_600_000);
  return next;
}

/** The contact fields a model's fit rules read (as `contactFields` names them: `job_title`, a custom key). */
export function fitFieldsOf(spec: Pick<ModelSpec, 'rules'>): Set<string> {
  const fields = new Set<string>();
  for (const rule of spec.rules)
    if (rule.condition.type === 'contact_field') fields.add(rule.condition.field);
  return fields;
}

/** A changed field as a contact change names it (`jobTitle`, `custom.size`) in fit's naming (`job_title`, `size`). */
export const fitFieldOfChange = (name: string) =>
  name.startsWith('custom.')
    ? name.slice('custom.'.length)
    : name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Whether a contact change (a `contact_change` item's kind and changed fields) may move the fit of a model
 * whose fit rules read `fitFields`: a created contact when the model has fit rules at all, an update
 * that changed one of them. A merge recomputes the winner itself and an erased contact has no scores.
 */
export function changeMovesFit(kind: string, changed: unknown, fitFields: ReadonlySet<string>): boolean {
  if (fitFields.size === 0) return false;
  if (kind === 'contact_created') return true;
  if (kind !== 'contact_updated' || !Array.isArray(changed)) return false;
  return changed.some((name) => typeof name === 'string' && fitFields.has(fitFieldOfChange(name)));
}
