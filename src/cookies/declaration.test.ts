import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cookieDeclaration, cookieDeclarationMarkdown } from './declaration.ts';
import { COOKIES, VISIT_COOKIE, VISITOR_COOKIE } from './definitions.ts';

describe('cookie declaration', () => {
  it('docs/cookies.md is generated from the definitions (run `npm run docs:cookies` after changing them)', () => {
    const onDisk = readFileSync(new URL('../../docs/cookies.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(cookieDeclarationMarkdown());
  });

  it('declares the visitor and visit cookies as non-essential, in both parties', () => {
    const names = cookieDeclaration().cookies.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining([VISITOR_COOKIE, VISIT_COOKIE]));
    for (const name of [VISITOR_COOKIE, VISIT_COOKIE]) {
      const cookie = COOKIES.find((c) => c.name === name)!;
      expect(cookie.essential).toBe(false);
      const thirdParty = cookie.variants.find((v) => v.party.startsWith('third'))!;
      expect(thirdParty).toMatchObject({ httpOnly: true, secure: true, sameSite: 'None', setBy: 'server' });
      expect(
        cookie.variants.some((v) => v.party.startsWith('first') && v.setBy === 'server' && v.httpOnly),
      ).toBe(true);
    }
  });
});
