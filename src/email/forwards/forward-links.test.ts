import { describe, expect, it } from 'vitest';
import { Seal } from '../../platform/seal.ts';
import { copyToken, decodeCopyClaims, encodeCopyClaims, openCopyToken } from './forward-links.ts';

const seal = new Seal([{ version: 1, secret: Buffer.alloc(32, 7) }]);
const claims = { sendId: 'S'.repeat(22), copyId: 'C'.repeat(22), position: 3 };

describe('copy tokens', () => {
  it('round-trips the claims', () => {
    expect(decodeCopyClaims(encodeCopyClaims(claims))).toEqual(claims);
    expect(openCopyToken(seal, 'click', copyToken(seal, 'click', claims))).toEqual(claims);
  });
  it.each([
    {
      name: 'an open token is no click token',
      token: () => copyToken(seal, 'open', claims),
      kind: 'click' as const,
    },
    {
      name: "a contact's click token is no copy's",
      token: () => seal.sealBytes('email click', encodeCopyClaims(claims)),
      kind: 'click' as const,
    },
    { name: 'truncated', token: () => copyToken(seal, 'click', claims).slice(0, -2), kind: 'click' as const },
    {
      name: 'another key',
      token: () => copyToken(new Seal([{ version: 1, secret: Buffer.alloc(32, 8) }]), 'open', claims),
      kind: 'open' as const,
    },
  ])('refuses $name', ({ token, kind }) => {
    expect(openCopyToken(seal, kind, token())).toBeNull();
  });
});
