// Website tracking in a real Chromium: the visitor and visit cookies with their attributes, visit grouping and
// expiry, blocked third-party cookies and first-party mode. Each test asserts what the visitor's browser holds
// (its cookie jar) and what a marketer sees (the report API, the stored rows).
import type { Cookie } from 'playwright-core';
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

const DAY_S = 86_400;
/** Chromium keeps no cookie longer than this, whatever Max-Age asks (RFC 6265bis). */
const BROWSER_CAP_S = 400 * DAY_S;

const nowS = () => Date.now() / 1000;

/** The cookie expires `lifetimeS` after a moment between `fromS` and `toS` (when it was set). */
function expectLifetime(cookie: Cookie | undefined, lifetimeS: number, fromS: number, toS: number) {
  expect(cookie, 'cookie present').toBeDefined();
  expect(cookie!.expires).toBeGreaterThanOrEqual(Math.floor(fromS) + lifetimeS - 1);
  expect(cookie!.expires).toBeLessThanOrEqual(Math.ceil(toS) + lifetimeS + 1);
}

describe.skipIf(!chromiumPath)('browser: cookies and visits', () => {
  const suite = setUpBrowserSuite();

  it('sets HttpOnly SameSite=None cookies on the tracking host and mirrors them on the site', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('cookies');
    sites.setPage(path, pageHtml({ title: 'Cookies', snippet: site.snippets.thirdParty }));
    const browser = await suite.open({ thirdPartyCookies: true });

    const before = nowS();
    await browser.page.goto(sites.shopOrigin + path);
    const [pv] = await suite.pageviews(site.id, 1);
    const cookies = await waitFor('the server cookies and their mirrors', async () => {
      const all = await spoorCookies(browser.context);
      return all.length === 4 && all;
    });
    const after = nowS();
    const on = (domain: string, name: string) => cookies.find((c) => c.domain === domain && c.name === name);

    const serverAttributes = { path: '/', httpOnly: true, secure: true, sameSite: 'None' };
    expect(on('track.spoor.test', 'spoor_vid')).toMatchObject({ value: pv!.visitor_id, ...serverAttributes });
    expect(on('track.spoor.test', 'spoor_sid')).toMatchObject({ value: pv!.visit_id, ...serverAttributes });
    // The website keeps visitors 730 days by default; the server asks for the 400 browsers keep.
    expectLifetime(on('track.spoor.test', 'spoor_vid'), BROWSER_CAP_S, before, after);
    expectLifetime(on('track.spoor.test', 'spoor_sid'), 30 * 60, before, after);

    // The script's mirrors: readable by the page, on the registrable domain, same values.
    const mirrorAttributes = { path: '/', httpOnly: false, secure: true, sameSite: 'Lax' };
    expect(on('.shop.test', 'spoor_vid')).toMatchObject({ value: pv!.visitor_id, ...mirrorAttributes });
    expect(on('.shop.test', 'spoor_sid')).toMatchObject({ value: pv!.visit_id, ...mirrorAttributes });
    expectLifetime(on('.shop.test', 'spoor_vid'), BROWSER_CAP_S, before, after);
    expectLifetime(on('.shop.test', 'spoor_sid'), 30 * 60, before, after);

    // The page sees exactly the mirrors: not the HttpOnly pair, and no leftover domain probe (spoor_t).
    const visible = await browser.page.evaluate(() => document.cookie);
    expect(visible.split('; ').sort()).toEqual([`spoor_sid=${pv!.visit_id}`, `spoor_vid=${pv!.visitor_id}`]);
    expect(pv).toMatchObject({ bot: 0, anonymous: 0 });
  });

  it('groups page loads into one visit and starts a new visit, same visitor, after the timeout', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite({ visitTimeoutMinutes: 30 });
    const path = uniquePath('visit');
    for (const p of ['one', 'two', 'three'])
      sites.setPage(`${path}/${p}`, pageHtml({ title: p, snippet: site.snippets.thirdParty }));
    const browser = await suite.open({ thirdPartyCookies: true });
    const visitCookies = async () => {
      const all = await spoorCookies(browser.context);
      return {
        server: all.find((c) => c.domain === 'track.spoor.test' && c.name === 'spoor_sid')?.value,
        mirror: all.find((c) => c.domain === '.shop.test' && c.name === 'spoor_sid')?.value,
        visitor: all.find((c) => c.domain === 'track.spoor.test' && c.name === 'spoor_vid')?.value,
      };
    };

    await browser.page.goto(`${sites.shopOrigin}${path}/one`);
    await suite.pageviews(site.id, 1);
    await browser.page.goto(`${sites.shopOrigin}${path}/two`);
    const twoViews = await suite.pageviews(site.id, 2);
    const [visit] = await storedVisits(sites, site.id);
    expect(await storedVisits(sites, site.id)).toHaveLength(1);
    expect(visit).toMatchObject({ pageviews: 2, entry_path: `${path}/one` });
    for (const pv of twoViews)
      expect(pv).toMatchObject({ visit_id: visit!.id, visitor_id: visit!.visitor_id });
    await waitFor('the visit cookies', async () => (await visitCookies()).mirror);
    expect(await visitCookies()).toEqual({
      server: visit!.id,
      mirror: visit!.id,
      visitor: visit!.visitor_id,
    });
    expect(await sites.report(site.id)).toMatchObject({
      pageviews: 2,
      visits: 1,
      uniqueVisitors: 1,
      bounceRate: 0,
    });

    // Let 31 minutes pass without waiting: leave the page (its last engaged-time beacon must land first,
    // it counts as activity), age the visit's last activity in storage and expire the visit cookies the
    // browser would have dropped by then (their Max-Age is the 30-minute timeout).
    await browser.page.goto('about:blank');
    await waitFor('the engaged time of the page left', async () =>
      (await storedPageviews(sites, site.id)).every((pv) => pv.engaged_ms > 0),
    );
    const aged = 31 * 60_000;
    await sites.spoor.storage.db
      .updateTable('visits')
      .set((eb) => ({ last_seen_at: eb('last_seen_at', '-', aged), started_at: eb('started_at', '-', aged) }))
      .where('id', '=', visit!.id)
      .execute();
    await browser.context.clearCookies({ name: 'spoor_sid' });

    await browser.page.goto(`${sites.shopOrigin}${path}/three`);
    const threeViews = await suite.pageviews(site.id, 3);
    const third = threeViews.find((pv) => pv.path === `${path}/three`)!;
    const visits = await storedVisits(sites, site.id);
    expect(visits.map((v) => [v.id, v.visitor_id, v.pageviews])).toEqual([
      [visit!.id, visit!.visitor_id, 2],
      [third.visit_id, visit!.visitor_id, 1],
    ]);
    expect(third.visit_id).not.toBe(visit!.id);
    await waitFor('the new visit cookie', async () => (await visitCookies()).mirror === third.visit_id);
    expect(await visitCookies()).toEqual({
      server: third.visit_id,
      mirror: third.visit_id,
      visitor: visit!.visitor_id,
    });
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 3, visits: 2, uniqueVisitors: 1 });
  });

  it('still recognises the visitor through the first-party mirrors when third-party cookies are blocked', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('blocked');
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', snippet: site.snippets.thirdParty }));
    sites.setPage(`${path}/b`, pageHtml({ title: 'B', snippet: site.snippets.thirdParty }));
    const browser = await suite.open(); // Chromium's default: third-party cookies blocked
    const traffic = watchCollect(browser.page);

    await browser.page.goto(`${sites.shopOrigin}${path}/a`);
    const [first] = await suite.pageviews(site.id, 1);
    await waitFor('the mirror cookies', async () => (await spoorCookies(browser.context)).length === 2);
    await browser.page.goto(`${sites.shopOrigin}${path}/b`);
    const views = await suite.pageviews(site.id, 2);

    // The tracking host's cookies never made it into the jar; only the script's mirrors did. The second
    // page's script writes a domain probe (spoor_t) and deletes it before it sends its page view, so the
    // page's own cookies no longer hold it; the jar applies those two writes after the page did, so it is
    // polled until it holds exactly the mirrors (a probe that stayed, or any other cookie, never would).
    expect(await browser.page.evaluate(() => document.cookie.includes('spoor_t='))).toBe(false);
    await expect
      .poll(
        async () => (await spoorCookies(browser.context)).map((c) => [c.domain, c.name, c.value]).sort(),
        { timeout: 10_000 },
      )
      .toEqual([
        ['.shop.test', 'spoor_sid', first!.visit_id],
        ['.shop.test', 'spoor_vid', first!.visitor_id],
      ]);
    // The second page load sent the mirrors' values, and the server took them.
    expect(traffic.pageviews()[1]).toMatchObject({ v: first!.visitor_id, s: first!.visit_id });
    for (const pv of views)
      expect(pv).toMatchObject({ visitor_id: first!.visitor_id, visit_id: first!.visit_id });
    expect(await sites.report(site.id)).toMatchObject({
      pageviews: 2,
      visits: 1,
      uniqueVisitors: 1,
      bounceRate: 0,
    });
  });

  it('a visitor who leaves before the first reply, third-party cookies blocked, is the same visitor on the next page', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('quick');
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', snippet: site.snippets.thirdParty }));
    sites.setPage(`${path}/b`, pageHtml({ title: 'B', snippet: site.snippets.thirdParty }));
    const browser = await suite.open(); // third-party cookies blocked
    // The first hit is held until the visitor has moved on, so no reply could write the mirror before.
    let held = false;
    let movedOn = () => {};
    const visitorMovedOn = new Promise<void>((resolve) => {
      movedOn = resolve;
    });
    await browser.page.route(
      (url) => url.pathname.endsWith('/c'),
      async (route) => {
        if (!held) {
          held = true;
          await visitorMovedOn;
        }
        await route.continue().catch(() => {});
      },
    );
    const traffic = watchCollect(browser.page);
    await browser.page.goto(`${sites.shopOrigin}${path}/a`);
    await waitFor('the first page view to be sent', async () => traffic.pageviews().length === 1);
    await browser.page.goto(`${sites.shopOrigin}${path}/b`);
    movedOn();
    const views = await suite.pageviews(site.id, 2);
    expect(views[1]!.visitor_id).toBe(views[0]!.visitor_id);
    expect(views[1]!.visit_id).toBe(views[0]!.visit_id);
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 2, visits: 1, uniqueVisitors: 1 });
  });

  it('first-party mode: HttpOnly SameSite=Lax cookies on the site itself, none visible to the page', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('first-party');
    expect(site.snippets.firstParty).toContain(`src="/spoor/s/${site.id}.js"`);
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', snippet: site.snippets.firstParty }));
    sites.setPage(`${path}/b`, pageHtml({ title: 'B', snippet: site.snippets.firstParty }));
    const browser = await suite.open(); // third-party cookies blocked: first-party mode must not care
    const traffic = watchCollect(browser.page);

    const before = nowS();
    await browser.page.goto(`${sites.shopOrigin}${path}/a`);
    const [first] = await suite.pageviews(site.id, 1);
    const cookies = await waitFor('the first-party cookies', async () => {
      const all = await spoorCookies(browser.context);
      return all.length === 2 && all;
    });
    const after = nowS();
    const attributes = { domain: 'www.shop.test', path: '/', httpOnly: true, secure: true, sameSite: 'Lax' };
    const byName = Object.fromEntries(cookies.map((c) => [c.name, c]));
    expect(byName['spoor_vid']).toMatchObject({ value: first!.visitor_id, ...attributes });
    expect(byName['spoor_sid']).toMatchObject({ value: first!.visit_id, ...attributes });
    expectLifetime(byName['spoor_vid'], BROWSER_CAP_S, before, after);
    expect(await browser.page.evaluate(() => document.cookie)).not.toContain('spoor_');

    await browser.page.goto(`${sites.shopOrigin}${path}/b`);
    const views = await suite.pageviews(site.id, 2);
    for (const pv of views)
      expect(pv).toMatchObject({ visitor_id: first!.visitor_id, visit_id: first!.visit_id });
    expect(await browser.page.evaluate(() => document.cookie)).not.toContain('spoor_');

    // Every hit went to the site's own origin, marked first-party, with no mirror ids.
    await traffic.settled();
    expect(new Set(traffic.targets)).toEqual(new Set([`${sites.shopOrigin}/spoor/c`]));
    for (const hit of traffic.hits) {
      expect(hit.fp).toBe(1);
      expect(hit).not.toHaveProperty('v');
      expect(hit).not.toHaveProperty('s');
    }
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 2, visits: 1, uniqueVisitors: 1 });
  });
});
