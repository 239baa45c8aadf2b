// What one event of an email provider's webhook means, whichever provider sent it: the email it names
// (our X-Spoor-Send header or our Message-ID, as the provider echoes them), the address it is about,
// and the outcome it brings, or why it brings none. Each provider's reader (sendgrid-events.ts,
// ses-events.ts, mailgun-events.ts, postmark-events.ts) makes these; record-webhook-events.ts records them.
import type { OutcomeKind } from '../../storage/schema.ts';

/** A JSON object's fields, as a provider's payload holds them. */
export type Fields = Record<string, unknown>;

/** The value as a JSON object's fields; null for anything else (an array, a string, null). */
export const fieldsOf = (value: unknown): Fields | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;

/** The value when it is a string, cut to `max` characters; null for anything else. */
export const textOf = (value: unknown, max = 1000): string | null =>
  typeof value === 'string' ? value.slice(0, max) : null;

export interface WebhookOutcome {
  kind: OutcomeKind;
  category: string;
  status: string | null;
  detail: string | null;
}

export interface WebhookEvent {
  /** Our X-Spoor-Send header's value, when the provider echoes the email's headers. */
  sendHeader: string | null;
  /** Our Message-ID, with angle brackets. */
  messageId: string | null;
  /** The address the event is about, lower-case. */
  email: string | null;
  outcome: WebhookOutcome | null;
  /** Why an event records nothing (a delivery, an open, a delay …). */
  ignored: string | null;
}

/** A Message-ID as stored: with its angle brackets, whether or not the provider kept them. */
export function bracketed(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > 300) return null;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

export function address(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 320 ? value.trim().toLowerCase() || null : null;
}

export const ignore = (
  refs: Pick<WebhookEvent, 'sendHeader' | 'messageId' | 'email'>,
  why: string,
): WebhookEvent => ({ ...refs, outcome: null, ignored: why });
