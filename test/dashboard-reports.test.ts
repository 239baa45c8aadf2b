// The dashboard's report API over HTTP on SQLite and PostgreSQL: the overview against the previous period,
// realtime visitors, the website report per day with entry pages, and the report filtered by one row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToCounters } from '../src/email/counters/store.ts';
import { DAY_MS, utcDay } from '../src/lib/time.ts';
import { sendRow } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import {
  CHROME_UA,
  collectAsBrowser,
  eventId,
  type RunningSpoor,
  startSpoor,
  submitFormAsBrowser,
} from './helpers/spoor.ts';
import { createContact, createForm, createWebsite } from './support/factories.ts';

const SITE = 'https://www.reports.test';

describeEachEngine('dashboard reports', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let websiteId: string;
  const today = utcDay(Date.now());
  const yesterday = utcDay(Date.now() - DAY_MS);

  const hit = (body: Record<string, unknown>, cookie?: string, userAgent = CHROME_UA) =>
    collectAsBrowser(spoor, websiteId, body, { origin: SITE, cookie, userAgent });

  async function get(url: string, status = 200) {
    const res = await spoor.app.inject({ url, headers: spoor.auth });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  }

  const report = (query = '') => get(`/api/websites/${websiteId}/report?from=${today}&to=${today}${query}`);

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000 });
    websiteId = await createWebsite(spoor, [SITE]);
    // A: lands on / from a campaign, then reads /pricing for 20 s (two page views: not a bounce).
    const pvA = eventId();
    const a = await hit({ e: pvA, u: `${SITE}/?utm_source=news&utm_medium=email&utm_campaign=spring` });
    const pricing = eventId();
    await hit({ e: pricing, u: `${SITE}/pricing`, r: `${SITE}/` }, `spoor_vid=${a.v}`);
    await hit({ t: 'en', p: pricing, ms: 1_000 }, `spoor_vid=${a.v}`);
    // B: lands on /pricing from a search engine and leaves (a bounce).
    await hit({ u: `${SITE}/pricing`, r: 'https://www.google.com/' });
    // C: lands on /blog from the same engine, reads one more page.
    const c = await hit({ u: `${SITE}/blog`, r: 'https://www.google.com/' });
    await hit({ u: `${SITE}/`, r: `${SITE}/blog` }, `spoor_vid=${c.v}`);
    // An anonymous page view (no consent) and a bot's.
    await hit({ a: 1, u: `${SITE}/pricing` });
    await hit({ u: `${SITE}/` }, undefined, 'curl/8.0');

    // Two contacts made today, one of them by a form submission.
    await createContact(spoor, { email: 'made@reports.test' });
    const formId = await createForm(spoor, { websiteId });
    await submitFormAsBrowser(spoor, formId, { email: 'form@reports.test' }, { origin: SITE });

    // Yesterday's send (created then) and today's, with their counters.
    for (const [id, createdAt, sent, opens] of [
      ['send-today', Date.now(), 10, 4],
      ['send-yesterday', Date.now() - DAY_MS, 5, 1],
    ] as const) {
      await spoor.storage.db
        .insertInto('sends')
        .values(sendRow(id, { created_at: createdAt, prepared_at: createdAt, finished_at: createdAt }))
        .execute();
      await addToCounters(
        spoor.storage.db,
        id,
        new Map([
          ['sent', sent],
          ['hard_bounce', 1],
          ['soft_bounce', 1],
          ['unique_open:human', opens],
          ['open:human', opens * 3],
          ['unique_open:machine', 2],
          ['unique_click:human', 1],
          ['unsubscribe', 1],
        ]),
      );
    }
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  it('reports visits, uniques, bounce rate and engaged time per day, and entry pages with their figures', async () => {
    const r = await report();
    expect(r).toMatchObject({
      filter: null,
      pageviews: 6,
      anonymousPageviews: 1,
      visits: 3,
      uniqueVisitors: 3,
      bounceRate: 0.3333,
      notNarrowed: [],
    });
    expect(Date.parse(r.dataAsOf)).not.toBeNaN();
    expect(r.series).toEqual([
      {
        day: today,
        pageviews: 6,
        visits: 3,
        uniqueVisitors: 3,
        bounceRate: 0.3333,
        averageEngagedSeconds: r.averageEngagedSeconds,
      },
    ]);
    expect(r.entryPages).toEqual([
      { path: '/', visits: 1, bounceRate: 0, pageviews: 2, averageEngagedSeconds: 0.5 },
      { path: '/blog', visits: 1, bounceRate: 0, pageviews: 2, averageEngagedSeconds: 0 },
      { path: '/pricing', visits: 1, bounceRate: 1, pageviews: 1, averageEngagedSeconds: 0 },
    ]);
    expect(r.referrers).toEqual([
      { host: 'google.com', visits: 2, bounceRate: 0.5, pageviews: 3, averageEngagedSeconds: 0 },
    ]);
    expect(r.campaigns).toEqual([
      {
        source: 'news',
        medium: 'email',
        campaign: 'spring',
        visits: 1,
        bounceRate: 0,
        pageviews: 2,
        averageEngagedSeconds: 0.5,
      },
    ]);
    // The bot's visit appears with bots included.
    expect(await report('&bots=include')).toMatchObject({ visits: 4, pageviews: 7, includesBots: true });
  });

  it('filters the whole report by a referrer, an entry page, a campaign or a page', async () => {
    const byReferrer = await report('&referrer=google.com');
    expect(byReferrer).toMatchObject({
      filter: { kind: 'referrer', host: 'google.com' },
      visits: 2,
      pageviews: 3,
      bounceRate: 0.5,
      uniqueVisitors: null,
      uniqueVisitorsMethod: 'unavailable',
      anonymousPageviews: null,
      notNarrowed: ['topPages', 'entryPages', 'campaigns'],
      topPages: [],
      entryPages: [],
      campaigns: [],
    });
    expect(byReferrer.referrers.map((row: { host: string }) => row.host)).toEqual(['google.com']);
    expect(byReferrer.series[0]).toMatchObject({ visits: 2, pageviews: 3, uniqueVisitors: null });

    expect(await report('&entry=%2Fpricing')).toMatchObject({
      visits: 1,
      pageviews: 1,
      bounceRate: 1,
      entryPages: [{ path: '/pricing', visits: 1 }],
    });
    expect(await report('&utmSource=news&utmMedium=email&utmCampaign=spring')).toMatchObject({
      visits: 1,
      pageviews: 2,
      bounceRate: 0,
      averageEngagedSeconds: 0.5,
    });
    // A campaign's parts must all match: no row has only the source.
    expect(await report('&utmSource=news')).toMatchObject({ visits: 0, pageviews: 0, campaigns: [] });

    const byPage = await report('&page=%2Fpricing');
    expect(byPage).toMatchObject({
      filter: { kind: 'page', path: '/pricing' },
      pageviews: 3,
      visits: null,
      bounceRate: null,
      topPages: [{ path: '/pricing', pageviews: 3 }],
      notNarrowed: ['entryPages', 'referrers', 'campaigns'],
    });
    expect(byPage.series[0]).toMatchObject({ pageviews: 3, visits: null });

    const two = await spoor.app.inject({
      url: `/api/websites/${websiteId}/report?from=${today}&to=${today}&page=/&referrer=google.com`,
      headers: spoor.auth,
    });
    expect(two.statusCode).toBe(400);
    expect(two.json().message).toMatch(/one row at a time/);
  });

  it('gives a point for every day of the range, days without traffic at zero', async () => {
    const r = await get(`/api/websites/${websiteId}/report?from=${yesterday}&to=${today}`);
    expect(r.series.map((d: { day: string }) => d.day)).toEqual([yesterday, today]);
    expect(r.series[0]).toEqual({
      day: yesterday,
      pageviews: 0,
      visits: 0,
      uniqueVisitors: 0,
      bounceRate: 0,
      averageEngagedSeconds: 0,
    });
  });

  it('compares the overview with the period before, every figure from rollups and counters', async () => {
    const o = await get(`/api/overview?from=${today}&to=${today}`);
    expect(o.current).toMatchObject({
      from: today,
      to: today,
      visits: 3,
      pageviews: 6,
      uniqueVisitors: 3,
      identifiedVisitors: 0,
      anonymousVisitors: 3,
      newContacts: 2,
      formSubmissions: 1,
      sends: 1,
      emailsDelivered: 8,
      uniqueHumanOpens: 4,
      uniqueHumanClicks: 1,
      unsubscribes: 1,
      series: [{ day: today, visits: 3, pageviews: 6 }],
    });
    expect(o.previous).toMatchObject({
      from: yesterday,
      to: yesterday,
      visits: 0,
      pageviews: 0,
      newContacts: 0,
      formSubmissions: 0,
      sends: 1,
      emailsDelivered: 3,
      uniqueHumanOpens: 1,
      series: [{ day: yesterday, visits: 0, pageviews: 0 }],
    });
    const week = await get(`/api/overview?from=${utcDay(Date.now() - 6 * DAY_MS)}&to=${today}`);
    expect(week.previous.from).toBe(utcDay(Date.now() - 13 * DAY_MS));
    expect(week.previous.to).toBe(utcDay(Date.now() - 7 * DAY_MS));
    expect(week.current.series).toHaveLength(7);
    expect(week.current.emailsDelivered).toBe(11);
    await get(`/api/overview?from=${today}&to=${yesterday}`, 400);
  });

  it('counts the visitors of the last five minutes, on every website or one', async () => {
    const all = await get('/api/overview/realtime');
    expect(all).toMatchObject({ windowMinutes: 5, visitors: 3, pageviews: 6, anonymousPageviews: 1 });
    expect(Date.parse(all.asOf) - Date.parse(all.since)).toBe(5 * 60_000);
    expect(await get(`/api/overview/realtime?websiteId=${websiteId}`)).toMatchObject({ visitors: 3 });
    const other = await createWebsite(spoor, ['https://other.reports.test']);
    expect(await get(`/api/overview/realtime?websiteId=${other}`)).toMatchObject({
      visitors: 0,
      pageviews: 0,
    });
    await get('/api/overview/realtime?websiteId=nope', 404);
  });
});

describe('overview without websites', () => {
  it('answers zeros', async () => {
    const database = await createTestDatabase('sqlite');
    const spoor = await startSpoor(database);
    try {
      const today = utcDay(Date.now());
      const res = await spoor.app.inject({
        url: `/api/overview?from=${today}&to=${today}`,
        headers: spoor.auth,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().current).toMatchObject({ visits: 0, uniqueVisitors: 0, series: [{ day: today }] });
      const now = await spoor.app.inject({ url: '/api/overview/realtime', headers: spoor.auth });
      expect(now.json()).toMatchObject({ visitors: 0 });
    } finally {
      await spoor.close();
      await database.drop();
    }
  });
});
