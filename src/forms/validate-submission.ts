// Checks submitted values against a form's fields: per-field messages a person can act on. Pure.

import { normalizeEmail } from '../contacts/contact-rules.ts';
import { matchesWhole } from '../lib/user-pattern.ts';
import type { FormDefinition, FormField } from './form-definition.ts';

export interface CheckedSubmission {
  /** Values for contact fields, as text (contact rules clean and type them). */
  contactValues: Record<string, string | null>;
  /** Consent boxes: key → ticked. */
  consents: Record<string, boolean>;
}

export type SubmissionCheck =
  | { ok: true; value: CheckedSubmission }
  | { ok: false; errors: Record<string, string> };

const TRUTHY = new Set(['on', 'true', '1', 'yes']);

function text(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (Array.isArray(raw)) return text(raw[0]);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const value = String(raw).trim();
  return value === '' ? null : value;
}

function checkField(field: FormField, value: string | null): string | null {
  if (value === null) return field.required ? `${field.label} is required.` : null;
  const max = field.maxLength ?? (field.type === 'textarea' ? 5000 : 500);
  if (value.length > max) return `${field.label} must be at most ${max} characters.`;
  switch (field.type) {
    case 'email':
      if (!normalizeEmail(value)) return `${field.label} must be an email address like name@example.com.`;
      break;
    case 'tel':
      if (!/^[+()\d\s./-]{3,}$/.test(value)) return `${field.label} must be a phone number.`;
      break;
    case 'number':
      if (!Number.isFinite(Number(value))) return `${field.label} must be a number.`;
      break;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        return `${field.label} must be a date (YYYY-MM-DD).`;
      }
      break;
    case 'select':
      if (!field.options?.includes(value)) return `${field.label} must be one of the choices.`;
      break;
  }
  // A stored pattern RE2 cannot run (saved before patterns were checked) is skipped: refusing every
  // submission would break the form, and the value is still bounded and typed above.
  if (field.pattern && matchesWhole(field.pattern, value) === false) {
    return field.patternMessage ?? `${field.label} is not in the expected format.`;
  }
  return null;
}

export function checkSubmission(definition: FormDefinition, raw: Record<string, unknown>): SubmissionCheck {
  const errors: Record<string, string> = {};
  const contactValues: Record<string, string | null> = {};
  const consents: Record<string, boolean> = {};
  for (const field of definition.fields) {
    if (field.type === 'consent' || field.type === 'checkbox') {
      const ticked = TRUTHY.has(String(text(raw[field.key]) ?? '').toLowerCase());
      if (field.required && !ticked) errors[field.key] = `${field.label} must be ticked.`;
      if (field.type === 'consent') consents[field.key] = ticked;
      else contactValues[field.key] = ticked ? 'true' : 'false';
      continue;
    }
    const value = text(raw[field.key]) ?? (field.type === 'hidden' ? (field.defaultValue ?? null) : null);
    const problem = checkField(field, value);
    if (problem) errors[field.key] = problem;
    else if (value !== null) contactValues[field.key] = value;
  }
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, value: { contactValues, consents } };
}
