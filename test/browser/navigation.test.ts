// Website tracking in a real Chromium: engaged time, single-page-app navigation, the back/forward cache and
// navigations that outrun the tracking host's reply. Each test asserts what a marketer sees (the report API,
// the stored rows) and, where it matters, what the script sent.
import { describe, expect, it } from 'vitest';
import {
  chromiumPath,
  pageHtml,
  setUpBrowserSuite,
  spoorCookies,
  storedPageviews,
  storedVisits,
  uniquePath,
  waitFor,
  watchCollect,
} from '../helpers/browser.ts';

describe.skipIf(!chromiumPath)('browser: engaged time and navigation', () => {
  const suite = setUpBrowserSuite();

  it('counts engaged time only while focused, and gives the last page its time when the tab closes', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('engaged');
    sites.setPage(`${path}/read`, pageHtml({ title: 'Read', snippet: site.snippets.thirdParty }));
    sites.setPage(`${path}/last`, pageHtml({ title: 'Last', snippet: site.snippets.thirdParty }));
    const browser = await suite.open();
    const { page } = browser;
    const cdp = await browser.context.newCDPSession(page);
    // Time on the page is moved on with Playwright's clock, never waited for; pageNow() is the page's time.
    await page.clock.install();
    let movedOn = 0;
    const spend = async (ms: number) => {
      await page.clock.runFor(ms);
      movedOn += ms;
    };
    const pageNow = () => Date.now() + movedOn;

    const start = pageNow();
    await page.goto(`${sites.shopOrigin}${path}/read`);
    await spend(1500); // read, focused and visible
    // Another window comes to the front: the page loses focus and its clock must stop.
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    expect(await page.evaluate(() => document.hasFocus())).toBe(false);
    await spend(1500);
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
    expect(await page.evaluate(() => document.hasFocus())).toBe(true);
    const leftRead = pageNow();
    await page.goto(`${sites.shopOrigin}${path}/last`); // pagehide sends /read's time
    const readElapsed = pageNow() - start;

    const read = await waitFor('engaged time of /read', async () => {
      const pv = (await storedPageviews(sites, site.id)).find((p) => p.path === `${path}/read`);
      return pv && pv.engaged_ms > 0 && pv;
    });
    // At least the focused stretch, at most the time on the page minus the unfocused stretch (with margin).
    expect(read.engaged_ms).toBeGreaterThanOrEqual(1000);
    expect(read.engaged_ms).toBeLessThanOrEqual(readElapsed - 1000);

    // The last page of the visit: closing the tab fires pagehide, whose beacon carries the time.
    await suite.pageviews(site.id, 2);
    await spend(500);
    await page.close({ runBeforeUnload: true });
    const last = await waitFor('engaged time of the last page', async () => {
      const pv = (await storedPageviews(sites, site.id)).find((p) => p.path === `${path}/last`);
      return pv && pv.engaged_ms > 0 && pv;
    });
    expect(last.engaged_ms).toBeLessThanOrEqual(pageNow() - leftRead);

    const report = await sites.report(site.id);
    const engaged = Object.fromEntries(report.topPages.map((p) => [p.path, p.engagedSeconds]));
    expect(engaged[`${path}/read`]).toBe(Math.round(read.engaged_ms / 100) / 10);
    expect(engaged[`${path}/last`]).toBeGreaterThan(0);
    const [visit] = await storedVisits(sites, site.id);
    expect(visit!.engaged_ms).toBe(read.engaged_ms + last.engaged_ms);
  });

  it('follows single-page-app navigation: one page view per URL change, no duplicates', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('spa');
    sites.setPage(path, pageHtml({ title: 'App', snippet: site.snippets.thirdParty }));
    const browser = await suite.open();
    const { page } = browser;
    const traffic = watchCollect(page);
    const base = sites.shopOrigin + path;
    const sentViews = (n: number) => waitFor(`${n} page view(s) sent`, () => traffic.pageviews().length >= n);

    await page.goto(base);
    await sentViews(1);
    await page.evaluate((p) => history.pushState({}, '', `${p}/two`), path);
    await sentViews(2);
    await page.evaluate((p) => history.replaceState({}, '', `${p}/three`), path); // strips/changes the URL
    await sentViews(3);
    await page.evaluate(() => history.replaceState({ again: true }, '', location.href)); // same URL: nothing
    await page.evaluate(() => history.back()); // popstate, back to the first entry
    await sentViews(4);
    await page.evaluate(() => {
      location.hash = 'section'; // popstate and hashchange both fire: one view
    });
    await sentViews(5);
    expect(page.url()).toBe(`${base}#section`);
    await traffic.settled();

    const sent = traffic.pageviews();
    expect(sent.map((h) => [h.u, h.r])).toEqual([
      [base, ''],
      [`${base}/two`, base],
      [`${base}/three`, `${base}/two`],
      [base, `${base}/three`],
      [`${base}#section`, base],
    ]);
    const stored = await suite.pageviews(site.id, 5);
    expect(stored).toHaveLength(5);
    const byEvent = new Map(stored.map((pv) => [pv.event_id, pv]));
    expect(sent.map((h) => byEvent.get(h.e as string)?.url)).toEqual(sent.map((h) => h.u));
    const visits = await storedVisits(sites, site.id);
    expect(visits.map((v) => v.pageviews)).toEqual([5]);

    const report = await sites.report(site.id);
    expect(report).toMatchObject({ pageviews: 5, visits: 1, bounceRate: 0 });
    expect(Object.fromEntries(report.topPages.map((p) => [p.path, p.pageviews]))).toEqual({
      [path]: 3,
      [`${path}/two`]: 1,
      [`${path}/three`]: 1,
    });
  });

  it.each(['thirdParty', 'firstParty'] as const)(
    'a navigation before the first reply is the same visitor and visit (%s snippet, slow tracking host)',
    async (snippet) => {
      const { sites } = suite;
      const site = await sites.registerWebsite();
      const path = uniquePath('slow');
      // An app that tidies its URL as soon as it has loaded, dropping the utm_ tags (see docs/tracking.md).
      const body = `<script>addEventListener('load', () => history.replaceState(null, '', location.pathname));</script>`;
      sites.setPage(path, pageHtml({ title: 'Landing', body, snippet: site.snippets[snippet] }));
      const browser = await suite.open(); // third-party cookies blocked, as in Safari and Firefox
      const { page } = browser;
      // The tracking host answers the first hit slowly: only once the app has tidied its URL.
      let held = false;
      await page.route(
        (url) => url.pathname.endsWith('/c'),
        async (route) => {
          if (!held) {
            held = true;
            await waitFor('the app to drop the utm_ tags', () => !page.url().includes('utm_'));
          }
          await route.continue();
        },
      );

      const landing = `${sites.shopOrigin}${path}?utm_source=news&utm_medium=email&utm_campaign=spring`;
      await page.goto(landing);
      expect(page.url()).toBe(sites.shopOrigin + path);
      const views = await suite.pageviews(site.id, 2);
      expect(views.map((pv) => pv.url)).toEqual([landing, sites.shopOrigin + path]);
      expect(views[1]).toMatchObject({ visitor_id: views[0]!.visitor_id, visit_id: views[0]!.visit_id });
      const visits = await storedVisits(sites, site.id);
      expect(visits.map((v) => [v.pageviews, v.entry_path, v.utm_campaign])).toEqual([[2, path, 'spring']]);
      expect(await sites.report(site.id)).toMatchObject({
        pageviews: 2,
        visits: 1,
        uniqueVisitors: 1,
        bounceRate: 0,
        campaigns: [{ source: 'news', medium: 'email', campaign: 'spring', visits: 1 }],
      });
    },
  );

  it('counts a page shown again from the back/forward cache as a page view, and times it', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('bfcache');
    // Marks the document when the browser restores it from the cache instead of loading it again.
    const head = `<script>addEventListener('pageshow', (e) => { if (e.persisted) document.body.dataset.restored = 'yes'; });</script>`;
    for (const p of ['a', 'b'])
      sites.setPage(`${path}/${p}`, pageHtml({ title: p, head, snippet: site.snippets.thirdParty }));
    const browser = await suite.open();
    const { page } = browser;
    await page.clock.install(); // the restored view's time is moved on below, not waited for

    await page.goto(`${sites.shopOrigin}${path}/a`);
    await suite.pageviews(site.id, 1);
    // Third-party cookies are blocked here: the visitor is known by the mirrors, written when Spoor answers.
    await waitFor('the mirror cookies', async () => (await spoorCookies(browser.context)).length === 2);
    await page.goto(`${sites.shopOrigin}${path}/b`);
    await suite.pageviews(site.id, 2);
    await page.evaluate(() => history.back());
    // Without this the test would prove nothing: a back navigation that reloads is counted anyway.
    await page.waitForFunction(
      () => location.pathname.endsWith('/a') && document.body.dataset.restored === 'yes',
    );

    const views = await suite.pageviews(site.id, 3);
    expect(views.map((pv) => pv.path)).toEqual([`${path}/a`, `${path}/b`, `${path}/a`]);
    await page.clock.runFor(300);
    await page.close({ runBeforeUnload: true });
    await waitFor('engaged time of the restored view', async () => {
      const [, , restored] = await storedPageviews(sites, site.id);
      return restored!.engaged_ms > 0;
    });
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 3, visits: 1, uniqueVisitors: 1 });
  });

  it('counts one page view when the snippet is on the page twice', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('twice');
    const snippet = site.snippets.thirdParty + site.snippets.thirdParty;
    sites.setPage(path, pageHtml({ title: 'Twice', snippet }));
    const browser = await suite.open();
    const traffic = watchCollect(browser.page);
    await browser.page.goto(sites.shopOrigin + path);
    await browser.page.waitForLoadState('load');
    await suite.pageviews(site.id, 1);
    await traffic.settled();
    expect(traffic.pageviews()).toHaveLength(1);
    expect(await storedPageviews(sites, site.id)).toHaveLength(1);
  });
});
