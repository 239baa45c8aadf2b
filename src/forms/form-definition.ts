// What a marketer defines for a form: its fields, how submissions find contacts, and what follows.
import { STANDARD_FIELDS } from '../contacts/contact.ts';
import { MATCH_PRESETS, type MatchField, type MatchPreset } from '../contacts/match-rules.ts';
import { normaliseDestination } from '../lib/destination-url.ts';
import { AppError } from '../lib/errors.ts';
import { compileUserPattern } from '../lib/user-pattern.ts';

export type FieldType =
  | 'text'
  | 'email'
  | 'tel'
  | 'textarea'
  | 'number'
  | 'date'
  | 'checkbox'
  | 'select'
  | 'hidden'
  | 'consent';

export interface FormField {
  /** A standard contact field (email, firstName, …), a custom contact field key, or for consent boxes any key. */
  key: string;
  type: FieldType;
  label: string;
  required?: boolean;
  /** Extra check on text input, a regular expression the whole value must match. */
  pattern?: string;
  /** Message shown when `pattern` fails. */
  patternMessage?: string;
  maxLength?: number;
  options?: string[];
  /** Hidden fields: the value to store when the page sends none. */
  defaultValue?: string;
  /** Fill this field for a returning contact who chose "remember me". */
  prefill?: boolean;
}

/** A list the submitter joins; with `consentField`, only when that consent box was ticked. */
export interface FormListSubscription {
  listId: string;
  consentField?: string;
}

/** The thank-you text of a form that sets none (and of one whose stored redirect cannot be followed). */
export const DEFAULT_THANK_YOU = 'Thank you!';

export type AfterSubmit = { kind: 'message'; text: string } | { kind: 'redirect'; url: string };

export interface FormDefinition {
  fields: FormField[];
  /** Contact fields that must all match for a submission to update an existing contact. */
  matchFields: MatchField[];
  /** 'update' the matched contact, or 'create' a new contact on every submission. */
  onMatch: 'update' | 'create';
  afterSubmit: AfterSubmit;
  /** Offer "remember me" and prefill the prefill-marked fields for contacts who chose it. */
  prefill: boolean;
  submitLabel: string;
  /** Hosted marketing page, served at /p/{slug}. */
  page: { slug: string; title: string; intro: string } | null;
  /** Lists the submitter joins (absent in definitions stored before lists existed). */
  lists?: FormListSubscription[];
  /** Sign-ups wait for the person to confirm by email before they are a contact (double opt-in). */
  doubleOptIn?: boolean;
}

export interface FormInput {
  name: string;
  websiteId?: string | null;
  fields: FormField[];
  matchRule?: MatchPreset | { fields: string[] };
  onMatch?: 'update' | 'create';
  afterSubmit?: AfterSubmit;
  prefill?: boolean;
  submitLabel?: string;
  page?: { slug: string; title: string; intro?: string } | null;
  lists?: FormListSubscription[];
  doubleOptIn?: boolean;
}

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;

/** Checks a definition; returns every problem, each a sentence naming the field it is about. */
export function checkFormInput(input: FormInput, customFieldKeys: readonly string[]): string[] {
  const problems: string[] = [];
  const contactFields = new Set<string>([...STANDARD_FIELDS, ...customFieldKeys]);
  const seen = new Set<string>();
  if (input.fields.length === 0) problems.push('A form needs at least one field.');
  for (const field of input.fields) {
    if (!KEY.test(field.key))
      problems.push(`Field key "${field.key}" must start with a letter and use letters, digits and _.`);
    if (seen.has(field.key)) problems.push(`Field "${field.key}" appears twice.`);
    seen.add(field.key);
    if (field.type !== 'consent' && !contactFields.has(field.key)) {
      problems.push(
        `Field "${field.key}" is not a contact field; define it under /api/contact-fields or make it a consent box.`,
      );
    }
    if (field.type === 'select' && (!field.options || field.options.length === 0)) {
      problems.push(`Select field "${field.key}" needs options.`);
    }
    if (field.prefill && (field.type === 'hidden' || field.type === 'consent')) {
      problems.push(`Field "${field.key}" cannot be prefilled (hidden fields and consent boxes never are).`);
    }
  }
  const matchFields = resolveMatchFields(input.matchRule);
  for (const f of matchFields) {
    if (!contactFields.has(f))
      problems.push(`Duplicate detection uses "${f}", which is not a contact field.`);
  }
  if (input.afterSubmit?.kind === 'redirect') {
    try {
      const url = new URL(input.afterSubmit.url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        problems.push('The redirect must be an http(s) URL.');
    } catch {
      problems.push('The redirect must be an absolute URL like https://www.example.com/thanks.');
    }
  }
  if (input.page && !SLUG.test(input.page.slug)) {
    problems.push('The page slug must use a-z, 0-9 and hyphens (at most 80 characters).');
  }
  if (input.prefill && !input.fields.some((f) => f.prefill)) {
    problems.push('Prefill is on but no field is marked for prefill.');
  }
  if (input.doubleOptIn && !input.fields.some((f) => f.key === 'email'))
    problems.push('Double opt-in confirms by email: the form needs an email field.');
  const listed = new Set<string>();
  for (const subscription of input.lists ?? []) {
    if (listed.has(subscription.listId)) problems.push(`List "${subscription.listId}" is named twice.`);
    listed.add(subscription.listId);
    const box = subscription.consentField;
    if (box !== undefined && !input.fields.some((f) => f.key === box && f.type === 'consent')) {
      problems.push(
        `The subscription to list "${subscription.listId}" waits on "${box}", which is not a consent box of this form.`,
      );
    }
  }
  return problems;
}

/**
 * What a well-formed definition asks for that Spoor cannot do (a pattern RE2 cannot run, a redirect that
 * cannot be a safe Location): each a sentence naming the field. Returns the input with the redirect URL
 * in its stored, normalised form.
 */
export function refineFormInput(input: FormInput): { input: FormInput; problems: string[] } {
  const problems: string[] = [];
  for (const field of input.fields) {
    if (field.pattern === undefined) continue;
    const compiled = compileUserPattern(field.pattern);
    if (!compiled.ok) {
      problems.push(
        `Field "${field.key}" has a pattern Spoor cannot use: ${compiled.problem}. Patterns use RE2 syntax, which always runs in linear time.`,
      );
    }
  }
  let afterSubmit = input.afterSubmit;
  if (afterSubmit?.kind === 'redirect') {
    try {
      afterSubmit = { kind: 'redirect', url: normaliseDestination(afterSubmit.url) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push(`The redirect cannot be used. ${error.message}`);
    }
  }
  return { input: afterSubmit ? { ...input, afterSubmit } : input, problems };
}

export function resolveMatchFields(rule: FormInput['matchRule']): MatchField[] {
  if (rule === undefined) return [...MATCH_PRESETS.email];
  if (typeof rule === 'string') return [...MATCH_PRESETS[rule]];
  return [...rule.fields];
}

export function toDefinition(input: FormInput): FormDefinition {
  return {
    fields: input.fields,
    matchFields: resolveMatchFields(input.matchRule),
    onMatch: input.onMatch ?? 'update',
    afterSubmit: input.afterSubmit ?? { kind: 'message', text: DEFAULT_THANK_YOU },
    prefill: input.prefill ?? false,
    submitLabel: input.submitLabel ?? 'Submit',
    page: input.page
      ? { slug: input.page.slug, title: input.page.title, intro: input.page.intro ?? '' }
      : null,
    lists: (input.lists ?? []).map(({ listId, consentField }) => ({
      listId,
      ...(consentField === undefined ? {} : { consentField }),
    })),
    ...(input.doubleOptIn ? { doubleOptIn: true } : {}),
  };
}
