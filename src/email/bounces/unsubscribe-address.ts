// The mail address of an email's List-Unsubscribe (RFC 2369): u+<sealed send.contact>@<bounce domain>,
// beside the one-click https URL. Mail to it reaches the bounce receiver, which unsubscribes the contact
// as the one-click link does (unsubscribe-mail.ts): whatever the subject and body, the mail itself is
// the request (RFC 2369 §3.2). Sealed for its own purpose, so a return path (b+) never opens as an
// unsubscribe address, nor the reverse; no expiry (decision 028).
import { readSealedAddress, type Sealer, type VerpReading } from './verp.ts';

const PREFIX = 'u+';

export function unsubscribeAddress(seal: Sealer, domain: string, sendId: string, contactId: string): string {
  return `${PREFIX}${seal.sealText('unsubscribe address', [sendId, contactId])}@${domain}`;
}

/** The List-Unsubscribe `mailto:` URI; the subject is what mail clients prefill (RFC 2369 §2). */
export function unsubscribeMailto(seal: Sealer, domain: string, sendId: string, contactId: string): string {
  return `mailto:${unsubscribeAddress(seal, domain, sendId, contactId)}?subject=unsubscribe`;
}

/** What an envelope recipient names, if it is an unsubscribe address of this domain. */
export function readUnsubscribeAddress(seal: Sealer, domain: string, address: string): VerpReading {
  return readSealedAddress(seal, { purpose: 'unsubscribe address', prefix: PREFIX, domain }, address);
}
