// CORS preflights of the public endpoints a page calls with credentials: approved only for the origins
// the endpoint would accept, refused (403, no Access-Control-Allow-* headers) for every other.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createForm, createWebsite, EMAIL_FIELD } from './support/factories.ts';

const SITE = 'https://www.cors-shop.test';
const SUBDOMAIN_SITE = 'https://blog.cors-wild.test';
const OTHER_SITE = 'https://www.other-registered.test';
const EVIL = 'https://evil.example';

describeEachEngine('CORS preflights', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let formId: string;
  let loneFormId: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
    const websiteId = await createWebsite(spoor, [SITE, 'https://*.cors-wild.test']);
    await createWebsite(spoor, [OTHER_SITE]);
    const form = (websiteId: string | null) =>
      createForm(spoor, { websiteId, fields: [{ ...EMAIL_FIELD, prefill: true }] });
    formId = await form(websiteId);
    loneFormId = await form(null);
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const preflight = (url: string, origin: string, method = 'POST') =>
    spoor.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'content-type',
      },
    });

  const expectApproved = (res: Awaited<ReturnType<typeof preflight>>, origin: string) => {
    expect(res.statusCode, res.body).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['vary']).toContain('Origin');
  };
  const expectRefused = (res: Awaited<ReturnType<typeof preflight>>) => {
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error).toBe('forbidden');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  };

  it('/c approves the origins registered websites allow, and Spoor’s own pages', async () => {
    expectApproved(await preflight('/c', SITE), SITE);
    expectApproved(await preflight('/c', SUBDOMAIN_SITE), SUBDOMAIN_SITE);
    expectApproved(await preflight('/c', OTHER_SITE), OTHER_SITE);
    const own = new URL(spoor.config.publicUrl).origin;
    expectApproved(await preflight('/c', own), own);
  });

  it('/c refuses every other origin', async () => {
    for (const origin of [
      EVIL,
      'null',
      'http://www.cors-shop.test',
      'https://www.cors-shop.test.evil.example',
    ]) {
      const res = await preflight('/c', origin);
      expectRefused(res);
      expect(res.json().message).toContain(origin);
    }
  });

  it('/f/{id} and /f/{id}/prefill approve the form website’s allowed origins', async () => {
    expectApproved(await preflight(`/f/${formId}`, SITE), SITE);
    expectApproved(await preflight(`/f/${formId}`, SUBDOMAIN_SITE), SUBDOMAIN_SITE);
    expectApproved(await preflight(`/f/${formId}/prefill`, SITE, 'GET'), SITE);
  });

  it('/f/{id} and /f/{id}/prefill refuse other origins, even ones another website allows', async () => {
    for (const origin of [EVIL, OTHER_SITE, 'null']) {
      expectRefused(await preflight(`/f/${formId}`, origin));
      expectRefused(await preflight(`/f/${formId}/prefill`, origin, 'GET'));
    }
    // A form without a website lives only on its hosted page: no other origin may call it.
    expectRefused(await preflight(`/f/${loneFormId}`, SITE));
    expectRefused(await preflight(`/f/${loneFormId}/prefill`, SITE, 'GET'));
  });

  it('a preflight for a form that does not exist approves nothing', async () => {
    const res = await preflight('/f/nosuchform', SITE);
    expect(res.statusCode).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
