// A scoring model as a marketer writes it (rules, decay, grades, the sales-ready threshold) and the one
// check that says, field by field, what is wrong with one. Pure: data in, data out (decision 036).

/** What a rule looks at: one interaction of the contact, or the contact's own fields (fit). */
export type Condition =
  /** A visit whose entry page's path matches a glob (`*` any run of characters), e.g. `/pricing*`. */
  | { type: 'page_visit'; urlPattern: string }
  /** A visit with at least this much engaged time. */
  | { type: 'engaged_time'; seconds: number }
  /** A visit tagged with a campaign: every UTM value given must match (case-insensitive); none given: any tag. */
  | { type: 'campaign_visit'; utmSource?: string; utmMedium?: string; utmCampaign?: string }
  | { type: 'form_submitted'; formId?: string }
  | { type: 'email_opened'; messageId?: string }
  /** A click in an email; `linkPattern` (a glob over the link's URL) narrows it to a link of the message. */
  | { type: 'email_clicked'; messageId?: string; linkPattern?: string }
  | { type: 'unsubscribed'; listId?: string }
  | { type: 'offer_claimed'; offerId?: string }
  | { type: 'event_registered'; eventId?: string }
  | { type: 'event_attended'; eventId?: string }
  /** Fit: a field of the contact (job title, country, company …, or a custom field's key). */
  | { type: 'contact_field'; field: string; operator: FieldOperator; value?: string | number };

export type FieldOperator = 'equals' | 'contains' | 'is_set' | 'at_least' | 'at_most';
export const FIELD_OPERATORS: readonly FieldOperator[] = [
  'equals',
  'contains',
  'is_set',
  'at_least',
  'at_most',
];
export const CONDITION_TYPES = [
  'page_visit',
  'engaged_time',
  'campaign_visit',
  'form_submitted',
  'email_opened',
  'email_clicked',
  'unsubscribed',
  'offer_claimed',
  'event_registered',
  'event_attended',
  'contact_field',
] as const;

export interface Rule {
  /** Stable within the model (a ledger row names it): letters, digits, `-` and `_`. */
  id: string;
  name: string;
  condition: Condition;
  /** Whole points; negative takes points away. */
  points: number;
  /** `each`: every matching interaction; `first`: the first one only. Fit rules hold while the field does. */
  frequency: 'each' | 'first';
  /** At most this many awards of the rule per contact per UTC day. */
  maxPerDay?: number | null;
  /** At most this many points (in absolute value) from the rule for a contact, not counting expired ones. */
  maxPoints?: number | null;
}

export type Decay =
  | { type: 'none' }
  /** Each award expires this many days after the interaction. */
  | { type: 'expiry'; days: number }
  /** Each award halves every this many days; it is gone once it rounds to nothing. */
  | { type: 'half_life'; days: number };

/** A grade holds scores from `min` (inclusive) up to the next grade's `min`; the lowest one holds all below. */
export interface Grade {
  name: string;
  min: number;
}

export interface ModelSpec {
  rules: Rule[];
  decay: Decay;
  /** Highest `min` first; contiguous by construction (each ends where the one above begins). */
  grades: Grade[];
  /** A contact whose score reaches it becomes sales-ready (and stays so until a marketer clears it). */
  salesReadyThreshold: number | null;
  /** At most this many points from engagement rules (fit rules apart); null: no cap. */
  maxScore?: number | null;
}

export const LIMITS = { rules: 100, grades: 20, points: 10_000, days: 3_650, name: 200, pattern: 500 };
const RULE_ID = /^[A-Za-z0-9_-]{1,40}$/;

const isWhole = (n: unknown, min: number, max: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

/** Every problem of a model, keyed by the field's path (`rules.2.points`); empty when it is valid. */
export function modelProblems(spec: ModelSpec): Record<string, string> {
  const problems: Record<string, string> = {};
  if (spec.rules.length > LIMITS.rules) problems['rules'] = `at most ${LIMITS.rules} rules`;
  const ids = new Set<string>();
  spec.rules.forEach((rule, i) => {
    const at = `rules.${i}`;
    if (!RULE_ID.test(rule.id)) problems[`${at}.id`] = 'letters, digits, - and _ (1 to 40)';
    else if (ids.has(rule.id)) problems[`${at}.id`] = `"${rule.id}" is used by another rule`;
    ids.add(rule.id);
    if (!rule.name.trim()) problems[`${at}.name`] = 'a rule needs a name';
    if (!isWhole(rule.points, -LIMITS.points, LIMITS.points) || rule.points === 0)
      problems[`${at}.points`] = `a whole number from ${-LIMITS.points} to ${LIMITS.points}, not 0`;
    if (rule.maxPerDay != null && !isWhole(rule.maxPerDay, 1, 1_000_000))
      problems[`${at}.maxPerDay`] = 'a whole number of 1 or more';
    if (rule.maxPoints != null && !isWhole(rule.maxPoints, 1, 10_000_000))
      problems[`${at}.maxPoints`] = 'a whole number of 1 or more';
    const condition = conditionProblem(rule.condition);
    if (condition) problems[`${at}.condition`] = condition;
  });
  if (spec.decay.type !== 'none' && !isWhole(spec.decay.days, 1, LIMITS.days))
    problems['decay.days'] = `a whole number of days from 1 to ${LIMITS.days}`;
  if (spec.grades.length > LIMITS.grades) problems['grades'] = `at most ${LIMITS.grades} grades`;
  const names = new Set<string>();
  spec.grades.forEach((grade, i) => {
    if (!grade.name.trim()) problems[`grades.${i}.name`] = 'a grade needs a name';
    else if (names.has(grade.name)) problems[`grades.${i}.name`] = `"${grade.name}" is used twice`;
    names.add(grade.name);
    if (!Number.isInteger(grade.min)) problems[`grades.${i}.min`] = 'a whole number';
    const above = spec.grades[i - 1];
    if (above && grade.min >= above.min)
      problems[`grades.${i}.min`] =
        `grades go from the highest down: ${grade.min} is not below "${above.name}" (${above.min})`;
  });
  if (spec.salesReadyThreshold != null && !Number.isInteger(spec.salesReadyThreshold))
    problems['salesReadyThreshold'] = 'a whole number, or null for none';
  if (spec.maxScore != null && !isWhole(spec.maxScore, 1, 100_000_000))
    problems['maxScore'] = 'a whole number of 1 or more, or null for none';
  return problems;
}

function conditionProblem(condition: Condition): string | null {
  switch (condition.type) {
    case 'page_visit':
      return condition.urlPattern.length === 0 || condition.urlPattern.length > LIMITS.pattern
        ? `a page pattern of 1 to ${LIMITS.pattern} characters, such as /pricing*`
        : null;
    case 'engaged_time':
      return isWhole(condition.seconds, 1, 86_400) ? null : 'seconds: a whole number from 1 to 86400';
    case 'email_clicked':
      return condition.linkPattern !== undefined && condition.linkPattern.length > LIMITS.pattern
        ? `a link pattern of at most ${LIMITS.pattern} characters`
        : null;
    case 'contact_field':
      if (!condition.field.trim()) return 'name the contact field';
      if (condition.operator === 'is_set') return null;
      if (condition.value === undefined || condition.value === '')
        return `"${condition.operator}" needs a value`;
      if (
        (condition.operator === 'at_least' || condition.operator === 'at_most') &&
        typeof condition.value !== 'number'
      )
        return `"${condition.operator}" compares numbers: the value must be a number`;
      return null;
    default:
      return null;
  }
}

/** The grade a score falls in (null when the model has none). */
export function gradeOf(grades: readonly Grade[], score: number): string | null {
  if (grades.length === 0) return null;
  for (const grade of grades) if (score >= grade.min) return grade.name;
  return grades.at(-1)?.name ?? null;
}

/** Whether a rule reads the contact's fields (fit) rather than an interaction. */
export const isFitRule = (rule: Rule) => rule.condition.type === 'contact_field';
