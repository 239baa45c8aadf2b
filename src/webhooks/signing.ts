// Standard Webhooks signing: `whsec_` secrets (base64 of random bytes), signed content
// `${id}.${timestamp}.${body}`, HMAC-SHA256, header `v1,<base64>` — several space-separated while a
// rotated secret is still in its overlap, so receivers holding either secret verify.
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
/** 32 random bytes: inside the specification's 24–64. */
const SECRET_BYTES = 32;

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** The `webhook-signature` header: one `v1,` signature per secret, newest first. */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', keyOf(secret)).update(content).digest('base64')}`)
    .join(' ');
}

export interface StoredSecret {
  secret: string;
  createdAt: number;
  /** After a rotation, the old secret still signs until then; null for the current one. */
  expiresAt: number | null;
}

/** The secrets that sign now: the current one and any rotated one still in its overlap. */
export function signingSecrets(stored: readonly StoredSecret[], now: number): string[] {
  return stored.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => s.secret);
}

/** After a rotation: the new secret first, the old ones kept for `overlapMs` (0: dropped now). */
export function rotateSecrets(
  stored: readonly StoredSecret[],
  fresh: string,
  now: number,
  overlapMs: number,
): StoredSecret[] {
  const kept = stored
    .map((s) => ({
      ...s,
      expiresAt: s.expiresAt === null ? now + overlapMs : Math.min(s.expiresAt, now + overlapMs),
    }))
    .filter((s) => (s.expiresAt ?? 0) > now);
  return [{ secret: fresh, createdAt: now, expiresAt: null }, ...kept];
}

/** What may be shown of a secret after creation: its start, enough to tell two apart. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, PREFIX.length + 4)}…`;
}
