// The VERP return path: each email leaves with its own envelope sender, b+<sealed>@<bounce domain>, the
// sealed part naming the send and the contact under the install's seal (src/platform/seal.ts). A DSN or
// an auto-reply comes back to that address, so it names the recipient it is about without reading a
// word of the report; a forged or altered address opens to nothing.
//
// The local part is 72 characters, over RFC 5321's 64-octet limit: every MTA in use takes longer ones
// (ESP return paths are longer still); an MTA that rewrites or folds its case only loses this first
// way of attributing the report, and the quoted X-Spoor-Send header or the Message-ID is used instead.
//
// The List-Unsubscribe mailto (unsubscribe-address.ts) is an address of the same shape at the same
// domain, u+<sealed>, sealed for another purpose: readSealedAddress reads both.
import type { Purpose, Seal, SealError } from '../../platform/seal.ts';

export type Sealer = Pick<Seal, 'sealText' | 'openText'>;

const PREFIX = 'b+';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function verpAddress(seal: Sealer, domain: string, sendId: string, contactId: string): string {
  return `${PREFIX}${seal.sealText('bounce address', [sendId, contactId])}@${domain}`;
}

export type VerpReading =
  | { ok: true; sendId: string; contactId: string }
  /** Not an address of this shape at this domain (another local part, another domain). */
  | { ok: false; error: 'not_verp' }
  /** Of the shape, but the seal does not open: altered, case-folded, or made elsewhere (`why` says how). */
  | { ok: false; error: 'forged'; why: SealError };

/** What an address `<prefix><sealed send.contact>@<domain>` names; pure. */
export function readSealedAddress(
  seal: Sealer,
  spec: { purpose: Purpose; prefix: string; domain: string },
  address: string,
): VerpReading {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== spec.domain.toLowerCase())
    return { ok: false, error: 'not_verp' };
  const local = address.slice(0, at);
  if (local.slice(0, spec.prefix.length).toLowerCase() !== spec.prefix)
    return { ok: false, error: 'not_verp' };
  const opened = seal.openText(spec.purpose, local.slice(spec.prefix.length));
  if (!opened.ok) return { ok: false, error: 'forged', why: opened.error };
  const [sendId = '', contactId = '', ...rest] = opened.value;
  if (rest.length > 0 || !ID.test(sendId) || !ID.test(contactId))
    return { ok: false, error: 'forged', why: 'malformed' };
  return { ok: true, sendId, contactId };
}

/** What an envelope recipient of the bounce domain names. */
export function readVerpAddress(seal: Sealer, domain: string, address: string): VerpReading {
  return readSealedAddress(seal, { purpose: 'bounce address', prefix: PREFIX, domain }, address);
}
