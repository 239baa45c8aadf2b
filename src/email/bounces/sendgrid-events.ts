// SendGrid's signed event webhook: the signature checked exactly as SendGrid documents it (ECDSA P-256
// with SHA-256 over the timestamp header followed by the raw body, base64 DER signature, the public
// key as SendGrid shows it), then each event of the JSON array read into an outcome. Pure apart from
// the crypto; nothing is parsed before the signature holds.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { classifyDsnRecipient } from './outcome-rules.ts';
import type { WebhookEvent } from './webhook-event.ts';

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';
/** A signed request older (or newer) than this is refused: a captured request cannot be replayed later. */
export const MAX_SKEW_MS = 15 * 60_000;

export function sendgridKey(base64Der: string): KeyObject {
  return createPublicKey({ key: Buffer.from(base64Der, 'base64'), format: 'der', type: 'spki' });
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function checkSignature(
  key: KeyObject,
  rawBody: string,
  signature: string | undefined,
  timestamp: string | undefined,
  now: number,
): SignatureCheck {
  if (!signature || !timestamp) return { ok: false, reason: 'the signature or timestamp header is missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'the timestamp is not a number of seconds' };
  if (Math.abs(now - Number(timestamp) * 1000) > MAX_SKEW_MS)
    return { ok: false, reason: 'the timestamp is more than 15 minutes away from now' };
  if (!/^[A-Za-z0-9+/]{8,200}={0,2}$/.test(signature))
    return { ok: false, reason: 'the signature is not base64' };
  let valid = false;
  try {
    valid = verify('sha256', Buffer.from(timestamp + rawBody, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'the signature does not match' };
}

const text = (value: unknown, max = 1000) => (typeof value === 'string' ? value.slice(0, max) : null);

/** One event of the array into what it means; never throws. */
export function readSendgridEvent(event: unknown): WebhookEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return { sendHeader: null, messageId: null, email: null, outcome: null, ignored: 'not an event object' };
  const fields = event as Record<string, unknown>;
  const smtpId = text(fields['smtp-id'], 300)?.trim() ?? null;
  const messageId = smtpId ? (smtpId.startsWith('<') ? smtpId : `<${smtpId}>`) : null;
  const email = text(fields['email'], 320)?.trim().toLowerCase() ?? null;
  const base = { sendHeader: null, messageId, email };
  switch (fields['event']) {
    case 'bounce': {
      const status = text(fields['status'], 20);
      const reason = text(fields['reason']);
      // "blocked" bounces are SendGrid's temporary and policy refusals; the words still decide.
      const verdict = classifyDsnRecipient({ action: 'failed', status, diagnostic: reason });
      if (!verdict) return { ...base, outcome: null, ignored: 'a bounce without a failure status' };
      return { ...base, outcome: { ...verdict, detail: reason ?? status }, ignored: null };
    }
    case 'spamreport':
      return {
        ...base,
        outcome: { kind: 'complaint', category: 'complaint', status: 'abuse', detail: null },
        ignored: null,
      };
    default:
      return {
        ...base,
        outcome: null,
        ignored: `a ${String(fields['event']).slice(0, 30)} event is no bounce or complaint`,
      };
  }
}
