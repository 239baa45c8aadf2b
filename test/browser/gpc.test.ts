// Global Privacy Control in a real Chromium, with GPC turned on the way a user does (the property and the
// Sec-GPC header): on a website that honours it (the default), the browser never holds a Spoor cookie, not
// even for a moment, in any snippet variant, through page views, SPA navigation, the form loader, a form
// submission and a hosted page. Every cookie write a script attempts, every Set-Cookie header and the jar
// itself are watched while the pages load. Third-party cookies are allowed, so "none" means none was set.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  formEmbed,
  pageHtml,
  setUpBrowserSuite,
  spoorCookies,
  type TestSites,
  uniquePath,
  type WebsiteJson,
  waitFor,
} from '../helpers/browser.ts';

const SPOOR_COOKIE = /^\s*spoor_/;

/** Everything that could put a Spoor cookie in the browser, recorded from before the first page script. */
async function watchCookies(context: BrowserContext, page: Page) {
  const scriptWrites: string[] = [];
  const seenByPage: string[] = [];
  const setCookieHeaders: string[] = [];
  const inJar: string[] = [];
  const gpcHeaders: string[] = [];
  await context.exposeFunction('__spoorTestCookieWrite', (value: string) => scriptWrites.push(value));
  await context.exposeFunction('__spoorTestCookieSeen', (value: string) => seenByPage.push(value));
  await context.addInitScript(() => {
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
    const w = window as unknown as Record<string, (v: string) => void>;
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      get() {
        return cookie.get!.call(this);
      },
      set(value: string) {
        w['__spoorTestCookieWrite']!(String(value));
        cookie.set!.call(this, value);
      },
    });
    // And what the page itself can see, as often as the browser lets a timer run.
    const look = () => {
      const all = cookie.get!.call(document) as string;
      if (all.includes('spoor_')) w['__spoorTestCookieSeen']!(all);
    };
    look();
    setInterval(look, 1);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    const headers = event.headers as Record<string, string>;
    for (const [name, value] of Object.entries(headers))
      if (name.toLowerCase() === 'set-cookie') setCookieHeaders.push(...value.split('\n'));
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    const headers = event.headers as Record<string, string>;
    for (const [name, value] of Object.entries(headers))
      if (name.toLowerCase() === 'sec-gpc') gpcHeaders.push(value);
  });
  // The jar (HttpOnly cookies included), polled without pause until the scenario ends.
  let polling = true;
  const poller = (async () => {
    while (polling) {
      for (const c of await context.cookies()) if (c.name.startsWith('spoor_')) inJar.push(c.name);
    }
  })();
  return {
    gpcHeaders,
    async stop() {
      polling = false;
      await poller;
      return {
        scriptWrites: scriptWrites.filter((v) => SPOOR_COOKIE.test(v)),
        seenByPage,
        setCookieHeaders: setCookieHeaders.filter((v) => SPOOR_COOKIE.test(v)),
        inJar,
        allScriptWrites: scriptWrites,
      };
    },
  };
}

type Variant = 'thirdParty' | 'firstParty' | 'outboundMarketingCompatible' | 'dataWebsite';
const VARIANTS: Variant[] = ['thirdParty', 'firstParty', 'outboundMarketingCompatible', 'dataWebsite'];

function snippetOf(sites: TestSites, site: WebsiteJson, variant: Variant): string {
  if (variant === 'dataWebsite')
    return `<script async src="${sites.trackOrigin}/spoor.js" data-website="${site.id}"></script>`;
  return site.snippets[variant];
}

describe.skipIf(!chromiumPath)('browser: Global Privacy Control', () => {
  const suite = setUpBrowserSuite();

  /** A website with an embedded form (prefill on) and a hosted page, and two pages carrying both. */
  async function siteWithForms(sites: TestSites, variant: Variant, gpcMode?: 'ignore') {
    const site = await sites.registerWebsite(gpcMode ? { gpcMode } : {});
    const slug = uniquePath('gpc-signup').slice(1);
    const form = await adminApi<{ id: string }>(sites, 'POST', '/api/forms', {
      name: 'Sign-up',
      websiteId: site.id,
      fields: [{ key: 'email', type: 'email', label: 'Email', required: true, prefill: true }],
      prefill: true,
      submitLabel: 'Sign up',
      afterSubmit: { kind: 'message', text: 'Thanks!' },
      page: { slug, title: 'Sign up' },
    });
    const path = uniquePath(`gpc-${variant}`);
    const snippet = snippetOf(sites, site, variant);
    const body = `${formEmbed(sites, form.id)}<p><a id="hosted" href="${sites.trackOrigin}/p/${slug}">Sign up on our page</a></p>`;
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', body, snippet }));
    sites.setPage(`${path}/b`, pageHtml({ title: 'B', body, snippet }));
    return { site, form, path, slug };
  }

  /** Two page loads, an SPA navigation, the embedded form sent with "remember me", then the hosted page. */
  async function browse(sites: TestSites, page: Page, { site, path }: { site: WebsiteJson; path: string }) {
    await page.goto(`${sites.shopOrigin}${path}/a`);
    await suite.pageviews(site.id, 1);
    await page.evaluate((p) => history.pushState({}, '', p), `${path}/a/step-2`);
    await suite.pageviews(site.id, 2);
    await page.goto(`${sites.shopOrigin}${path}/b`);
    await suite.pageviews(site.id, 3);
    await page.locator('[data-spoor-state=ready] form').waitFor();
    await page.getByLabel('Email').fill(`gpc-${Date.now().toString(36)}@example.com`);
    await page.getByLabel(/Remember me/).check();
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.locator('[data-spoor-state=sent]').waitFor();
    await Promise.all([page.waitForURL(/\/p\//), page.click('#hosted')]);
    await suite.pageviews(site.id, 4);
    await page.getByLabel('Email').fill(`gpc-hosted-${Date.now().toString(36)}@example.com`);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('status').waitFor();
  }

  it.each(VARIANTS)(
    '%s: a GPC browser never holds a Spoor cookie, not even for a moment',
    async (variant) => {
      const { sites } = suite;
      const setup = await siteWithForms(sites, variant);
      expect(setup.site.gpcMode).toBe('anonymize');
      const browser = await suite.open({ thirdPartyCookies: true, gpc: true });
      const watch = await watchCookies(browser.context, browser.page);

      await browse(sites, browser.page, setup);
      const views = await suite.pageviews(setup.site.id, 4);
      const seen = await watch.stop();

      // GPC is really on: the page sees it and every request says so.
      expect(
        await browser.page.evaluate(
          () => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl,
        ),
      ).toBe(true);
      expect(watch.gpcHeaders.length).toBeGreaterThan(0);
      expect(new Set(watch.gpcHeaders)).toEqual(new Set(['1']));
      // The scripts ran and the pages were counted, anonymously.
      expect(views.map((pv) => [pv.anonymous, pv.visitor_id])).toEqual(Array(4).fill([1, null]));
      // And nothing, at any moment: no write attempted, none seen by the page, none sent, none in the jar.
      expect(seen.scriptWrites).toEqual([]);
      expect(seen.seenByPage).toEqual([]);
      expect(seen.setCookieHeaders).toEqual([]);
      expect(seen.inJar).toEqual([]);
      expect(await spoorCookies(browser.context)).toEqual([]);
      // The hosted-page link went without a handoff: GPC means no identifier crosses over either.
      const submissions = await sites.spoor.storage.db
        .selectFrom('form_submissions')
        .select(['anonymous', 'visitor_id'])
        .where('form_id', '=', setup.form.id)
        .execute();
      expect(submissions).toEqual([
        { anonymous: 1, visitor_id: null },
        { anonymous: 1, visitor_id: null },
      ]);
    },
  );

  it.each(['thirdParty', 'outboundMarketingCompatible'] as const)(
    '%s: a website that ignores GPC tracks a GPC browser with cookies, as before',
    async (variant) => {
      const { sites } = suite;
      const setup = await siteWithForms(sites, variant, 'ignore');
      const browser = await suite.open({ thirdPartyCookies: true, gpc: true });
      const watch = await watchCookies(browser.context, browser.page);

      await browser.page.goto(`${sites.shopOrigin}${setup.path}/a`);
      const [first] = await suite.pageviews(setup.site.id, 1);
      const cookies = await waitFor('the four visitor and visit cookies', async () => {
        const all = await spoorCookies(browser.context);
        return all.length === 4 && all;
      });
      await browser.page.goto(`${sites.shopOrigin}${setup.path}/b`);
      const views = await suite.pageviews(setup.site.id, 2);
      const seen = await watch.stop();

      expect(first).toMatchObject({ anonymous: 0 });
      expect(views[1]).toMatchObject({
        anonymous: 0,
        visitor_id: first!.visitor_id,
        visit_id: first!.visit_id,
      });
      expect(cookies.map((c) => [c.domain, c.name, c.value]).sort()).toEqual([
        ['.shop.test', 'spoor_sid', first!.visit_id],
        ['.shop.test', 'spoor_vid', first!.visitor_id],
        ['track.spoor.test', 'spoor_sid', first!.visit_id],
        ['track.spoor.test', 'spoor_vid', first!.visitor_id],
      ]);
      // The same watchers see these cookies being written: the GPC test above cannot pass by not looking.
      expect(seen.scriptWrites.some((v) => v.startsWith(`spoor_vid=${first!.visitor_id}`))).toBe(true);
      expect(seen.setCookieHeaders.some((v) => v.startsWith(`spoor_vid=${first!.visitor_id}`))).toBe(true);
      expect(seen.inJar).toContain('spoor_vid');
    },
  );
});
