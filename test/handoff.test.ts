// POST /handoff (a signed handoff for a link to a hosted page) and a hosted page that receives one, over
// HTTP on SQLite and PostgreSQL: whose visitor a token names, when none is given (consent, GPC, no
// visitor), who may ask, and that a hosted page's submission adopts only a genuine, unexpired one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDOFF_LIFETIME_MS, signHandoff, verifyHandoff } from '../src/identity/handoff.ts';
import type { Seal } from '../src/platform/seal.ts';
import { loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createForm, createWebsite } from './support/factories.ts';

const SITE = 'https://www.shop.test';
const VISITOR = 'Vvvvvvvvvvvvvvvvvvvvvv';
const OTHER = 'Oooooooooooooooooooooo';

describeEachEngine('handoff to hosted pages', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  /** The install's seal (named for the keyed hash that signed handoffs before it). */
  let hash: Seal;
  let ownOrigin: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000 });
    hash = (await loadInstallSecrets(spoor.storage.db, spoor.config.tokenKeys)).seal;
    ownOrigin = new URL(spoor.config.publicUrl).origin;
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const website = (gpcMode: 'anonymize' | 'ignore' = 'anonymize') =>
    createWebsite(spoor, [SITE], { gpcMode });

  async function askHandoff(
    body: Record<string, unknown>,
    { origin = SITE, cookie, headers = {} }: { origin?: string; cookie?: string; headers?: object } = {},
  ) {
    return spoor.app.inject({
      method: 'POST',
      url: '/handoff',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        'user-agent': CHROME_UA,
        origin,
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      payload: JSON.stringify(body),
    });
  }
  const visitorOf = (token: string | undefined) => (token ? verifyHandoff(hash, token, Date.now()) : null);

  describe('POST /handoff', () => {
    it.each([
      ['the mirror: that visitor', {}, { v: VISITOR }, VISITOR],
      [
        'the tracking-host cookie and the mirror: the cookie',
        { cookie: `spoor_vid=${OTHER}` },
        { v: VISITOR },
        OTHER,
      ],
      ['first-party: the cookie', { cookie: `spoor_vid=${OTHER}` }, { v: VISITOR, fp: 1 }, OTHER],
      ['first-party without a cookie: none (the body is not trusted)', {}, { v: VISITOR, fp: 1 }, null],
      ['a browser naming no visitor: none', {}, {}, null],
      ['a page that asked for anonymity: none', {}, { v: VISITOR, a: 1 }, null],
      ['GPC (script) on a website that honours it: none', {}, { v: VISITOR, g: 1 }, null],
      [
        'GPC (header) on a website that honours it: none',
        { headers: { 'sec-gpc': '1' } },
        { v: VISITOR },
        null,
      ],
    ] as const)('from %s', async (_name, options, body, expected) => {
      const w = await website();
      const res = await askHandoff({ w, e: eventId(), ...body }, options);
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(SITE);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(visitorOf(res.json().h)).toBe(expected);
      if (expected === null) expect(res.json()).toEqual({ ok: true });
    });

    it('gives a handoff to a GPC browser when the website ignores GPC', async () => {
      const w = await website('ignore');
      const res = await askHandoff({ w, v: VISITOR, g: 1 }, { headers: { 'sec-gpc': '1' } });
      expect(visitorOf(res.json().h)).toBe(VISITOR);
    });

    it('a token is short-lived and names one visitor', async () => {
      const w = await website();
      const before = Date.now();
      const { h } = (await askHandoff({ w, v: VISITOR })).json() as { h: string };
      const [visitor, expires] = h.split('.');
      expect(visitor).toBe(VISITOR);
      const expiresAt = Number.parseInt(expires!, 36);
      expect(expiresAt).toBeGreaterThanOrEqual(before + HANDOFF_LIFETIME_MS);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + HANDOFF_LIFETIME_MS);
      expect(verifyHandoff(hash, h, expiresAt + 1)).toBeNull();
      expect(verifyHandoff(hash, h.replace(VISITOR, OTHER), Date.now())).toBeNull();
    });

    it.each([
      ['an origin the website does not allow', { origin: 'https://evil.test' }, 403],
      ['an unknown website', { w: 'nope' }, 403],
      ['a malformed visitor id', { v: 'short' }, 400],
      ['a body without a website', { w: undefined }, 400],
    ] as const)('refuses %s', async (_name, change, status) => {
      const w = await website();
      const { origin, ...body } = { origin: SITE, w, v: VISITOR, ...change };
      const res = await askHandoff(body, { origin });
      expect(res.statusCode).toBe(status);
      expect(res.json().message).toBeTruthy();
      expect(res.json()).not.toHaveProperty('h');
    });
  });

  describe('a hosted page opened with a handoff', () => {
    async function hostedForm() {
      const websiteId = await website();
      const slug = `signup-${eventId().slice(-10).toLowerCase()}`;
      const formId = await createForm(spoor, {
        name: 'Sign-up',
        websiteId,
        submitLabel: 'Sign up',
        afterSubmit: { kind: 'message', text: 'Thanks!' },
        page: { slug, title: 'Sign up' },
      });
      return { formId, slug };
    }
    const hiddenHandoff = (html: string) => /name="_h" value="([^"]*)"/.exec(html)?.[1] ?? null;

    async function submit(formId: string, fields: Record<string, string>, cookie?: string) {
      const res = await spoor.app.inject({
        method: 'POST',
        url: `/f/${formId}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: ownOrigin,
          ...(cookie ? { cookie } : {}),
        },
        payload: new URLSearchParams(fields).toString(),
      });
      expect(res.statusCode).toBe(200);
      const submission = await spoor.storage.db
        .selectFrom('form_submissions')
        .selectAll()
        .where('form_id', '=', formId)
        .orderBy('received_at', 'desc')
        .executeTakeFirstOrThrow();
      return { res, submission };
    }

    it('carries a genuine handoff in its form, and the submission adopts that visitor', async () => {
      const { formId, slug } = await hostedForm();
      const token = signHandoff(hash, VISITOR, Date.now());
      const page = await spoor.app.inject({ url: `/p/${slug}?spoor_h=${encodeURIComponent(token)}` });
      expect(page.statusCode).toBe(200);
      expect(hiddenHandoff(page.body)).toBe(token);

      const email = `h-${eventId().slice(-8)}@example.com`;
      const { res, submission } = await submit(formId, { email, _a: '0', _h: token });
      expect(submission).toMatchObject({ visitor_id: VISITOR, anonymous: 0 });
      // Spoor's host now knows the browser itself, first-party.
      expect(String(res.headers['set-cookie'])).toContain(`spoor_vid=${VISITOR}`);
    });

    it.each([
      ['forged', (t: string) => t.replace(VISITOR, OTHER)],
      ['expired', () => signHandoff(hash, VISITOR, Date.now() - HANDOFF_LIFETIME_MS - 1000)],
      ['garbage', () => '"><script>alert(1)</script>'],
    ])('ignores a %s handoff', async (_name, spoil) => {
      const { formId, slug } = await hostedForm();
      const bad = spoil(signHandoff(hash, VISITOR, Date.now()));
      const page = await spoor.app.inject({ url: `/p/${slug}?spoor_h=${encodeURIComponent(bad)}` });
      expect(page.statusCode).toBe(200);
      expect(hiddenHandoff(page.body)).toBeNull();
      expect(page.body).not.toContain('<script>alert');
      const email = `x-${eventId().slice(-8)}@example.com`;
      const { submission } = await submit(formId, { email, _a: '0', _h: bad });
      expect(submission.visitor_id).not.toBe(VISITOR);
      expect(submission.visitor_id).not.toBe(OTHER);
    });

    it('the browser’s own cookie wins, and without consent nothing is adopted', async () => {
      const { formId } = await hostedForm();
      const token = signHandoff(hash, VISITOR, Date.now());
      const own = await submit(
        formId,
        { email: `o-${eventId().slice(-8)}@example.com`, _a: '0', _h: token },
        `spoor_vid=${OTHER}`,
      );
      expect(own.submission.visitor_id).toBe(OTHER);
      const anonymous = await submit(formId, {
        email: `a-${eventId().slice(-8)}@example.com`,
        _a: '1',
        _h: token,
      });
      expect(anonymous.submission).toMatchObject({ visitor_id: null, anonymous: 1 });
    });
  });
});
