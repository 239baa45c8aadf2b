// Collect endpoint, visits, cookies, consent, bots and bad input, over HTTP on SQLite and PostgreSQL.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pageviewRows } from '../src/tracking/store.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createWebsite } from './support/factories.ts';

const SITE = 'https://www.shop.test';

describeEachEngine('tracking', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let websiteId: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000 });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  beforeEach(async () => {
    websiteId = await createWebsite(spoor, [SITE], { visitTimeoutMinutes: 30 });
  });
  afterEach(() => vi.useRealTimers());

  interface HitOptions {
    body?: Record<string, unknown>;
    cookie?: string;
    origin?: string | null;
    headers?: Record<string, string>;
  }

  async function hit({ body = {}, cookie, origin = SITE, headers = {} }: HitOptions = {}) {
    const payload = JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${SITE}/`, ...body });
    return spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        'user-agent': CHROME_UA,
        ...(origin ? { origin } : {}),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      payload,
    });
  }

  const cookiesOf = (res: { headers: Record<string, unknown> }): string[] => {
    const raw = res.headers['set-cookie'];
    return raw === undefined ? [] : Array.isArray(raw) ? (raw as string[]) : [raw as string];
  };
  const cookieValue = (cookies: string[], name: string) =>
    cookies
      .find((c) => c.startsWith(`${name}=`))
      ?.split(';')[0]
      ?.slice(name.length + 1);

  async function report(query = '') {
    const today = new Date().toISOString().slice(0, 10);
    const res = await spoor.app.inject({
      url: `/api/websites/${websiteId}/report?from=${today}&to=${today}${query}`,
      headers: spoor.auth,
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  const storedPageviews = async () =>
    (await spoor.storage.db.selectFrom('pageviews').selectAll().where('website_id', '=', websiteId).execute())
      .length;

  describe('admin API', () => {
    it('refuses requests without a valid API key', async () => {
      const none = await spoor.app.inject({ url: '/api/websites' });
      expect(none.statusCode).toBe(401);
      expect(none.json().message).toMatch(/API key/);
      const wrong = await spoor.app.inject({
        url: '/api/websites',
        headers: { authorization: 'Bearer spk_nope' },
      });
      expect(wrong.statusCode).toBe(401);
    });

    it('registers a website with defaults and returns its snippets', async () => {
      const res = await spoor.app.inject({ url: `/api/websites/${websiteId}`, headers: spoor.auth });
      const site = res.json();
      expect(site).toMatchObject({
        name: 'Shop',
        allowedOrigins: [SITE],
        visitTimeoutMinutes: 30,
        visitorCookieDays: 730,
        gpcMode: 'anonymize',
      });
      expect(site.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(site.snippets.thirdParty).toContain(`/s/${websiteId}.js`);
      expect(site.snippets.outboundMarketingCompatible).toContain(`data-website-id="${websiteId}"`);
    });

    it.each([
      [{ allowedOrigins: [SITE] }, /name/],
      [{ name: 'x' }, /allowedOrigins/],
      [{ name: 'x', allowedOrigins: ['www.shop.test'] }, /origin/],
      [{ name: 'x', allowedOrigins: [SITE], visitTimeoutMinutes: 0 }, /visitTimeoutMinutes/],
      [{ name: 'x', allowedOrigins: [SITE], gpcMode: 'sometimes' }, /gpcMode/],
      // JSON bodies are not coerced: 0, false and "" must not quietly become null (retention off).
      [{ name: 'x', allowedOrigins: [SITE], retentionDays: 0 }, /retentionDays/],
      [{ name: 'x', allowedOrigins: [SITE], retentionDays: '30' }, /retentionDays/],
    ])('refuses bad website settings %j', async (payload, message) => {
      const res = await spoor.app.inject({
        method: 'POST',
        url: '/api/websites',
        headers: spoor.auth,
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(message);
    });

    it('changes settings and 404s an unknown website', async () => {
      const res = await spoor.app.inject({
        method: 'PATCH',
        url: `/api/websites/${websiteId}`,
        headers: spoor.auth,
        payload: { visitTimeoutMinutes: 5, gpcMode: 'ignore' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ visitTimeoutMinutes: 5, gpcMode: 'ignore', name: 'Shop' });
      const missing = await spoor.app.inject({ url: '/api/websites/nope-nope-nope', headers: spoor.auth });
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('collect', () => {
    it('records a page view and sets both cookies with their attributes', async () => {
      const res = await hit({
        body: {
          u: `${SITE}/start?utm_source=mail&utm_campaign=spring`,
          r: 'https://news.example.org/x',
          ti: 'Start',
        },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.ok).toBe(true);
      expect(body.v).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(body).toMatchObject({ vt: 1800, vd: 730 });
      expect(res.headers['access-control-allow-origin']).toBe(SITE);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      const cookies = cookiesOf(res);
      const visitor = cookies.find((c) => c.startsWith('spoor_vid='))!;
      const visit = cookies.find((c) => c.startsWith('spoor_sid='))!;
      for (const cookie of [visitor, visit]) {
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).toMatch(/; HttpOnly/);
        expect(cookie).toMatch(/; SameSite=None/);
      }
      expect(visitor).toContain('Max-Age=34560000'); // 730 days asked, 400 days is what browsers keep
      expect(visit).toContain('Max-Age=1800');
      expect(cookieValue(cookies, 'spoor_vid')).toBe(body.v);
      expect(cookieValue(cookies, 'spoor_sid')).toBe(body.s);

      const stored = await spoor.storage.db
        .selectFrom('visits')
        .selectAll()
        .where('id', '=', body.s)
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({
        visitor_id: body.v,
        entry_path: '/start',
        referrer_host: 'news.example.org',
        utm_source: 'mail',
        utm_campaign: 'spring',
        pageviews: 1,
        bot: 0,
      });
    });

    it('stores what a page view repeats from its visit once, and reads it back whole (migration 039)', async () => {
      const first = (await hit({ body: { u: `${SITE}/landing?utm_source=mail#top` } })).json();
      const cookie = `spoor_vid=${first.v}`;
      await hit({ cookie, body: { u: `${SITE}/next`, r: `${SITE}/landing?utm_source=mail` } });
      await hit({ cookie, body: { u: 'https://other.shop.test/elsewhere', r: 'https://news.test/' } });
      const raw = await spoor.storage.db
        .selectFrom('pageviews')
        .select(['path', 'url', 'url_query', 'referrer', 'referrer_path'])
        .where('visit_id', '=', first.s)
        .orderBy('occurred_at')
        .orderBy('path')
        .execute();
      // The visit holds the origin; its page views on it keep only what follows the path, and a referrer
      // on it only what follows the origin.
      const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
      expect(raw.sort(byPath)).toEqual([
        {
          path: '/elsewhere',
          url: 'https://other.shop.test/elsewhere',
          url_query: null,
          referrer: 'https://news.test/',
          referrer_path: null,
        },
        {
          path: '/landing',
          url: null,
          url_query: '?utm_source=mail#top',
          referrer: null,
          referrer_path: null,
        },
        {
          path: '/next',
          url: null,
          url_query: null,
          referrer: null,
          referrer_path: '/landing?utm_source=mail',
        },
      ]);
      const visit = await spoor.storage.db
        .selectFrom('visits')
        .select('origin')
        .where('id', '=', first.s)
        .executeTakeFirstOrThrow();
      expect(visit.origin).toBe(SITE);
      const read = await pageviewRows(spoor.storage.db).where('pageviews.visit_id', '=', first.s).execute();
      expect(read.map((r) => [r.url, r.referrer, r.visitor_id]).sort()).toEqual(
        [
          [`${SITE}/landing?utm_source=mail#top`, null, first.v],
          [`${SITE}/next`, `${SITE}/landing?utm_source=mail`, first.v],
          ['https://other.shop.test/elsewhere', 'https://news.test/', first.v],
        ].sort(),
      );
    });

    it('groups page views into a visit and starts a new one after the timeout', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const start = Date.now();
      const first = (await hit()).json();
      const cookie = `spoor_vid=${first.v}`;
      vi.setSystemTime(start + 29 * 60_000);
      const second = (await hit({ cookie, body: { u: `${SITE}/b` } })).json();
      expect(second.v).toBe(first.v);
      expect(second.s).toBe(first.s);
      vi.setSystemTime(start + 29 * 60_000 + 30 * 60_000 + 1);
      const third = (await hit({ cookie, body: { u: `${SITE}/c` } })).json();
      expect(third.v).toBe(first.v);
      expect(third.s).not.toBe(first.s);
      const visits = await spoor.storage.db
        .selectFrom('visits')
        .select(['id', 'pageviews'])
        .where('visitor_id', '=', first.v)
        .orderBy('started_at')
        .execute();
      expect(visits).toEqual([
        { id: first.s, pageviews: 2 },
        { id: third.s, pageviews: 1 },
      ]);
    });

    it('recognises a browser by its first-party mirror when third-party cookies are blocked', async () => {
      const first = (await hit()).json();
      const viaMirror = (await hit({ body: { v: first.v, s: first.s } })).json();
      expect(viaMirror.v).toBe(first.v);
      expect(viaMirror.s).toBe(first.s);
    });

    it('reconciles a third-party cookie and a differing mirror into one visitor', async () => {
      const first = (await hit()).json();
      const mirror = 'mirrorOnlyId000000000a';
      const both = (await hit({ cookie: `spoor_vid=${first.v}`, body: { v: mirror } })).json();
      expect(both.v).toBe(first.v);
      // Later the mirror alone still finds the same browser.
      const mirrorOnly = (await hit({ body: { v: mirror } })).json();
      expect(mirrorOnly.v).toBe(first.v);
      expect(mirrorOnly.s).toBe(first.s);
    });

    it('adopts a well-formed id the script generated and ignores malformed cookies', async () => {
      const fresh = 'scriptMadeId0000000001';
      expect((await hit({ body: { v: fresh } })).json().v).toBe(fresh);
      const res = (await hit({ cookie: 'spoor_vid=<script>' })).json();
      expect(res.v).toMatch(/^[A-Za-z0-9_-]{22}$/);
    });

    it('stores a retried event once', async () => {
      const e = eventId();
      const a = await hit({ body: { e } });
      const b = await hit({ body: { e } });
      expect(b.statusCode).toBe(200);
      expect(b.json().v).toBe(a.json().v);
      expect(await storedPageviews()).toBe(1);
      expect((await report()).pageviews).toBe(1);
    });

    it('stores duplicates sent concurrently once', async () => {
      const e = eventId();
      const results = await Promise.all(Array.from({ length: 5 }, () => hit({ body: { e } })));
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(await storedPageviews()).toBe(1);
      expect((await report()).pageviews).toBe(1);
    });

    it('accumulates engaged time idempotently and caps it at the time elapsed', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const start = Date.now();
      const pvId = eventId();
      const pv = (await hit({ body: { e: pvId, u: `${SITE}/read` } })).json();
      vi.setSystemTime(start + 20_000);
      await hit({ body: { t: 'en', p: pvId, ms: 12_000 } });
      await hit({ body: { t: 'en', p: pvId, ms: 12_000 } }); // resent
      await hit({ body: { t: 'en', p: pvId, ms: 9_000 } }); // out of order
      vi.setSystemTime(start + 30_000);
      await hit({ body: { t: 'en', p: pvId, ms: 3_600_000 } }); // more than elapsed: capped
      const row = await spoor.storage.db
        .selectFrom('pageviews')
        .select('engaged_ms')
        .where('event_id', '=', pvId)
        .executeTakeFirstOrThrow();
      expect(Number(row.engaged_ms)).toBe(35_000);
      const visit = await spoor.storage.db
        .selectFrom('visits')
        .select('engaged_ms')
        .where('id', '=', pv.s)
        .executeTakeFirstOrThrow();
      expect(Number(visit.engaged_ms)).toBe(35_000);
      const r = await report();
      expect(r.averageEngagedSeconds).toBe(35);
      expect(r.topPages).toEqual([
        { path: '/read', pageviews: 1, engagedSeconds: 35, averageEngagedSeconds: 35 },
      ]);
    });

    it('ignores engagement for an unknown page view', async () => {
      const res = await hit({ body: { t: 'en', p: eventId(), ms: 1000 } });
      expect(res.statusCode).toBe(200);
      expect((await report()).averageEngagedSeconds).toBe(0);
    });
  });

  describe('consent', () => {
    it('anonymize: no cookies, existing ones deleted, page view counted without identifiers', async () => {
      const res = await hit({
        body: { a: 1 },
        cookie: 'spoor_vid=someOldVisitorId000000; spoor_sid=someOldVisitId00000000',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true, anon: true });
      const cookies = cookiesOf(res);
      expect(cookies).toHaveLength(2);
      for (const c of cookies) expect(c).toMatch(/^spoor_(vid|sid)=; Max-Age=0/);
      const clean = await hit({ body: { a: 1 } });
      expect(cookiesOf(clean)).toEqual([]);
      const rows = await pageviewRows(spoor.storage.db)
        .where('pageviews.website_id', '=', websiteId)
        .execute();
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row).toMatchObject({ anonymous: 1, visitor_id: null, visit_id: null });
      expect(
        await spoor.storage.db
          .selectFrom('visitors')
          .selectAll()
          .where('id', '=', 'someOldVisitorId000000')
          .execute(),
      ).toEqual([]);
      const r = await report();
      expect(r).toMatchObject({ pageviews: 2, anonymousPageviews: 2, visits: 0, uniqueVisitors: 0 });
    });

    it('Sec-GPC anonymizes when the website honours GPC, and not when it ignores it', async () => {
      const honoured = await hit({ headers: { 'sec-gpc': '1' } });
      expect(honoured.json().anon).toBe(true);
      expect(cookiesOf(honoured)).toEqual([]);
      const viaScript = await hit({ body: { g: 1 } });
      expect(viaScript.json().anon).toBe(true);
      await spoor.app.inject({
        method: 'PATCH',
        url: `/api/websites/${websiteId}`,
        headers: spoor.auth,
        payload: { gpcMode: 'ignore' },
      });
      const ignored = await hit({ headers: { 'sec-gpc': '1' } });
      expect(ignored.json().v).toBeTruthy();
      expect(cookiesOf(ignored)).toHaveLength(2);
    });

    it('first-party mode sets first-party HttpOnly cookies with SameSite=Lax', async () => {
      const res = await hit({ body: { fp: 1 } });
      const cookies = cookiesOf(res);
      expect(cookies).toHaveLength(2);
      for (const c of cookies) {
        expect(c).toMatch(/; HttpOnly/);
        expect(c).toMatch(/; SameSite=Lax/);
        expect(c).toMatch(/; Secure/);
      }
      // The mirror is ignored in first-party mode: only the server-set cookie identifies the browser.
      const again = (
        await hit({ body: { fp: 1, v: 'someoneElsesId00000000' }, cookie: `spoor_vid=${res.json().v}` })
      ).json();
      expect(again.v).toBe(res.json().v);
    });
  });

  describe('bots', () => {
    it('labels bots, keeps them, and leaves them out of reports unless asked', async () => {
      await hit();
      await hit({
        headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      });
      await hit({ body: { wd: 1 } });
      const rows = await spoor.storage.db
        .selectFrom('pageviews')
        .select(['bot', 'bot_reason'])
        .where('website_id', '=', websiteId)
        .execute();
      rows.sort((x, y) => String(x.bot_reason).localeCompare(String(y.bot_reason)));
      expect(rows).toEqual([
        { bot: 0, bot_reason: null },
        { bot: 1, bot_reason: 'user-agent' },
        { bot: 1, bot_reason: 'webdriver' },
      ]);
      expect(await report()).toMatchObject({
        pageviews: 1,
        visits: 1,
        uniqueVisitors: 1,
        includesBots: false,
      });
      expect(await report('&bots=include')).toMatchObject({
        pageviews: 3,
        visits: 3,
        uniqueVisitors: 3,
        includesBots: true,
      });
    });
  });

  describe('reports', () => {
    it('sums visits, visitors, bounce rate, pages, referrers and campaigns', async () => {
      // Visitor A: two-page visit from a campaign. Visitor B: one-page visit from a referrer (a bounce).
      const a = (
        await hit({ body: { u: `${SITE}/?utm_source=news&utm_medium=email&utm_campaign=spring` } })
      ).json();
      await hit({ cookie: `spoor_vid=${a.v}`, body: { u: `${SITE}/pricing`, r: `${SITE}/` } });
      await hit({ body: { u: `${SITE}/pricing`, r: 'https://www.google.com/' } });
      await hit({ body: { a: 1, u: `${SITE}/pricing` } });
      // Visitor C is a known contact.
      const c = (await hit({ body: { u: `${SITE}/` } })).json();
      await spoor.storage.db
        .updateTable('visitors')
        .set({ contact_id: 'contact-1' })
        .where('id', '=', c.v)
        .execute();
      await spoor.storage.db.updateTable('visits').set({ identified: 1 }).where('id', '=', c.s).execute();

      const r = await report();
      expect(r).toMatchObject({
        pageviews: 5,
        anonymousPageviews: 1,
        visits: 3,
        uniqueVisitors: 3,
        identifiedVisitors: 1,
        anonymousVisitors: 2,
        uniqueVisitorsMethod: 'exact',
        bounceRate: 0.6667,
      });
      expect(r.topPages).toEqual([
        { path: '/pricing', pageviews: 3, engagedSeconds: 0, averageEngagedSeconds: 0 },
        { path: '/', pageviews: 2, engagedSeconds: 0, averageEngagedSeconds: 0 },
      ]);
      const noTime = { averageEngagedSeconds: 0 };
      expect(r.referrers).toEqual([
        { host: 'google.com', visits: 1, bounceRate: 1, pageviews: 1, ...noTime },
      ]);
      expect(r.campaigns).toEqual([
        {
          source: 'news',
          medium: 'email',
          campaign: 'spring',
          visits: 1,
          bounceRate: 0,
          pageviews: 2,
          ...noTime,
        },
      ]);
    });

    it('refuses a bad range', async () => {
      for (const q of [
        'from=yesterday&to=2026-01-01',
        'from=2026-02-01&to=2026-01-01',
        'from=2020-01-01&to=2026-01-01',
      ]) {
        const res = await spoor.app.inject({
          url: `/api/websites/${websiteId}/report?${q}`,
          headers: spoor.auth,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toBeTruthy();
      }
      const missing = await spoor.app.inject({
        url: `/api/websites/${websiteId}/report`,
        headers: spoor.auth,
      });
      expect(missing.statusCode).toBe(400);
    });
  });

  describe('bad input stores nothing', () => {
    const cases: { name: string; status: number; message: RegExp; send: () => ReturnType<typeof hit> }[] = [
      {
        name: 'malformed JSON',
        status: 400,
        message: /not valid JSON/,
        send: () =>
          spoor.app.inject({
            method: 'POST',
            url: '/c',
            headers: { 'content-type': 'text/plain', origin: SITE },
            payload: '{"w":',
          }),
      },
      {
        name: 'malformed JSON as application/json',
        status: 400,
        message: /JSON/,
        send: () =>
          spoor.app.inject({
            method: 'POST',
            url: '/c',
            headers: { 'content-type': 'application/json', origin: SITE },
            payload: '{"w":',
          }),
      },
      {
        name: 'wrong type',
        status: 400,
        message: /ms/,
        send: () => hit({ body: { t: 'en', p: eventId(), ms: 'lots' } }),
      },
      { name: 'unknown event type', status: 400, message: /t/, send: () => hit({ body: { t: 'purchase' } }) },
      {
        name: 'a number where text belongs',
        status: 400,
        message: /w/,
        send: () => hit({ body: { w: 12345 } }),
      },
      { name: 'bad event id', status: 400, message: /e/, send: () => hit({ body: { e: 'short' } }) },
      {
        name: 'page view without URL',
        status: 400,
        message: /"u"/,
        send: () => hit({ body: { u: undefined } }),
      },
      {
        name: 'javascript: URL',
        status: 400,
        message: /"u"/,
        send: () => hit({ body: { u: 'javascript:alert(1)' } }),
      },
      {
        name: 'engagement without page view id',
        status: 400,
        message: /"p"/,
        send: () => hit({ body: { t: 'en', ms: 5 } }),
      },
      {
        name: 'oversized body',
        status: 413,
        message: /too large/,
        send: () => hit({ body: { ti: 'x'.repeat(10_000) } }),
      },
      {
        name: 'unknown website',
        status: 403,
        message: /not registered/,
        send: () => hit({ body: { w: 'noSuchWebsite' } }),
      },
      {
        name: 'origin not allowed',
        status: 403,
        message: /https:\/\/evil\.test is not allowed/,
        send: () => hit({ origin: 'https://evil.test' }),
      },
      { name: 'no origin', status: 403, message: /no Origin/, send: () => hit({ origin: null }) },
      {
        name: 'unsupported media type',
        status: 415,
        message: /does not accept application\/xml/,
        send: () =>
          spoor.app.inject({
            method: 'POST',
            url: '/c',
            headers: { 'content-type': 'application/xml', origin: SITE },
            payload: '<a/>',
          }),
      },
    ];
    it.each(cases)('$name → $status', async ({ status, message, send }) => {
      const res = await send();
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expect(body.message).toMatch(message);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      expect(await storedPageviews()).toBe(0);
    });

    it('accepts the Referer origin when a browser sends no Origin', async () => {
      const res = await hit({ origin: null, headers: { referer: `${SITE}/some/page` } });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('scripts and declarations', () => {
    it('serves the tracking script, per website and generic, gzipped on request', async () => {
      const generic = await spoor.app.inject({ url: '/spoor.js' });
      expect(generic.statusCode).toBe(200);
      expect(generic.headers['content-type']).toMatch(/javascript/);
      const perSite = await spoor.app.inject({ url: `/s/${websiteId}.js` });
      // The website id and Spoor's public origin (first-party pages need it to know links to hosted pages).
      const origin = new URL(spoor.config.publicUrl).origin;
      expect(perSite.body.startsWith(`window.__spoor={w:"${websiteId}",o:"${origin}"};`)).toBe(true);
      const gz = await spoor.app.inject({
        url: `/s/${websiteId}.js`,
        headers: { 'accept-encoding': 'gzip, br' },
      });
      expect(gz.headers['content-encoding']).toBe('gzip');
      const unknown = await spoor.app.inject({ url: '/s/nope.js' });
      expect(unknown.statusCode).toBe(404);
    });

    it('serves the OpenAPI document', async () => {
      const res = await spoor.app.inject({ url: '/docs/json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/c', '/api/websites', '/api/websites/{id}/report']),
      );
    });
  });
});

describe('rate limit', () => {
  it('answers 429 with a clear message past the per-client limit', async () => {
    const database = await createTestDatabase('sqlite');
    const spoor = await startSpoor(database, { collectRateLimit: 3 });
    try {
      const site = await spoor.app.inject({
        method: 'POST',
        url: '/api/websites',
        headers: spoor.auth,
        payload: { name: 'S', allowedOrigins: [SITE] },
      });
      const send = () =>
        spoor.app.inject({
          method: 'POST',
          url: '/c',
          headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
          payload: JSON.stringify({ w: site.json().id, e: eventId(), t: 'pv', u: `${SITE}/` }),
        });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await send()).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await send();
      expect(limited.json().message).toMatch(/Too many requests from this client; try again in \d+ s/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const count = await spoor.storage.db.selectFrom('pageviews').selectAll().execute();
      expect(count).toHaveLength(3);
    } finally {
      await spoor.close();
      await database.drop();
    }
  });
});
