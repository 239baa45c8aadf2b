// A visitor of the customer's site who signs up on one of Spoor's hosted pages (/p/{slug}, on Spoor's own
// host), in a Chromium that blocks third-party cookies: the hosted page cannot read the site's first-party
// cookie, so the site's script hands the visitor over on the link (a signed, short-lived spoor_h), and the
// contact's history shows the site visits before the sign-up. Without consent nothing is handed over.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  pageHtml,
  setUpBrowserSuite,
  spoorCookies,
  type TestSites,
  uniquePath,
  waitFor,
} from '../helpers/browser.ts';

interface HistoryJson {
  items: (
    | { type: 'visit'; pageviews: { path: string }[] }
    | { type: 'form_submission'; anonymous: boolean }
  )[];
}

let counter = 0;
const uniqueEmail = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}@example.com`;

describe.skipIf(!chromiumPath)('browser: hosted pages see the site’s visitor', () => {
  const suite = setUpBrowserSuite();

  /** A website, a hosted sign-up page, and two pages of the site that link to it. */
  async function siteLinkingToHostedPage(sites: TestSites, head = '') {
    const site = await sites.registerWebsite();
    const slug = uniquePath('demo-signup').slice(1);
    await adminApi(sites, 'POST', '/api/forms', {
      name: 'Demo sign-up',
      websiteId: site.id,
      fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
      submitLabel: 'Sign up',
      afterSubmit: { kind: 'message', text: 'Welcome aboard!' },
      page: { slug, title: 'Try the demo' },
    });
    const path = uniquePath('shop');
    const body = `<p><a id="signup" href="${sites.trackOrigin}/p/${slug}?utm_source=site">Try the demo</a></p>`;
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', head, body, snippet: site.snippets.thirdParty }));
    sites.setPage(`${path}/b`, pageHtml({ title: 'B', head, body, snippet: site.snippets.thirdParty }));
    return { site, slug, path };
  }

  const handoffRequests = (page: Page) => {
    const seen: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/handoff') seen.push(r.postData() ?? '');
    });
    return seen;
  };

  async function signUp(page: Page, email: string) {
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign up' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Welcome aboard!');
  }

  const contactId = async (sites: TestSites, email: string) => {
    const { contacts } = await adminApi<{ contacts: { id: string; email: string }[] }>(
      sites,
      'GET',
      `/api/contacts?q=${encodeURIComponent(email)}`,
    );
    return contacts.find((c) => c.email === email)!.id;
  };

  it('two site pages, a click to the hosted page, a sign-up: the history shows all three', async () => {
    const { sites } = suite;
    const { site, slug, path } = await siteLinkingToHostedPage(sites);
    const browser = await suite.open(); // Chromium's default here: third-party cookies blocked
    const { page, context } = browser;
    const collectSetCookies: string[] = [];
    page.on('response', async (r) => {
      if (new URL(r.url()).pathname === '/c') {
        const value = await r.headerValue('set-cookie').catch(() => null);
        if (value) collectSetCookies.push(value);
      }
    });
    const handoffs = handoffRequests(page);

    await page.goto(`${sites.shopOrigin}${path}/a`);
    const [first] = await suite.pageviews(site.id, 1);
    await waitFor('the mirror on the site', async () =>
      (await spoorCookies(context)).some((c) => c.domain === '.shop.test'),
    );
    await page.goto(`${sites.shopOrigin}${path}/b`);
    const views = await suite.pageviews(site.id, 2);
    expect(views[1]!.visitor_id).toBe(first!.visitor_id);
    // Third-party cookies really are blocked: Spoor sent its cookies, the browser kept none of them.
    expect(collectSetCookies.some((c) => c.includes('spoor_vid='))).toBe(true);
    expect((await spoorCookies(context)).filter((c) => c.domain.includes('spoor.test'))).toEqual([]);

    await Promise.all([page.waitForURL(/\/p\//), page.click('#signup')]);
    // The handoff goes with the first page view and out of the address bar; the rest of the link stays.
    await waitFor('the handoff out of the address bar', () => !page.url().includes('spoor_h'));
    expect(page.url()).toBe(`${sites.trackOrigin}/p/${slug}?utm_source=site`);
    await suite.pageviews(site.id, 3);

    const email = uniqueEmail('handoff');
    await signUp(page, email);
    const history = await adminApi<HistoryJson>(
      sites,
      'GET',
      `/api/contacts/${await contactId(sites, email)}/history`,
    );
    const paths = history.items.flatMap((i) => (i.type === 'visit' ? i.pageviews.map((pv) => pv.path) : []));
    expect(paths.sort()).toEqual([`${path}/a`, `${path}/b`, `/p/${slug}`].sort());
    expect(history.items).toContainEqual(
      expect.objectContaining({ type: 'form_submission', anonymous: false }),
    );
    // On Spoor's host the hosted page keeps the same visitor in its own first-party cookie.
    const own = (await spoorCookies(context)).find(
      (c) => c.domain === 'track.spoor.test' && c.name === 'spoor_vid',
    );
    expect(own?.value).toBe(first!.visitor_id);
    // One handoff was asked for, by the click; none by the page views.
    expect(handoffs).toHaveLength(1);
  });

  it('without consent nothing is handed over: the hosted page meets a browser it does not know', async () => {
    const { sites } = suite;
    const head = '<script>function spoorConfigureTracking() { return { anonymize: true }; }</script>';
    const { site, slug, path } = await siteLinkingToHostedPage(sites, head);
    const { page } = await suite.open();
    const handoffs = handoffRequests(page);

    await page.goto(`${sites.shopOrigin}${path}/a`);
    await suite.pageviews(site.id, 1);
    await Promise.all([page.waitForURL(/\/p\//), page.click('#signup')]);
    expect(page.url()).toBe(`${sites.trackOrigin}/p/${slug}?utm_source=site`);
    expect(handoffs).toEqual([]);
    const all = await suite.pageviews(site.id, 2);
    expect(all.map((pv) => [pv.path, pv.anonymous])).toEqual([
      [`${path}/a`, 1],
      [`/p/${slug}`, 0],
    ]);

    const email = uniqueEmail('no-consent');
    await signUp(page, email);
    const history = await adminApi<HistoryJson>(
      sites,
      'GET',
      `/api/contacts/${await contactId(sites, email)}/history`,
    );
    const paths = history.items.flatMap((i) => (i.type === 'visit' ? i.pageviews.map((pv) => pv.path) : []));
    expect(paths).toEqual([`/p/${slug}`]);
  });
});
