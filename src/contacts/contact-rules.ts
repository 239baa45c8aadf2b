// Pure rules for contact data: email normalisation and validation, field cleaning, custom-field typing.

import { isIsoDay } from '../lib/time.ts';
import type { CustomFieldDefinition, CustomValue, StandardField } from './contact.ts';

export interface NormalizedEmail {
  /** As stored: trimmed, domain lower-cased, local part as typed. */
  email: string;
  /** What duplicate detection compares: the whole address lower-cased. */
  match: string;
}

// Deliberately practical rather than RFC 5322-complete: one @, no spaces, a dotted domain.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@.]{2,}$/;

export function normalizeEmail(raw: string): NormalizedEmail | null {
  const trimmed = raw.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) return null;
  const at = trimmed.lastIndexOf('@');
  const email = `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
  if (email.includes('..')) return null;
  return { email, match: email.toLowerCase() };
}

const MAX_LENGTH: Record<StandardField, number> = {
  email: 254,
  firstName: 100,
  lastName: 100,
  company: 200,
  phone: 50,
  jobTitle: 200,
  country: 100,
};

export type FieldProblem = { field: string; message: string };

/** Trims a standard field; empty becomes null. Returns a problem for a value too long or malformed. */
export function cleanStandardField(
  field: StandardField,
  value: unknown,
): { value: string | null } | FieldProblem {
  if (value === null || value === undefined) return { value: null };
  if (typeof value !== 'string') return { field, message: 'must be text' };
  const trimmed = value.trim();
  if (trimmed === '') return { value: null };
  if (trimmed.length > MAX_LENGTH[field])
    return { field, message: `must be at most ${MAX_LENGTH[field]} characters` };
  if (field === 'email') {
    const normalized = normalizeEmail(trimmed);
    return normalized ? { value: normalized.email } : { field, message: 'is not a valid email address' };
  }
  if (field === 'phone' && !/^[+()\d\s./-]{3,}$/.test(trimmed))
    return { field, message: 'is not a phone number' };
  return { value: trimmed };
}

/** Converts a custom value to its field's type (forms and CSV send text). */
export function cleanCustomField(
  definition: CustomFieldDefinition,
  value: unknown,
): { value: CustomValue } | FieldProblem {
  const field = definition.key;
  if (value === null || value === undefined || value === '') return { value: null };
  switch (definition.type) {
    case 'text':
      if (typeof value !== 'string' && typeof value !== 'number') return { field, message: 'must be text' };
      return String(value).length > 2000
        ? { field, message: 'must be at most 2000 characters' }
        : { value: String(value).trim() };
    case 'number': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
      return Number.isFinite(n) ? { value: n } : { field, message: 'must be a number' };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      const text = String(value).trim().toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(text)) return { value: true };
      if (['false', 'no', '0', 'off'].includes(text)) return { value: false };
      return { field, message: 'must be true or false' };
    }
    case 'date': {
      const text = String(value).trim();
      return isIsoDay(text) ? { value: text } : { field, message: 'must be a date like 2026-01-31' };
    }
  }
}

export function isProblem(result: { value: unknown } | FieldProblem): result is FieldProblem {
  return 'message' in result;
}
