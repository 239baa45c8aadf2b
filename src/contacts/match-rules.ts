// Duplicate detection: does a submission name an existing contact? Pure, so every rule is a table test.
import type { StandardField } from './contact.ts';

/** Fields a rule may compare: standard fields or custom field keys. */
export type MatchField = StandardField | string;

export const MATCH_PRESETS = {
  /** The default: one person per email address. */
  email: ['email'],
  /** Microsoft Dynamics Marketing's landing-page rule. */
  'name-email-company': ['firstName', 'lastName', 'email', 'company'],
} as const satisfies Record<string, readonly MatchField[]>;

export type MatchPreset = keyof typeof MATCH_PRESETS;

/** Comparison form of a value: trimmed, inner spaces collapsed, case-folded; empty is null. */
export function matchValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim().replace(/\s+/g, ' ').toLowerCase();
  return text === '' ? null : text;
}

export type ValuesByField = Record<string, unknown>;

/**
 * The key that identifies a person under a rule, or null when the submission cannot match anyone
 * (every rule field is empty). Fields compare normalised; an empty field matches only an empty one.
 */
export function matchKey(rule: readonly MatchField[], values: ValuesByField): string | null {
  const parts = rule.map((field) => matchValue(values[field]));
  if (parts.every((p) => p === null)) return null;
  return JSON.stringify(rule.map((field, i) => [field, parts[i]]));
}

/** Whether a stored contact satisfies the rule for the submitted values. */
export function contactMatches(
  rule: readonly MatchField[],
  submitted: ValuesByField,
  contact: ValuesByField,
): boolean {
  const key = matchKey(rule, submitted);
  return key !== null && key === matchKey(rule, contact);
}
