// Every signed value Spoor hands out (email tokens, click handoffs, send headers, and whatever comes
// next) is sealed here: one key ring with versions, one MAC construction, one rotation rule.
//
// A seal is HMAC-SHA256(key of version v, v ‖ purpose ‖ payload), cut to 128 bits. The key version
// travels in the value, so the current key seals while older ones still open until retired; the
// purpose byte is under the MAC, so a value sealed for one purpose never opens as another. Two
// spellings of the same construction:
//   compact  base64url(v ‖ purpose ‖ payload ‖ mac): email tokens, in every link of every email. Kept
//            because every email already sent carries it (a second email-token spelling would have
//            to be parsed forever) and it is one opaque URL word. Not for its size: measured, a click
//            token is 88 characters, the text spelling of the same claims 73 (the ids are base64url
//            already and compact encodes them again); see docs/decisions/012-one-seal.md.
//   text     field.field….tag, tag = base64url(v ‖ purpose ‖ mac) (24 characters): values whose
//            fields stay readable (a handoff's visitor and expiry, a header's ids).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SealKey {
  /** 1..255, written into every sealed value so the right key opens it after a rotation. */
  version: number;
  secret: Buffer;
}

interface PurposeSpec {
  /** The purpose byte: unique, never reused once values carrying it exist. */
  readonly id: number;
  readonly spelling: 'compact' | 'text';
  /** Values of this purpose expire this long after sealing (the expiry is under the seal). */
  readonly lifetimeMs?: number;
  /**
   * The pre-seal spelling (text values signed with the install's hash key before the seal existed):
   * the parts the old code hashed, given the fields; null if the fields are not of that shape. Opened
   * only during the legacy window (src/secrets/install-secrets.ts); delete once no release needs it.
   */
  readonly legacy?: (fields: readonly string[]) => string[] | null;
}

/** Every purpose a value is sealed for. Adding one is a line here (a new, never-used id). */
export const PURPOSES = {
  'email open': { id: 1, spelling: 'compact' },
  'email click': { id: 2, spelling: 'compact' },
  'email unsubscribe': { id: 3, spelling: 'compact' },
  'click handoff': {
    id: 4,
    spelling: 'text',
    lifetimeMs: 10 * 60_000,
    legacy: (fields) => ['handoff', ...fields],
  },
  'send header': {
    id: 5,
    spelling: 'text',
    legacy: ([format, sendId = '', contactId = '', ...rest]) =>
      format === '1' && rest.length === 0 ? ['x-spoor-send', sendId, contactId] : null,
  },
  /** An invitation link (src/access/users/account-links.ts): names the invitation row, which is single use. */
  'account invitation': { id: 6, spelling: 'text', lifetimeMs: 7 * 24 * 3_600_000 },
  /** The link printed at first start to create the first administrator. */
  'first administrator': { id: 7, spelling: 'text', lifetimeMs: 24 * 3_600_000 },
  /** A password reset link: names the reset row, which is single use. */
  'password reset': { id: 8, spelling: 'text', lifetimeMs: 60 * 60_000 },
  /**
   * The VERP return path of one email (src/email/bounces/verp.ts): names send × contact. No expiry: a
   * DSN may come days later.
   */
  'bounce address': { id: 20, spelling: 'text' },
  /**
   * The `mailto:` of an email's List-Unsubscribe (src/email/bounces/unsubscribe-address.ts): names send
   * × contact. No expiry, as the one-click link's token (id 3) has none: an unsubscribe must work
   * whenever the email is read; retiring the key is what ends it (decision 028).
   */
  'unsubscribe address': { id: 12, spelling: 'text' },
  /**
   * A subscription center link in sent email ({{ subscription_center_url }}): names the send and the
   * contact; 90 days, so an email read weeks later still lets its reader choose (decision 023).
   */
  'subscription center': { id: 17, spelling: 'text', lifetimeMs: 90 * 24 * 3_600_000 },
  /** A double opt-in confirmation link: names the pending sign-up, which lasts as long (30 days). */
  'sign-up confirmation': { id: 18, spelling: 'text', lifetimeMs: 30 * 24 * 3_600_000 },
  /**
   * An offer link in sent email ({{ offer "ID" }}): names offer × send × contact. No expiry of its own: the
   * offer's end date says when it stops claiming, and after it the link still leads to the ended page.
   */
  'offer link': { id: 13, spelling: 'text' },
  /**
   * A forward-to-a-friend form link ({{ forward_url }}, src/email/forwards): names the send and the
   * forwarder; 90 days, as the subscription center's (decision 026).
   */
  'forward form': { id: 9, spelling: 'text', lifetimeMs: 90 * 24 * 3_600_000 },
  /** The open pixel of a friend's forwarded copy: names the send and the copy (never a contact). */
  'forward open': { id: 10, spelling: 'compact' },
  /** A tracked link of a friend's forwarded copy: the send, the copy and the link's position. */
  'forward click': { id: 11, spelling: 'compact' },
  /** An event website sign-in link (src/events/sign-in.ts): names the sign-in row, which is single use. */
  'event sign-in': { id: 14, spelling: 'text', lifetimeMs: 30 * 60_000 },
  /**
   * The event portal session cookie: names the portal session row (sign-out ends it); 12 hours at most,
   * though the cookie itself lasts the browser session.
   */
  'event portal session': { id: 15, spelling: 'text', lifetimeMs: 12 * 3_600_000 },
  /**
   * A waitlist place offer link (src/events/waitlist.ts): names the registration and the offer (its
   * offered_at), so it is single use and dies with the offer; the offer's own time (config) ends it.
   */
  'event waitlist offer': { id: 19, spelling: 'text' },
  /** A "leave the waitlist" link in a waitlisted person's emails: names the registration; works while it waits. */
  'event waitlist leave': { id: 21, spelling: 'text' },
  /**
   * An event pass code, the QR code of a registration (src/events/check-in/pass-code.ts): names the
   * registration only. No expiry: the registration's status says whether it admits (decision 035).
   */
  'event pass': { id: 16, spelling: 'text' },
} as const satisfies Record<string, PurposeSpec>;

export type Purpose = keyof typeof PURPOSES;

export type SealError =
  /** Not the shape of any sealed value (truncated, padded, wrong characters). */
  | 'malformed'
  /** The MAC does not match: altered, or made with a key that is not this install's. */
  | 'forged'
  /** Genuine, but sealed for another purpose. */
  | 'wrong-purpose'
  | 'expired'
  /** A key version newer than any this node holds (another node rotated; re-read the keys). */
  | 'unknown-key'
  /** A key version older than the current one that is no longer held: retired. */
  | 'retired-key';

export type Opened<T> = { ok: true; value: T; keyVersion: number } | { ok: false; error: SealError };

export interface LegacyOpening {
  /** The install hash the pre-seal values were signed with. */
  hash: (...parts: string[]) => string;
  /** Pre-seal values open until this moment (ms), and are refused as of a retired key after. */
  until: number;
}

export interface SealOptions {
  legacy?: LegacyOpening;
  /** Told when a value names a newer key version than this ring holds (to re-read the stored keys). */
  onUnknownKey?: () => void;
}

/** 128 bits of MAC: forging a value is as hard as guessing a random id. */
const MAC_BYTES = 16;
const HEADER_BYTES = 2;
const TAG_CHARS = 24; // base64url of version ‖ purpose ‖ mac (18 bytes, no padding)
const LEGACY_TAG_CHARS = 22; // base64url of the 16-byte install hash
const EXPIRY_BYTES = 6;
const MAX_CHARS = 400;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const FIELD = /^[A-Za-z0-9_-]{1,128}$/;
const EXPIRY_FIELD = /^[0-9a-z]{1,12}$/;

const PURPOSE_OF_ID = new Map<number, Purpose>();
for (const [name, spec] of Object.entries(PURPOSES) as [Purpose, PurposeSpec][]) {
  if (PURPOSE_OF_ID.has(spec.id))
    throw new Error(`Seal purposes "${name}" and "${PURPOSE_OF_ID.get(spec.id)}" share id ${spec.id}.`);
  PURPOSE_OF_ID.set(spec.id, name);
}

function specOf(purpose: Purpose, spelling: PurposeSpec['spelling']): PurposeSpec {
  const spec: PurposeSpec = PURPOSES[purpose];
  if (spec.spelling !== spelling) throw new Error(`Seal purpose "${purpose}" is spelled ${spec.spelling}.`);
  return spec;
}

function validKeys(keys: readonly SealKey[]): Map<number, Buffer> {
  if (keys.length === 0) throw new Error('A seal needs at least one key.');
  for (const key of keys) {
    if (!Number.isInteger(key.version) || key.version < 1 || key.version > 255)
      throw new Error(`Seal key versions are 1 to 255; got ${key.version}.`);
    if (key.secret.length < 32) throw new Error('Seal keys must be at least 32 bytes.');
  }
  const byVersion = new Map(keys.map((key) => [key.version, key.secret]));
  if (byVersion.size !== keys.length) throw new Error('Seal keys name a version twice.');
  return byVersion;
}

/** The node's key ring: `keys[0]` seals; every key held opens values of its version. */
export class Seal {
  private byVersion: Map<number, Buffer>;
  private current: SealKey;
  private newest: number;

  constructor(
    keys: readonly SealKey[],
    private readonly options: SealOptions = {},
  ) {
    this.byVersion = validKeys(keys);
    this.current = keys[0] as SealKey;
    this.newest = Math.max(...this.byVersion.keys());
  }

  /** Replaces the ring (keys re-read after a rotation elsewhere). */
  useKeys(keys: readonly SealKey[]): void {
    this.byVersion = validKeys(keys);
    this.current = keys[0] as SealKey;
    this.newest = Math.max(...this.byVersion.keys());
  }

  get currentVersion(): number {
    return this.current.version;
  }

  /** A compact value: base64url(version ‖ purpose ‖ payload [‖ expiry] ‖ mac). */
  sealBytes(purpose: Purpose, payload: Buffer, now = Date.now()): string {
    const spec = specOf(purpose, 'compact');
    const extra = spec.lifetimeMs === undefined ? 0 : EXPIRY_BYTES;
    const bodyLength = HEADER_BYTES + payload.length + extra;
    // One buffer for the value (a seal per link per email: no intermediate copies).
    const value = Buffer.allocUnsafe(bodyLength + MAC_BYTES);
    value[0] = this.current.version;
    value[1] = spec.id;
    payload.copy(value, HEADER_BYTES);
    if (spec.lifetimeMs !== undefined) value.writeUIntBE(now + spec.lifetimeMs, bodyLength - extra, extra);
    mac(this.current.secret, value.subarray(0, bodyLength)).copy(value, bodyLength);
    return value.toString('base64url');
  }

  openBytes(purpose: Purpose, value: string, now = Date.now()): Opened<Buffer> {
    const spec = specOf(purpose, 'compact');
    if (typeof value !== 'string' || value.length > MAX_CHARS || !BASE64URL.test(value))
      return fail('malformed');
    const raw = Buffer.from(value, 'base64url');
    const extra = spec.lifetimeMs === undefined ? 0 : EXPIRY_BYTES;
    // Base64 decoding ignores stray trailing bits; only the canonical spelling counts.
    if (raw.length <= HEADER_BYTES + extra + MAC_BYTES || raw.toString('base64url') !== value)
      return fail('malformed');
    const body = raw.subarray(0, raw.length - MAC_BYTES);
    const checked = this.check(body, raw.subarray(raw.length - MAC_BYTES), spec);
    if (checked) return checked;
    const payload = body.subarray(HEADER_BYTES, body.length - extra);
    if (extra && body.readUIntBE(body.length - extra, extra) < now) return fail('expired');
    return { ok: true, value: payload, keyVersion: body[0] as number };
  }

  /** A text value: the fields (base64url words), the expiry if the purpose has one, then the tag. */
  sealText(purpose: Purpose, fields: readonly string[], now = Date.now()): string {
    const spec = specOf(purpose, 'text');
    if (!fields.every((field) => FIELD.test(field)))
      throw new Error('Sealed text fields are 1 to 128 characters of base64url.');
    const all = spec.lifetimeMs === undefined ? fields : [...fields, (now + spec.lifetimeMs).toString(36)];
    const body = Buffer.concat([Buffer.from([this.current.version, spec.id]), Buffer.from(all.join('.'))]);
    const tag = Buffer.concat([body.subarray(0, HEADER_BYTES), mac(this.current.secret, body)]);
    return `${all.join('.')}.${tag.toString('base64url')}`;
  }

  openText(purpose: Purpose, value: string, now = Date.now()): Opened<string[]> {
    const spec = specOf(purpose, 'text');
    if (typeof value !== 'string' || value.length > MAX_CHARS) return fail('malformed');
    const parts = value.split('.');
    const tag = parts.pop() ?? '';
    const expiry = spec.lifetimeMs === undefined ? undefined : parts.at(-1);
    if (parts.length === 0 || !parts.every((part) => FIELD.test(part))) return fail('malformed');
    if (expiry !== undefined && (parts.length < 2 || !EXPIRY_FIELD.test(expiry))) return fail('malformed');
    const fields = expiry === undefined ? parts : parts.slice(0, -1);
    const opened = (keyVersion: number): Opened<string[]> =>
      expiry !== undefined && Number.parseInt(expiry, 36) < now
        ? fail('expired')
        : { ok: true, value: fields, keyVersion };

    if (tag.length === LEGACY_TAG_CHARS && spec.legacy) {
      const legacy = this.options.legacy;
      const hashed = spec.legacy(parts);
      if (!hashed || !BASE64URL.test(tag)) return fail('malformed');
      if (!legacy || now >= legacy.until) return fail('retired-key');
      const expected = Buffer.from(legacy.hash(...hashed));
      const given = Buffer.from(tag);
      return expected.length === given.length && timingSafeEqual(expected, given)
        ? opened(0)
        : fail('forged');
    }
    if (tag.length !== TAG_CHARS || !BASE64URL.test(tag)) return fail('malformed');
    const raw = Buffer.from(tag, 'base64url');
    if (raw.toString('base64url') !== tag) return fail('malformed');
    const body = Buffer.concat([raw.subarray(0, HEADER_BYTES), Buffer.from(parts.join('.'))]);
    return this.check(body, raw.subarray(HEADER_BYTES), spec) ?? opened(raw[0] as number);
  }

  /** The failure of a body (version ‖ purpose ‖ …) and its MAC, or undefined when genuine and for `spec`. */
  private check(body: Buffer, given: Buffer, spec: PurposeSpec): Opened<never> | undefined {
    const version = body[0] as number;
    const secret = this.byVersion.get(version);
    if (!secret) {
      if (version <= this.newest) return fail('retired-key');
      this.options.onUnknownKey?.();
      return fail('unknown-key');
    }
    if (!timingSafeEqual(mac(secret, body), given)) return fail('forged');
    if (body[1] !== spec.id) return fail('wrong-purpose');
    return undefined;
  }
}

function mac(secret: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, MAC_BYTES);
}

function fail(error: SealError): { ok: false; error: SealError } {
  return { ok: false, error };
}
