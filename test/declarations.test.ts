// The public cookie declaration matches the cookies the collect endpoint actually sets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIES } from '../src/cookies/definitions.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createWebsite } from './support/factories.ts';

describe('GET /cookies.json', () => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    spoor = await startSpoor(database);
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  it('is public and lists every cookie the server sets, with the attributes it sets them with', async () => {
    const declared = await spoor.app.inject({ url: '/cookies.json' });
    expect(declared.statusCode).toBe(200);
    expect(declared.json()).toEqual(JSON.parse(JSON.stringify({ cookies: COOKIES })));

    const websiteId = await createWebsite(spoor, ['https://www.shop.test'], { name: 'S' });
    for (const fp of [0, 1]) {
      const res = await spoor.app.inject({
        method: 'POST',
        url: '/c',
        headers: { 'content-type': 'text/plain', origin: 'https://www.shop.test', 'user-agent': CHROME_UA },
        payload: JSON.stringify({
          w: websiteId,
          e: eventId(),
          t: 'pv',
          u: 'https://www.shop.test/',
          ...(fp ? { fp: 1 } : {}),
        }),
      });
      const setCookies = res.headers['set-cookie'] as string[];
      expect(setCookies).toHaveLength(2);
      for (const header of setCookies) {
        const name = header.split('=')[0]!;
        const definition = declared.json().cookies.find((c: { name: string }) => c.name === name);
        expect(definition, `${name} must be declared`).toBeTruthy();
        const party = fp ? 'first-party (your site)' : 'third-party (tracking host)';
        const variant = definition.variants.find(
          (v: { party: string; setBy: string }) => v.party === party && v.setBy === 'server',
        );
        expect(variant).toBeTruthy();
        expect(header.includes('HttpOnly')).toBe(variant.httpOnly);
        expect(header.includes('Secure')).toBe(variant.secure === true);
        expect(header).toContain(`SameSite=${variant.sameSite}`);
      }
    }
  });
});
