import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Opened, PURPOSES, type Purpose, Seal, type SealError } from './seal.ts';

const key = (version: number, fill: string) => ({ version, secret: Buffer.alloc(32, fill) });
const KEY_1 = key(1, 'one');
const KEY_2 = key(2, 'two');
const NOW = 1_800_000_000_000;
const SEND = 'Kq3xT0b5mJ2nYp8wZr1uVg';
const CONTACT = 'A9fLm2Qx7cVb0NnZs4dTyw';

/** Flips one bit of the byte at `index` of a compact value. */
function flip(value: string, index: number): string {
  const raw = Buffer.from(value, 'base64url');
  raw[index] = (raw[index] as number) ^ 0x01;
  return raw.toString('base64url');
}
/** Flips one bit of the MAC inside a text value's tag. */
function flipTag(value: string): string {
  const at = value.lastIndexOf('.') + 1;
  return value.slice(0, at) + flip(value.slice(at), 17);
}
const errorOf = (opened: Opened<unknown>) => (opened.ok ? 'ok' : opened.error);

describe('the seal', () => {
  const seal = new Seal([KEY_1]);
  const bytes = seal.sealBytes('email click', Buffer.from('payload'), NOW);
  const text = seal.sealText('send header', ['2', SEND, CONTACT], NOW);
  const handoff = seal.sealText('click handoff', [SEND], NOW);
  const lifetime = PURPOSES['click handoff'].lifetimeMs;
  const rotated = new Seal([KEY_2, KEY_1]);
  const retired = new Seal([KEY_2]);
  const otherInstall = new Seal([key(1, 'elsewhere')]);

  it('opens what it sealed, naming the key version', () => {
    expect(seal.openBytes('email click', bytes, NOW)).toEqual({
      ok: true,
      value: Buffer.from('payload'),
      keyVersion: 1,
    });
    expect(seal.openText('send header', text, NOW)).toEqual({
      ok: true,
      value: ['2', SEND, CONTACT],
      keyVersion: 1,
    });
    expect(text).toMatch(new RegExp(`^2\\.${SEND}\\.${CONTACT}\\.[A-Za-z0-9_-]{24}$`));
    expect(seal.openText('click handoff', handoff, NOW + lifetime)).toMatchObject({
      ok: true,
      value: [SEND],
    });
  });

  it.each<[string, () => Opened<unknown>, SealError]>([
    ['compact, for another purpose', () => seal.openBytes('email open', bytes, NOW), 'wrong-purpose'],
    ['compact, purpose byte altered', () => seal.openBytes('email open', flip(bytes, 1), NOW), 'forged'],
    ['compact, payload altered', () => seal.openBytes('email click', flip(bytes, 3), NOW), 'forged'],
    [
      'compact, MAC altered',
      () => seal.openBytes('email click', flip(bytes, Buffer.from(bytes, 'base64url').length - 1), NOW),
      'forged',
    ],
    ['compact, truncated', () => seal.openBytes('email click', bytes.slice(0, -1), NOW), 'malformed'],
    ['compact, not base64url', () => seal.openBytes('email click', `${bytes}=`, NOW), 'malformed'],
    ['compact, empty', () => seal.openBytes('email click', '', NOW), 'malformed'],
    ['compact, absurdly long', () => seal.openBytes('email click', 'A'.repeat(5000), NOW), 'malformed'],
    [
      "compact, another install's key",
      () => seal.openBytes('email click', otherInstall.sealBytes('email click', Buffer.from('payload')), NOW),
      'forged',
    ],
    ['compact, a retired key', () => retired.openBytes('email click', bytes, NOW), 'retired-key'],
    [
      'compact, a key version newer than any held',
      () => seal.openBytes('email click', rotated.sealBytes('email click', Buffer.from('p')), NOW),
      'unknown-key',
    ],
    [
      'text, a send header opened as a handoff (not its shape)',
      () => seal.openText('click handoff', text, NOW),
      'malformed',
    ],
    ['compact as text', () => seal.openText('send header', bytes, NOW), 'malformed'],
    ['text as compact', () => seal.openBytes('email click', text, NOW), 'malformed'],
    [
      'text, a handoff opened as a send header',
      () => seal.openText('send header', handoff, NOW),
      'wrong-purpose',
    ],
    ['text, a field altered', () => seal.openText('send header', text.replace(CONTACT, SEND), NOW), 'forged'],
    ['text, the MAC altered', () => seal.openText('send header', flipTag(text), NOW), 'forged'],
    ['text, a field added', () => seal.openText('send header', `x.${text}`, NOW), 'forged'],
    ['text, the tag truncated', () => seal.openText('send header', text.slice(0, -2), NOW), 'malformed'],
    [
      'text, no tag',
      () => seal.openText('send header', text.slice(0, text.lastIndexOf('.')), NOW),
      'malformed',
    ],
    ['text, an empty field', () => seal.openText('send header', text.replace('.', '..'), NOW), 'malformed'],
    ['text, expired', () => seal.openText('click handoff', handoff, NOW + lifetime + 1), 'expired'],
    [
      'text, expiry pushed later',
      () =>
        seal.openText(
          'click handoff',
          handoff.replace(
            /\.([0-9a-z]+)\./,
            (_m, e: string) => `.${(Number.parseInt(e, 36) + 1e6).toString(36)}.`,
          ),
          NOW,
        ),
      'forged',
    ],
    ['text, a retired key', () => retired.openText('send header', text, NOW), 'retired-key'],
    [
      'text, a key version newer than any held',
      () => seal.openText('send header', rotated.sealText('send header', ['2', SEND, CONTACT]), NOW),
      'unknown-key',
    ],
    [
      'text, a pre-seal spelling without a legacy window',
      () => seal.openText('send header', `1.${SEND}.${CONTACT}.${'A'.repeat(22)}`, NOW),
      'retired-key',
    ],
  ])('%s: %s', (_label, open, error) => {
    expect(errorOf(open())).toBe(error);
  });

  it('after a rotation: the new key seals, the old one still opens, until it is retired', () => {
    expect(rotated.openBytes('email click', bytes, NOW)).toMatchObject({ ok: true, keyVersion: 1 });
    expect(rotated.openText('send header', text, NOW)).toMatchObject({ ok: true, keyVersion: 1 });
    const fresh = rotated.sealText('send header', ['2', SEND, CONTACT], NOW);
    expect(rotated.openText('send header', fresh, NOW)).toMatchObject({ ok: true, keyVersion: 2 });
    expect(Buffer.from(rotated.sealBytes('email click', Buffer.from('p')), 'base64url')[0]).toBe(2);
    expect(errorOf(retired.openText('send header', text, NOW))).toBe('retired-key');
    expect(errorOf(retired.openText('send header', fresh, NOW))).toBe('ok');
  });

  it('re-reads keys when told to, and reports a newer version to its owner', () => {
    let told = 0;
    const node = new Seal([KEY_1], { onUnknownKey: () => told++ });
    const fresh = rotated.sealBytes('email click', Buffer.from('p'), NOW);
    expect(errorOf(node.openBytes('email click', fresh, NOW))).toBe('unknown-key');
    expect(told).toBe(1);
    node.useKeys([KEY_2, KEY_1]);
    expect(errorOf(node.openBytes('email click', fresh, NOW))).toBe('ok');
    expect(node.currentVersion).toBe(2);
  });

  describe('pre-seal values (signed with the install hash before this release)', () => {
    const hash = (...parts: string[]) =>
      createHmac('sha256', 'hash-secret')
        .update(parts.join('\u0000'))
        .digest()
        .subarray(0, 16)
        .toString('base64url');
    const until = NOW + 2 * lifetime;
    const node = new Seal([KEY_2, KEY_1], { legacy: { hash, until } });
    // Exactly as the old code spelled them (identity/handoff.ts and email/bounces/send-header.ts before the seal).
    const expires = (NOW + lifetime).toString(36);
    const oldHandoff = `${SEND}.${expires}.${hash('handoff', SEND, expires)}`;
    const oldHeader = `1.${SEND}.${CONTACT}.${hash('x-spoor-send', SEND, CONTACT)}`;

    it.each<[string, Purpose, string, number, SealError | 'ok']>([
      ['a handoff, in the window', 'click handoff', oldHandoff, NOW, 'ok'],
      ['a handoff, expired', 'click handoff', oldHandoff, NOW + lifetime + 1, 'expired'],
      ['a handoff, altered', 'click handoff', oldHandoff.replace(SEND, CONTACT), NOW, 'forged'],
      ['a handoff, as a send header', 'send header', oldHandoff, NOW, 'malformed'],
      ['a send header, in the window', 'send header', oldHeader, NOW, 'ok'],
      ['a send header, after the window', 'send header', oldHeader, until, 'retired-key'],
      ['a send header, altered', 'send header', oldHeader.replace(CONTACT, SEND), NOW, 'forged'],
      ['a send header, as a handoff', 'click handoff', oldHeader, NOW, 'malformed'],
    ])('%s', (_label, purpose, value, now, error) => {
      const opened = node.openText(purpose, value, now);
      expect(errorOf(opened)).toBe(error);
      if (opened.ok) expect(opened.keyVersion).toBe(0);
    });
  });

  it('refuses weak or muddled keys, and purposes are spelled as declared', () => {
    expect(() => new Seal([])).toThrow(/at least one key/);
    expect(() => new Seal([key(0, 'x')])).toThrow(/versions are 1 to 255/);
    expect(() => new Seal([key(256, 'x')])).toThrow(/versions are 1 to 255/);
    expect(() => new Seal([{ version: 1, secret: Buffer.alloc(31) }])).toThrow(/32 bytes/);
    expect(() => new Seal([KEY_1, key(1, 'again')])).toThrow(/version twice/);
    expect(() => seal.sealText('email click', ['x'])).toThrow(/spelled compact/);
    expect(() => seal.sealText('send header', ['a.b'])).toThrow(/base64url/);
  });

  it('gives every purpose its own id', () => {
    const ids = Object.values(PURPOSES).map((purpose) => purpose.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isInteger(id) && id >= 1 && id <= 255)).toBe(true);
  });
});
