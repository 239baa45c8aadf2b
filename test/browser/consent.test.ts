// Consent in a real Chromium: anonymous tracking from the page's hook, switching identifiers on and off
// without a reload, the Dynamics 365 outbound-marketing names, and Global Privacy Control. All run in a
// profile that allows third-party cookies, so "no cookie" means the script and server set none, not that
// the browser blocked them.
import { describe, expect, it } from 'vitest';
import {
  chromiumPath,
  pageHtml,
  setUpBrowserSuite,
  spoorCookies,
  storedPageviews,
  uniquePath,
  waitFor,
  watchCollect,
} from '../helpers/browser.ts';

const anonymousHook = (name: string, key: string) =>
  `<script>function ${name}() { return { ${key}: true }; }</script>`;

describe.skipIf(!chromiumPath)('browser: consent', () => {
  const suite = setUpBrowserSuite();

  /** Waits for the browser to hold exactly `n` spoor_* cookies, and returns them. */
  const cookieCount = (context: Parameters<typeof spoorCookies>[0], n: number) =>
    waitFor(`${n} spoor cookie(s) in the browser`, async () => {
      const all = await spoorCookies(context);
      return all.length === n && all;
    });

  it('anonymize: no spoor cookie on either domain, existing ones removed, page views still counted', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('anonymous');
    const head = anonymousHook('spoorConfigureTracking', 'anonymize');
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', head, snippet: site.snippets.thirdParty }));
    sites.setPage(`${path}/b`, pageHtml({ title: 'B', head, snippet: site.snippets.thirdParty }));
    sites.setPage(`${path}/no-hook`, pageHtml({ title: 'No hook', snippet: site.snippets.thirdParty }));
    const browser = await suite.open({ thirdPartyCookies: true });
    const traffic = watchCollect(browser.page);

    await browser.page.goto(`${sites.shopOrigin}${path}/a`);
    await suite.pageviews(site.id, 1);
    await browser.page.goto(`${sites.shopOrigin}${path}/b`);
    const views = await suite.pageviews(site.id, 2);
    await traffic.settled();

    expect(await spoorCookies(browser.context)).toEqual([]);
    expect(await browser.page.evaluate(() => document.cookie)).toBe('');
    for (const pv of views) expect(pv).toMatchObject({ anonymous: 1, visitor_id: null, visit_id: null });
    expect(traffic.hits.length).toBeGreaterThanOrEqual(2);
    for (const hit of traffic.hits) {
      expect(hit.a).toBe(1);
      expect(hit).not.toHaveProperty('v');
      expect(hit).not.toHaveProperty('s');
    }
    expect(await sites.report(site.id)).toMatchObject({
      pageviews: 2,
      anonymousPageviews: 2,
      visits: 0,
      uniqueVisitors: 0,
    });

    // A browser that was tracked before (a page without the hook) loses every spoor cookie on the next
    // anonymous page: the script deletes its mirrors, the server expires its own HttpOnly pair.
    await browser.page.goto(`${sites.shopOrigin}${path}/no-hook`);
    await cookieCount(browser.context, 4);
    await browser.page.goto(`${sites.shopOrigin}${path}/a`);
    const all = await suite.pageviews(site.id, 4);
    await cookieCount(browser.context, 0);
    expect(all.map((pv) => pv.anonymous)).toEqual([1, 1, 0, 1]);
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 4, anonymousPageviews: 3, visits: 1 });
  });

  it('reconfigureTracking switches identifiers on after consent and off again, without a reload', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('reconfigure');
    const head = anonymousHook('spoorConfigureTracking', 'anonymize');
    sites.setPage(path, pageHtml({ title: 'App', head, snippet: site.snippets.thirdParty }));
    const browser = await suite.open({ thirdPartyCookies: true });
    const { page, context } = browser;
    const traffic = watchCollect(page);

    await page.goto(sites.shopOrigin + path);
    const [anonymous] = await suite.pageviews(site.id, 1);
    expect(anonymous).toMatchObject({ anonymous: 1, visitor_id: null });
    await traffic.settled();
    expect(await spoorCookies(context)).toEqual([]);

    // Consent given: the next hit (here an SPA navigation) carries identifiers and its reply sets cookies.
    const sentBefore = traffic.hits.length;
    await page.evaluate(() => window.Spoor!.reconfigureTracking({ anonymize: false }));
    await page.evaluate((p) => history.pushState({}, '', p), `${path}/consented`);
    const cookies = await cookieCount(context, 4);
    const consented = (await storedPageviews(sites, site.id)).find((pv) => pv.path === `${path}/consented`)!;
    expect(consented).toMatchObject({ anonymous: 0 });
    expect(consented.visitor_id).toBeTruthy();
    expect(cookies.map((c) => [c.domain, c.name, c.value]).sort()).toEqual([
      ['.shop.test', 'spoor_sid', consented.visit_id],
      ['.shop.test', 'spoor_vid', consented.visitor_id],
      ['track.spoor.test', 'spoor_sid', consented.visit_id],
      ['track.spoor.test', 'spoor_vid', consented.visitor_id],
    ]);
    await traffic.settled();
    for (const hit of traffic.hits.slice(sentBefore)) expect(hit).not.toHaveProperty('a');

    // Consent withdrawn: the mirrors go at once, the tracking host's HttpOnly pair with the hit it triggers.
    const sentAtWithdrawal = traffic.hits.length;
    const visible = await page.evaluate(() => {
      window.Spoor!.reconfigureTracking({ anonymize: true });
      return document.cookie;
    });
    expect(visible).toBe('');
    await cookieCount(context, 0);
    await traffic.settled();
    expect(traffic.hits.slice(sentAtWithdrawal)).toEqual([
      expect.objectContaining({ t: 'en', p: traffic.pageviews()[1]!.e, a: 1 }),
    ]);
    expect(traffic.hits.at(-1)).not.toHaveProperty('v');

    // And it stays off: the next navigation is anonymous again and sets nothing.
    await page.evaluate((p) => history.pushState({}, '', p), `${path}/withdrawn`);
    const views = await suite.pageviews(site.id, 3);
    expect(views.find((pv) => pv.path === `${path}/withdrawn`)).toMatchObject({
      anonymous: 1,
      visitor_id: null,
    });
    await traffic.settled();
    expect(await spoorCookies(context)).toEqual([]);
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 3, anonymousPageviews: 2, visits: 1 });
  });

  it('outbound-marketing pages work unchanged: d365-mkt-config, d365mktConfigureTracking, MsCrmMkt', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('d365');
    // The snippet the admin API hands out for migrated pages: the config element plus the plain /spoor.js.
    const snippet = site.snippets.outboundMarketingCompatible;
    expect(snippet).toContain(`data-website-id="${site.id}"`);
    expect(snippet).toContain(`data-hostname="${new URL(sites.trackOrigin).host}"`);
    expect(snippet).toContain(`src="${sites.trackOrigin}/spoor.js"`);
    const head = anonymousHook('d365mktConfigureTracking', 'Anonymize');
    sites.setPage(path, pageHtml({ title: 'Migrated', head, snippet }));
    const browser = await suite.open({ thirdPartyCookies: true });
    const { page, context } = browser;
    const traffic = watchCollect(page);

    await page.goto(sites.shopOrigin + path);
    const [first] = await suite.pageviews(site.id, 1);
    expect(first).toMatchObject({ anonymous: 1, visitor_id: null });
    await traffic.settled();
    expect(traffic.targets[0]).toBe(`${sites.trackOrigin}/c`);
    expect(traffic.hits[0]).toMatchObject({ w: site.id, t: 'pv', a: 1 });
    expect(await spoorCookies(context)).toEqual([]);

    await page.evaluate(() => window.MsCrmMkt!.reconfigureTracking({ Anonymize: false }));
    await page.evaluate((p) => history.pushState({}, '', p), `${path}/consented`);
    const cookies = await cookieCount(context, 4);
    const views = await suite.pageviews(site.id, 2);
    const consented = views.find((pv) => pv.path === `${path}/consented`)!;
    expect(consented).toMatchObject({ anonymous: 0 });
    expect(cookies.filter((c) => c.name === 'spoor_vid').map((c) => c.value)).toEqual([
      consented.visitor_id,
      consented.visitor_id,
    ]);
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 2, anonymousPageviews: 1, visits: 1 });
  });

  it('Global Privacy Control anonymizes when the website honours it, and the page cannot override it', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    expect(site.gpcMode).toBe('anonymize');
    const path = uniquePath('gpc');
    sites.setPage(path, pageHtml({ title: 'GPC', snippet: site.snippets.thirdParty }));
    const browser = await suite.open({ thirdPartyCookies: true, gpc: true });
    const { page, context } = browser;
    const traffic = watchCollect(page);

    await page.goto(sites.shopOrigin + path);
    expect(
      await page.evaluate(() => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl),
    ).toBe(true);
    const [first] = await suite.pageviews(site.id, 1);
    expect(first).toMatchObject({ anonymous: 1, visitor_id: null, visit_id: null });
    await traffic.settled();
    expect(traffic.hits[0]).toMatchObject({ t: 'pv', g: 1 });
    expect(traffic.hits[0]).not.toHaveProperty('a'); // the page itself did not ask for anonymity
    expect(await spoorCookies(context)).toEqual([]);

    // The page "gives consent", but GPC is the visitor's own signal: still anonymous, still no cookie.
    await page.evaluate(() => window.Spoor!.reconfigureTracking({ anonymize: false }));
    await page.evaluate((p) => history.pushState({}, '', p), `${path}/consented`);
    const views = await suite.pageviews(site.id, 2);
    expect(views.find((pv) => pv.path === `${path}/consented`)).toMatchObject({
      anonymous: 1,
      visitor_id: null,
    });
    await traffic.settled();
    expect(await spoorCookies(context)).toEqual([]);
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 2, anonymousPageviews: 2, visits: 0 });

    // A website set to ignore GPC tracks the same browser as usual.
    await sites.changeWebsite(site.id, { gpcMode: 'ignore' });
    await page.goto(sites.shopOrigin + path);
    const all = await suite.pageviews(site.id, 3);
    const tracked = all.find((pv) => pv.anonymous === 0);
    expect(tracked?.visitor_id).toBeTruthy();
    const cookies = await cookieCount(context, 4);
    expect(new Set(cookies.filter((c) => c.name === 'spoor_vid').map((c) => c.value))).toEqual(
      new Set([tracked!.visitor_id]),
    );
  });
});
