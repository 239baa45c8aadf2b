// Email tokens: the open pixel, click redirects and one-click unsubscribe. A token names a send, a
// contact and (for clicks) a link position, sealed by the install's seal (src/platform/seal.ts,
// compact spelling), so keys rotate while old emails keep working. Nothing in a token is guessable
// or enumerable, and nothing in it can choose where a click goes: the destination is looked up.
import { type Opened, type Purpose, Seal, type SealKey } from '../platform/seal.ts';

export type TokenKind = 'open' | 'click' | 'unsubscribe';
/** The seal's key (config.ts names it so for SPOOR_TOKEN_KEYS). */
export type SigningKey = SealKey;

export interface TokenClaims {
  kind: TokenKind;
  sendId: string;
  contactId: string;
  /** The link's position in the message; 0 for kinds other than click. */
  position: number;
}

const PURPOSE_OF: Record<TokenKind, Purpose> = {
  open: 'email open',
  click: 'email click',
  unsubscribe: 'email unsubscribe',
};
const MAX_ID_BYTES = 64;

/** Email tokens over a seal: `keys[0]` signs; every key opens tokens of its version. */
export class TokenSigner {
  readonly seal: Seal;

  constructor(keys: readonly SealKey[] | Seal) {
    this.seal = keys instanceof Seal ? keys : new Seal(keys);
  }

  sign(claims: TokenClaims): string {
    return this.seal.sealBytes(PURPOSE_OF[claims.kind], encodeClaims(claims));
  }

  /** The claims of a genuine token of this kind, or why it is not one. */
  open(token: string, kind: TokenKind): Opened<TokenClaims> {
    const opened = this.seal.openBytes(PURPOSE_OF[kind], token);
    if (!opened.ok) return opened;
    const claims = decodeClaims(kind, opened.value);
    return claims ? { ...opened, value: claims } : { ok: false, error: 'malformed' };
  }

  /** The claims of a genuine token of this kind; null for anything altered, truncated, forged or of another kind. */
  verify(token: string, kind: TokenKind): TokenClaims | null {
    const opened = this.open(token, kind);
    return opened.ok ? opened.value : null;
  }
}

// Payload: len + send id, len + contact id, position (uint16 big-endian).
function encodeClaims(claims: TokenClaims): Buffer {
  const sendId = Buffer.from(claims.sendId, 'utf8');
  const contactId = Buffer.from(claims.contactId, 'utf8');
  if (
    sendId.length === 0 ||
    sendId.length > MAX_ID_BYTES ||
    contactId.length === 0 ||
    contactId.length > MAX_ID_BYTES
  )
    throw new Error('Token ids must be 1 to 64 bytes.');
  if (!Number.isInteger(claims.position) || claims.position < 0 || claims.position > 0xffff)
    throw new Error('Token link positions are 0 to 65535.');
  const payload = Buffer.alloc(1 + sendId.length + 1 + contactId.length + 2);
  let at = 0;
  payload[at++] = sendId.length;
  at += sendId.copy(payload, at);
  payload[at++] = contactId.length;
  at += contactId.copy(payload, at);
  payload.writeUInt16BE(claims.position, at);
  return payload;
}

function decodeClaims(kind: TokenKind, payload: Buffer): TokenClaims | null {
  let at = 0;
  const sendLength = payload[at++] ?? 0;
  const sendId = payload.subarray(at, at + sendLength).toString('utf8');
  at += sendLength;
  const contactLength = payload[at++] ?? 0;
  const contactId = payload.subarray(at, at + contactLength).toString('utf8');
  at += contactLength;
  if (at + 2 !== payload.length || sendId.length === 0 || contactId.length === 0) return null;
  return { kind, sendId, contactId, position: payload.readUInt16BE(at) };
}
