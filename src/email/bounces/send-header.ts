// The X-Spoor-Send header and the Message-ID of each email. A bounce (a DSN quoting the headers, an
// ESP webhook echoing them) is attributed by them to the send and the contact, while no address or
// name travels in them: the header names two random ids under the install's seal
// (src/platform/seal.ts), so a forged bounce cannot mark another contact; the Message-ID is an
// opaque hash.
import type { Seal } from '../../platform/seal.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';

export const SEND_HEADER = 'X-Spoor-Send';
/** The header's format: 2 is sealed with a versioned key; 1 (before the seal) opens in the legacy window. */
const FORMAT = '2';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

type Sealer = Pick<Seal, 'sealText' | 'openText'>;

export function sendHeaderValue(secrets: { seal: Sealer }, sendId: string, contactId: string): string {
  return secrets.seal.sealText('send header', [FORMAT, sendId, contactId]);
}

/** The send and contact a genuine header names; null for anything altered or forged. */
export function parseSendHeader(
  secrets: { seal: Sealer },
  value: string,
): { sendId: string; contactId: string } | null {
  const opened = secrets.seal.openText('send header', value.trim());
  if (!opened.ok) return null;
  const [format, sendId = '', contactId = '', ...rest] = opened.value;
  // Key version 0 is the pre-seal install hash, which only ever signed format 1.
  if (format !== (opened.keyVersion === 0 ? '1' : FORMAT) || rest.length > 0) return null;
  return ID.test(sendId) && ID.test(contactId) ? { sendId, contactId } : null;
}

/** The same for every attempt at a recipient, so it is known even for one left unconfirmed. */
export function messageIdFor(secrets: InstallSecrets, publicUrl: string, sendId: string, contactId: string) {
  return `<${secrets.hash('message-id', sendId, contactId)}@${new URL(publicUrl).hostname}>`;
}
