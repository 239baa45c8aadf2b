// The X-Spoor-Send header and the Message-ID of each email. A bounce (a DSN quoting the headers, an
// ESP webhook echoing them) is attributed by them to the send and the contact, while no address or
// name travels in them: the header names two random ids and seals them with the install's keyed
// hash, so a forged bounce cannot mark another contact; the Message-ID is an opaque hash.
import { timingSafeEqual } from 'node:crypto';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';

export const SEND_HEADER = 'X-Spoor-Send';
const VERSION = '1';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function sendHeaderValue(secrets: InstallSecrets, sendId: string, contactId: string): string {
  return `${VERSION}.${sendId}.${contactId}.${secrets.hash('x-spoor-send', sendId, contactId)}`;
}

/** The send and contact a genuine header names; null for anything altered or forged. */
export function parseSendHeader(
  secrets: InstallSecrets,
  value: string,
): { sendId: string; contactId: string } | null {
  const [version, sendId, contactId, seal, ...rest] = value.trim().split('.');
  if (version !== VERSION || rest.length > 0 || !sendId || !contactId || !seal) return null;
  if (!ID.test(sendId) || !ID.test(contactId)) return null;
  const expected = Buffer.from(secrets.hash('x-spoor-send', sendId, contactId));
  const given = Buffer.from(seal);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { sendId, contactId } : null;
}

/** The same for every attempt at a recipient, so it is known even for one left unconfirmed. */
export function messageIdFor(secrets: InstallSecrets, publicUrl: string, sendId: string, contactId: string) {
  return `<${secrets.hash('message-id', sendId, contactId)}@${new URL(publicUrl).hostname}>`;
}
