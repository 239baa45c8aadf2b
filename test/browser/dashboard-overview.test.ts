// The Overview and Websites pages in Chromium, on figures a real browser made: visitors open tracked pages
// on the customer's site (one from a campaign, who reads on; one who bounces), then a marketer signs in and
// sees those visits on the overview and in the website report, filters the report by its rows (kept in the
// URL), includes bots, registers a website and copies its snippet. An analyst sees no write buttons.
// Screenshots at 1280 and 390 px in light and dark, and axe-core on every page.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/access/scopes.ts';
import {
  chromiumPath,
  pageHtml,
  setUpBrowserSuite,
  type TestBrowser,
  uniquePath,
  type WebsiteJson,
} from '../helpers/browser.ts';
import { createUser } from '../support/accounts.ts';
import {
  expectNoSeriousAxeViolations,
  screenshotPage,
  signInThroughForm,
  TEST_PASSWORD,
} from '../support/dashboard.ts';

describe.skipIf(!chromiumPath)('dashboard: overview and websites', () => {
  const suite = setUpBrowserSuite();
  let site: WebsiteJson;
  let path: string;
  let users = 0;

  /** A new browser profile with a user of `role` signed in on the dashboard (served by Spoor at /app/). */
  async function signedIn(role: Role): Promise<{ browser: TestBrowser; page: Page }> {
    users += 1;
    const email = `${role}-${users}@dashboard.test`;
    await createUser(suite.sites.spoor.storage.db, {
      email,
      password: TEST_PASSWORD,
      role,
      name: `${role} ${users}`,
    });
    // The dashboard's CSP forbids inline scripts, which is how axe-core is injected.
    const browser = await suite.open({ bypassCSP: true });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: suite.sites.trackOrigin,
    });
    await signInThroughForm(browser.page, suite.sites.trackOrigin, email, TEST_PASSWORD);
    return { browser, page: browser.page };
  }

  const app = (route: string) => `${suite.sites.trackOrigin}/app${route}`;
  /** A figure as a Stat shows it, found by its label. */
  const stat = (page: Page, label: string) =>
    page
      .locator('.stat:not(.realtime)', {
        has: page.locator('.stat-label', { hasText: new RegExp(`^${label}`) }),
      })
      .locator('.stat-value');

  it('makes the visits the report will show: a campaign visit of two pages and a bounce', async () => {
    const { sites } = suite;
    site = await sites.registerWebsite({ name: 'Shop' });
    path = uniquePath('dash');
    sites.setPage(
      `${path}/landing`,
      pageHtml({
        title: 'Landing',
        body: `<a href="${path}/pricing">Pricing</a>`,
        snippet: site.snippets.thirdParty,
      }),
    );
    sites.setPage(`${path}/pricing`, pageHtml({ title: 'Pricing', snippet: site.snippets.thirdParty }));

    const reader = await suite.open();
    await reader.page.goto(
      `${sites.shopOrigin}${path}/landing?utm_source=news&utm_medium=email&utm_campaign=spring`,
    );
    await suite.pageviews(site.id, 1);
    await reader.page.getByRole('link', { name: 'Pricing' }).click();
    await suite.pageviews(site.id, 2);
    const bouncer = await suite.open();
    await bouncer.page.goto(`${sites.shopOrigin}${path}/pricing`);
    await suite.pageviews(site.id, 3);
    // What the dashboard must show, as the API counts it.
    expect(await sites.report(site.id)).toMatchObject({ pageviews: 3, visits: 2, uniqueVisitors: 2 });
  }, 60_000);

  it('shows those figures on the overview, with comparisons and realtime visitors', async () => {
    const { page } = await signedIn('marketer');
    await page.goto(app('/?period=7d'));
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await expect.poll(() => stat(page, 'Visits').first().textContent()).toBe('2');
    expect(await stat(page, 'Page views').first().textContent()).toBe('3');
    expect(await stat(page, 'Visitors').first().textContent()).toBe('2');
    expect(await page.getByTestId('realtime-visitors').textContent()).toBe('2');
    // Every figure says how it compares with the 7 days before (nothing then: no base to compare with).
    expect(await page.locator('.stat-change').count()).toBeGreaterThanOrEqual(12);
    await page.getByText(/Data as of/).waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'overview');
  }, 180_000);

  it('shows the report, filters it by a row (in the URL, by keyboard too) and includes bots', async () => {
    const { page } = await signedIn('marketer');
    await page.goto(app('/websites'));
    await page.getByRole('link', { name: 'Shop' }).click();
    await page.getByRole('heading', { name: 'Shop', level: 1 }).waitFor();
    await expect.poll(() => stat(page, 'Visits').textContent()).toBe('2');
    expect(await stat(page, 'Page views').textContent()).toBe('3');
    expect(await stat(page, 'Bounce rate').textContent()).toMatch(/^50\s?%$/);
    const entryPages = page.getByRole('table', { name: 'Entry pages' });
    await entryPages.getByRole('link', { name: `${path}/landing` }).waitFor();
    await entryPages.getByRole('link', { name: `${path}/pricing` }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'website-report');

    // A campaign row filters the whole page: its visit only, said in a notice, kept in the address.
    await page
      .getByRole('table', { name: 'Campaigns (UTM)' })
      .getByRole('link', { name: /spring/ })
      .click();
    await page.getByText('Filtered by').waitFor();
    const url = new URL(page.url());
    expect(url.searchParams.get('utmCampaign')).toBe('spring');
    await expect.poll(() => stat(page, 'Visits').textContent()).toBe('1');
    expect(await stat(page, 'Page views').textContent()).toBe('2');
    expect(await stat(page, 'Bounce rate').textContent()).toMatch(/^0\s?%$/);
    await page
      .getByText(/not broken down by campaign/)
      .first()
      .waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'website-report-filtered');

    // Back to every visit, then filter by keyboard: Tab to an entry page's link and press Enter.
    await page.getByRole('link', { name: 'Show every visit' }).click();
    await expect.poll(() => stat(page, 'Visits').textContent()).toBe('2');
    await page
      .getByRole('table', { name: 'Entry pages' })
      .getByRole('link', { name: `${path}/pricing` })
      .focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('entry')).toBe(`${path}/pricing`);
    await expect.poll(() => stat(page, 'Visits').textContent()).toBe('1');
    expect(await stat(page, 'Bounce rate').textContent()).toMatch(/^100\s?%$/);

    // Bots: the checkbox puts bots=include in the address.
    await page.getByLabel('Include bots').check();
    await expect.poll(() => new URL(page.url()).searchParams.get('bots')).toBe('include');
  }, 240_000);

  it('registers a website and offers its snippets with a copy button', async () => {
    const { page } = await signedIn('marketer');
    await page.goto(app('/websites'));
    await page.getByRole('link', { name: 'Register a website' }).click();
    await page.getByLabel('Name').fill('Blog');
    await page.getByLabel('Allowed origins').fill('https://blog.shop.test');
    await page.getByLabel('Keep anonymous data (days)').fill('395');
    await page.getByRole('button', { name: 'Register website' }).click();
    await page.getByRole('heading', { name: 'Blog: settings', level: 1 }).waitFor();
    const snippet = await page
      .getByRole('region', { name: 'Snippets' })
      .locator('pre code')
      .first()
      .textContent();
    expect(snippet).toMatch(
      /<script async src="https:\/\/track\.spoor\.test:\d+\/s\/[\w-]{22}\.js"><\/script>/,
    );
    await page.getByRole('button', { name: 'Copy standard snippet' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
    // Stored with the settings typed.
    expect(await page.getByLabel('Keep anonymous data (days)').inputValue()).toBe('395');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'website-settings');

    await page.goto(app('/websites'));
    await page.getByRole('table', { name: 'Websites' }).getByRole('link', { name: 'Blog' }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'websites');
  }, 240_000);

  it('shows an analyst the figures and no button to change anything', async () => {
    const { page } = await signedIn('analyst');
    await page.goto(app('/websites'));
    await page.getByRole('table', { name: 'Websites' }).getByRole('link', { name: 'Shop' }).waitFor();
    expect(await page.getByRole('link', { name: 'Register a website' }).count()).toBe(0);
    await page.goto(app(`/websites/${site.id}/settings`));
    await page.getByRole('region', { name: 'Snippets' }).waitFor();
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await page.getByLabel('Name').count()).toBe(0);
  }, 60_000);
});
