// Mailgun's webhooks: the signature checked as Mailgun documents it ("Securing Webhooks": HMAC-SHA256 of
// the timestamp followed by the token, keyed with the webhook signing key, hex), compared in constant
// time, with a freshness window; the token's one use is enforced by the caller (webhook_tokens). Then
// the event: `failed` (permanent: a bounce judged by the one rule; temporary: Mailgun keeps trying)
// and `complained`, attributed by the message-id header and the recipient. Pure apart from the HMAC.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { classifyDsnRecipient } from './outcome-rules.ts';
import {
  address,
  bracketed,
  type Fields,
  fieldsOf,
  ignore,
  textOf,
  type WebhookEvent,
} from './webhook-event.ts';

/** Mailgun retries a failed POST after 5 and 10 minutes with the same signature: the first retry must pass. */
export const MAX_SKEW_MS = 15 * 60_000;

/** Mailgun gives some codes as numbers. */
const str = (value: unknown, max = 1000): string | null =>
  typeof value === 'number' ? String(value) : textOf(value, max);

export interface MailgunSigned {
  token: string;
  eventData: Fields;
}

export type MailgunCheck = { ok: true; signed: MailgunSigned } | { ok: false; reason: string };

/** The body's `signature` block checked against the key; the event data once it holds. */
export function checkMailgunSignature(key: string, body: unknown, now: number): MailgunCheck {
  const fields = fieldsOf(body);
  const signature = fieldsOf(fields?.['signature']);
  if (!signature) return { ok: false, reason: 'the body has no signature block' };
  const timestamp = signature['timestamp'];
  const token = signature['token'];
  const given = signature['signature'];
  const stamp = typeof timestamp === 'number' ? String(timestamp) : timestamp;
  if (typeof stamp !== 'string' || !/^\d{1,12}$/.test(stamp))
    return { ok: false, reason: 'the timestamp is not a number of seconds' };
  if (typeof token !== 'string' || !/^[A-Za-z0-9]{20,200}$/.test(token))
    return { ok: false, reason: 'the token is missing or malformed' };
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{64}$/.test(given))
    return { ok: false, reason: 'the signature is not 64 hexadecimal digits' };
  if (Math.abs(now - Number(stamp) * 1000) > MAX_SKEW_MS)
    return { ok: false, reason: 'the timestamp is more than 15 minutes away from now' };
  const expected = createHmac('sha256', key)
    .update(stamp + token)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex')))
    return { ok: false, reason: 'the signature does not match' };
  const eventData = fieldsOf(fields?.['event-data']);
  if (!eventData) return { ok: false, reason: 'the signed body has no event-data' };
  return { ok: true, signed: { token, eventData } };
}

/** One event's data into what it means; never throws. */
export function readMailgunEvent(data: Fields): WebhookEvent {
  const headers = fieldsOf(fieldsOf(data['message'])?.['headers']);
  const refs = {
    sendHeader: null,
    messageId: bracketed(headers?.['message-id']),
    email: address(data['recipient']),
  };
  const event = str(data['event'], 40);
  if (event === 'complained')
    return {
      ...refs,
      outcome: { kind: 'complaint', category: 'complaint', status: 'abuse', detail: null },
      ignored: null,
    };
  if (event !== 'failed') return ignore(refs, `a ${event ?? 'nameless'} event is no bounce or complaint`);
  const severity = str(data['severity'], 20);
  if (severity === 'temporary')
    return ignore(
      refs,
      'a temporary failure: Mailgun keeps trying, and reports a permanent one if it gives up',
    );
  if (severity !== 'permanent') return ignore(refs, 'a failure without a severity');
  const reason = str(data['reason'], 60) ?? '';
  const delivery = fieldsOf(data['delivery-status']) ?? {};
  const code = str(delivery['code'], 10);
  const words = [str(delivery['message']), str(delivery['description'])].filter(Boolean).join(' ').trim();
  const detail = (code ? `${code} ${words}` : words).slice(0, 1000) || `failed (${reason || 'no reason'})`;
  // Never sent: the address is on Mailgun's own lists.
  if (reason === 'suppress-bounce')
    return {
      ...refs,
      outcome: { kind: 'hard_bounce', category: 'suppression-list', status: null, detail },
      ignored: null,
    };
  if (reason === 'suppress-unsubscribe' || reason === 'suppress-complaint')
    return {
      ...refs,
      outcome: { kind: 'blocked', category: 'suppression-list', status: null, detail },
      ignored: null,
    };
  // Mailgun gave up retrying temporary failures.
  if (reason === 'old')
    return {
      ...refs,
      outcome: { kind: 'soft_bounce', category: 'message-expired', status: null, detail },
      ignored: null,
    };
  const status =
    str(delivery['enhanced-code'], 20) ?? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(words)?.[1] ?? null;
  // A 4xx reply reported as permanent is still the server's word: classify its text as a 5xx would be.
  const verdict = classifyDsnRecipient({ action: 'failed', status, diagnostic: detail }) ?? {
    kind: 'soft_bounce' as const,
    category: 'other' as const,
    status,
  };
  return { ...refs, outcome: { ...verdict, detail }, ignored: null };
}
