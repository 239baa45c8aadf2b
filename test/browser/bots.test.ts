// Bot filtering in a real Chromium: a browser driven by automation is kept, labelled, and left out of the
// default report. (The other browser suites launch Chromium without the automation markers precisely so
// that their visits count as human.)
import { describe, expect, it } from 'vitest';
import {
  chromiumPath,
  pageHtml,
  setUpBrowserSuite,
  storedVisits,
  uniquePath,
  watchCollect,
} from '../helpers/browser.ts';
import { CHROME_UA } from '../helpers/spoor.ts';

describe.skipIf(!chromiumPath)('browser: bots', () => {
  const suite = setUpBrowserSuite();

  it('stores an automated browser labelled as a bot and leaves it out of the default report', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('bots');
    sites.setPage(path, pageHtml({ title: 'Bots', snippet: site.snippets.thirdParty }));
    const visit = async (options: Parameters<typeof suite.open>[0]) => {
      const browser = await suite.open(options);
      const traffic = watchCollect(browser.page);
      await browser.page.goto(sites.shopOrigin + path);
      const seen = await browser.page.evaluate(() => ({
        webdriver: navigator.webdriver,
        ua: navigator.userAgent,
      }));
      await traffic.settled();
      await browser.close();
      return { seen, hit: traffic.pageviews()[0]! };
    };

    // Playwright's defaults: --enable-automation (navigator.webdriver) and Chromium's HeadlessChrome agent.
    const automated = await visit({ automated: true });
    expect(automated.seen.webdriver).toBe(true);
    expect(automated.seen.ua).toMatch(/HeadlessChrome/);
    expect(automated.hit).toMatchObject({ t: 'pv', wd: 1 });
    // Automated, with a desktop Chrome user agent: navigator.webdriver alone gives it away.
    const disguised = await visit({ automated: true, userAgent: CHROME_UA });
    expect(disguised.seen).toEqual({ webdriver: true, ua: CHROME_UA });
    expect(disguised.hit).toMatchObject({ t: 'pv', wd: 1 });
    // A person's browser, for contrast.
    const human = await visit({});
    expect(human.seen).toEqual({ webdriver: false, ua: CHROME_UA });
    expect(human.hit).not.toHaveProperty('wd');

    const rows = await suite.pageviews(site.id, 3);
    const byEvent = new Map(rows.map((pv) => [pv.event_id, pv]));
    expect(byEvent.get(automated.hit.e as string)).toMatchObject({ bot: 1, bot_reason: 'headless' });
    expect(byEvent.get(disguised.hit.e as string)).toMatchObject({ bot: 1, bot_reason: 'webdriver' });
    expect(byEvent.get(human.hit.e as string)).toMatchObject({ bot: 0, bot_reason: null });
    expect((await storedVisits(sites, site.id)).map((v) => v.bot).sort()).toEqual([0, 1, 1]);

    expect(await sites.report(site.id)).toMatchObject({
      includesBots: false,
      pageviews: 1,
      visits: 1,
      uniqueVisitors: 1,
    });
    expect(await sites.report(site.id, { bots: 'include' })).toMatchObject({
      includesBots: true,
      pageviews: 3,
      visits: 3,
      uniqueVisitors: 3,
    });
  });
});
