import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type TokenClaims, TokenSigner } from './tokens.ts';

const keyV1 = { version: 1, secret: randomBytes(32) };
const keyV2 = { version: 2, secret: randomBytes(32) };
const click: TokenClaims = {
  kind: 'click',
  sendId: 'Kq3xT0b5mJ2nYp8wZr1uVg',
  contactId: 'A9fLm2Qx7cVb0NnZs4dTyw',
  position: 3,
};

function flipByte(token: string, index: number): string {
  const raw = Buffer.from(token, 'base64url');
  raw[index] = (raw[index] as number) ^ 0x01;
  return raw.toString('base64url');
}

describe('email tokens', () => {
  const signer = new TokenSigner([keyV1]);
  const token = signer.sign(click);

  it('round-trips the claims of a genuine token', () => {
    expect(signer.verify(token, 'click')).toEqual(click);
    const open = signer.sign({ ...click, kind: 'open', position: 0 });
    expect(signer.verify(open, 'open')).toEqual({ ...click, kind: 'open', position: 0 });
  });

  it.each([
    ['empty', ''],
    ['truncated by one character', token.slice(0, -1)],
    ['truncated to half', token.slice(0, token.length / 2)],
    ['with a character appended', `${token}A`],
    ['with a flipped bit in the version', flipByte(token, 0)],
    ['with a flipped bit in the kind', flipByte(token, 1)],
    ['with a flipped bit in the send id', flipByte(token, 4)],
    ['with a flipped bit in the contact id', flipByte(token, 30)],
    ['with a flipped bit in the position', flipByte(token, Buffer.from(token, 'base64url').length - 17)],
    ['with a flipped bit in the MAC', flipByte(token, Buffer.from(token, 'base64url').length - 1)],
    ['not base64url', `${token.slice(0, 10)}+/=${token.slice(13)}`],
    ['absurdly long', 'A'.repeat(5000)],
  ])('refuses a token %s', (_label, altered) => {
    expect(signer.verify(altered, 'click')).toBeNull();
  });

  it('refuses a genuine token used as another kind', () => {
    expect(signer.verify(token, 'open')).toBeNull();
    expect(signer.verify(token, 'unsubscribe')).toBeNull();
  });

  it('refuses a token signed with a wrong key, even of the same version', () => {
    const forger = new TokenSigner([{ version: 1, secret: randomBytes(32) }]);
    expect(signer.verify(forger.sign(click), 'click')).toBeNull();
  });

  it("refuses another contact's token re-labelled with this contact's ids", () => {
    const other = signer.sign({ ...click, contactId: 'Zz9yXx8wWw7vVv6uUu5tTt' });
    // Splice the other token's MAC onto this contact's body: the MAC covers the ids, so it fails.
    const body = Buffer.from(token, 'base64url').subarray(0, -16);
    const otherMac = Buffer.from(other, 'base64url').subarray(-16);
    expect(signer.verify(Buffer.concat([body, otherMac]).toString('base64url'), 'click')).toBeNull();
  });

  it('keeps verifying old tokens after a key rotation and signs with the new key', () => {
    const rotated = new TokenSigner([keyV2, keyV1]);
    expect(rotated.verify(token, 'click')).toEqual(click);
    const fresh = rotated.sign(click);
    expect(Buffer.from(fresh, 'base64url')[0]).toBe(2);
    expect(signer.verify(fresh, 'click')).toBeNull();
  });

  it('refuses tokens of a retired key version', () => {
    const retired = new TokenSigner([keyV2]);
    expect(retired.verify(token, 'click')).toBeNull();
  });

  it('refuses weak keys', () => {
    expect(() => new TokenSigner([{ version: 1, secret: randomBytes(8) }])).toThrow(/32 bytes/);
    expect(() => new TokenSigner([{ version: 0, secret: randomBytes(32) }])).toThrow(/versions/);
    expect(() => new TokenSigner([])).toThrow(/at least one key/);
  });
});

describe('email tokens already in the wild', () => {
  // Made by the pre-seal TokenSigner (src/lib/tokens.ts before src/platform/seal.ts existed) with this
  // key: every email sent before the upgrade carries tokens spelled exactly so.
  const preSeal = new TokenSigner([{ version: 1, secret: Buffer.alloc(32, 'pre-seal key') }]);
  const ids = { sendId: 'Kq3xT0b5mJ2nYp8wZr1uVg', contactId: 'A9fLm2Qx7cVb0NnZs4dTyw' };

  it.each([
    ['open', 0, 'AQEWS3EzeFQwYjVtSjJuWXA4d1pyMXVWZxZBOWZMbTJReDdjVmIwTm5aczRkVHl3AAAEB0Ju2QJDPs1YTmgGbmJ-'],
    ['click', 3, 'AQIWS3EzeFQwYjVtSjJuWXA4d1pyMXVWZxZBOWZMbTJReDdjVmIwTm5aczRkVHl3AAMysvWhcIu1ViPN9zGQPUD8'],
    [
      'unsubscribe',
      0,
      'AQMWS3EzeFQwYjVtSjJuWXA4d1pyMXVWZxZBOWZMbTJReDdjVmIwTm5aczRkVHl3AACqjIZCIOZy4DvdneeZy0PH',
    ],
  ] as const)(
    'opens a pre-seal %s token, and seals the same claims to the same token',
    (kind, position, token) => {
      expect(preSeal.verify(token, kind)).toEqual({ kind, ...ids, position });
      expect(preSeal.sign({ kind, ...ids, position })).toBe(token);
    },
  );
});
