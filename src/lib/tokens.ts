// Signed tokens for email links: the open pixel, click redirects and one-click unsubscribe. A token
// names a send, a contact and (for clicks) a link position, and carries an HMAC-SHA256 under a
// versioned key, so keys can rotate while old emails keep working. Nothing in a token is guessable
// or enumerable, and nothing in it can choose where a click goes: the destination is looked up.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'open' | 'click' | 'unsubscribe';

export interface TokenClaims {
  kind: TokenKind;
  sendId: string;
  contactId: string;
  /** The link's position in the message; 0 for kinds other than click. */
  position: number;
}

export interface SigningKey {
  /** 1..255, written into every token so the right key verifies it after a rotation. */
  version: number;
  secret: Buffer;
}

const KIND_BYTE: Record<TokenKind, number> = { open: 1, click: 2, unsubscribe: 3 };
const KIND_OF_BYTE = new Map(Object.entries(KIND_BYTE).map(([kind, byte]) => [byte, kind as TokenKind]));
/** 128 bits of MAC: forging one is as hard as guessing a random id. */
const MAC_BYTES = 16;
const MAX_ID_BYTES = 64;

export class TokenSigner {
  private readonly byVersion: Map<number, Buffer>;
  private readonly current: SigningKey;

  /** `keys[0]` signs; every key verifies tokens of its version. */
  constructor(keys: readonly SigningKey[]) {
    const first = keys[0];
    if (!first) throw new Error('TokenSigner needs at least one key.');
    for (const key of keys) {
      if (!Number.isInteger(key.version) || key.version < 1 || key.version > 255)
        throw new Error(`Token key versions are 1 to 255; got ${key.version}.`);
      if (key.secret.length < 32) throw new Error('Token keys must be at least 32 bytes.');
    }
    this.current = first;
    this.byVersion = new Map(keys.map((key) => [key.version, key.secret]));
  }

  sign(claims: TokenClaims): string {
    const body = encodeBody(this.current.version, claims);
    return Buffer.concat([body, mac(this.current.secret, body)]).toString('base64url');
  }

  /** Whether this signer holds the key of the version a token names (false for garbage). */
  knowsVersionOf(token: string): boolean {
    const version = Buffer.from(token.slice(0, 4), 'base64url')[0];
    return version !== undefined && this.byVersion.has(version);
  }

  /** The claims of a genuine token of this kind; null for anything altered, truncated, forged or of another kind. */
  verify(token: string, kind: TokenKind): TokenClaims | null {
    if (typeof token !== 'string' || token.length > 400 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    // Base64 decoding ignores stray trailing bits and characters; only the canonical spelling counts.
    if (raw.length <= MAC_BYTES + 2 || raw.toString('base64url') !== token) return null;
    const body = raw.subarray(0, raw.length - MAC_BYTES);
    const secret = this.byVersion.get(body[0] as number);
    if (!secret) return null;
    if (!timingSafeEqual(mac(secret, body), raw.subarray(raw.length - MAC_BYTES))) return null;
    const claims = decodeBody(body);
    return claims && claims.kind === kind ? claims : null;
  }
}

function mac(secret: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, MAC_BYTES);
}

// Layout: version, kind, len + send id, len + contact id, position (uint16 big-endian).
function encodeBody(version: number, claims: TokenClaims): Buffer {
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
  const body = Buffer.alloc(2 + 1 + sendId.length + 1 + contactId.length + 2);
  let at = 0;
  body[at++] = version;
  body[at++] = KIND_BYTE[claims.kind];
  body[at++] = sendId.length;
  at += sendId.copy(body, at);
  body[at++] = contactId.length;
  at += contactId.copy(body, at);
  body.writeUInt16BE(claims.position, at);
  return body;
}

function decodeBody(body: Buffer): TokenClaims | null {
  const kind = KIND_OF_BYTE.get(body[1] as number);
  if (!kind) return null;
  let at = 2;
  const sendLength = body[at++] as number;
  const sendId = body.subarray(at, at + sendLength).toString('utf8');
  at += sendLength;
  const contactLength = body[at++] as number;
  const contactId = body.subarray(at, at + contactLength).toString('utf8');
  at += contactLength;
  if (at + 2 !== body.length || sendId.length === 0 || contactId.length === 0) return null;
  return { kind, sendId, contactId, position: body.readUInt16BE(at) };
}
