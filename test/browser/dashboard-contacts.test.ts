// The Contacts and Lists pages in a real Chromium. The data is made the way people make it: a browser
// visits a tracked hosted page (from a campaign link) and submits its form, and another imports a CSV. A
// marketer then finds the contact, reads the timeline (the visit with its page and engaged time, the
// submission), exports and erases; imports a CSV into a list with a progress bar and the rejected rows.
// XSS payloads stored in tracked fields (page title, UTM values, form values, names) render as text.
// An analyst sees no write action. Screenshots at 1280 and 390 px, light and dark; axe on every page.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';
import { createList, createVia, createWebsite } from '../support/factories.ts';
import { waitFor } from '../support/wait-for.ts';

const XSS = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=2</script>';

/** Whether any payload ran in the page (each sets window.__xss). */
const xssRan = (page: Page) => page.evaluate(() => (window as { __xss?: number }).__xss ?? null);

describe.skipIf(!chromiumPath)('dashboard: contacts and lists', () => {
  const suite = setUpDashboardSuite();

  /** A visitor arrives from a campaign on a tracked hosted page, reads it, and submits its form. */
  async function visitAndSubmit(email: string, firstName: string): Promise<string> {
    const { spoor, origin } = suite.server;
    const websiteId = await createWebsite(spoor, [origin], { name: `Shop ${XSS}` });
    await createVia(spoor, '/api/forms', {
      name: `Webinar ${XSS}`,
      websiteId,
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true },
        { key: 'firstName', type: 'text', label: 'First name' },
        { key: 'lastName', type: 'text', label: 'Last name' },
      ],
      page: { slug: 'webinar', title: `Spring webinar ${SCRIPT}` },
      afterSubmit: { kind: 'message', text: 'Thanks!' },
    });
    const context = await suite.newContext();
    const visitor = await context.newPage();
    await visitor.goto(`${origin}/p/webinar?utm_source=news&utm_campaign=${encodeURIComponent(XSS)}`);
    // The page's tracking script has counted the view (and set the browser's cookie) before the person types.
    await waitFor('the page view to be recorded', async () =>
      (await context.cookies()).some((cookie) => cookie.name === 'spoor_vid'),
    );
    await visitor.getByLabel('Email').fill(email);
    await visitor.getByLabel('First name').fill(firstName);
    await visitor.getByLabel('Last name').fill(SCRIPT);
    await visitor.getByRole('button').last().click();
    await visitor.getByText('Thanks!').waitFor();
    return websiteId;
  }

  it('finds a contact who came through a tracked page and shows the timeline, export and erase', {
    timeout: 90_000,
  }, async () => {
    const websiteId = await visitAndSubmit('ada@webinar.example', `Ada ${XSS}`);
    const { page } = await suite.signIn('marketer');
    await page.goto(`${suite.server.origin}/app/contacts`);
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByLabel('Search').fill('ada@web');
    const row = page.getByRole('link', { name: `Ada ${XSS} ${SCRIPT}` });
    await row.waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'contacts');

    // Keyboard only: the row's link opens the contact.
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Ada ${XSS} ${SCRIPT}`, level: 1 }).waitFor();
    const timeline = page.getByRole('list', { name: 'Interactions, newest first' });
    await timeline.getByText(`Submitted Webinar ${XSS}`).waitFor();
    // The visit, grouped with its page (the hosted page's title, as the browser had it) and engaged time.
    await timeline.getByText(new RegExp(`Visit to Shop ${literal(XSS)} · 1 page · engaged`)).waitFor();
    await timeline.getByText(`Spring webinar ${SCRIPT}`, { exact: true }).waitFor();
    await timeline.getByText(`Campaign news / ${XSS}`).waitFor();
    await page.getByRole('region', { name: 'Browsers' }).getByText('first seen').waitFor();
    expect(await xssRan(page)).toBeNull();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'contact');

    // Export is a download of the contact's document.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^spoor-contact-.*\.json$/);

    // Erase asks first; cancelling keeps the contact, confirming erases it and returns to the list.
    await page.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('cannot be undone').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Erase…' }).click();
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    const left = await suite.server.spoor.app.inject({
      method: 'GET',
      url: '/api/contacts?q=ada%40webinar',
      headers: suite.server.spoor.auth,
    });
    expect(left.json().contacts).toEqual([]);

    // The same stored payloads (the website's name, the campaign) on the websites list, the website's
    // report and the overview: shown as text, never run.
    for (const path of ['/app/websites', `/app/websites/${websiteId}`, '/app/']) {
      await page.goto(`${suite.server.origin}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (path !== '/app/') await page.getByText(`Shop ${XSS}`).first().waitFor();
      if (path.endsWith(websiteId)) {
        // Headless Chromium is labelled a bot: the report hides it until asked.
        await page.getByLabel('Include bots').check();
        await page.getByText(new RegExp(`^${literal(XSS)} \\(news / \\(none\\)\\)$`)).waitFor();
      }
      expect(await xssRan(page), path).toBeNull();
      expect(await page.locator('img[src="x"]').count(), path).toBe(0);
    }
  });

  it('imports a CSV into a list with a progress bar and the rejected rows, and adds a contact', async () => {
    const { spoor, origin } = suite.server;
    const listId = await createList(spoor, 'Newsletter');
    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/lists`);
    await page.getByRole('link', { name: 'Newsletter' }).click();
    await page.getByRole('heading', { name: 'Newsletter', level: 1 }).waitFor();

    const csv = [
      'email,first name,last name',
      'grace@import.example,Grace,Hopper',
      `not-an-address,${XSS},x`,
      `linus@import.example,${SCRIPT},Torvalds`,
      '',
    ].join('\n');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import into this list' }).click();
    await page.getByText('Import finished (100%)').waitFor();
    expect(await page.locator('progress').getAttribute('value')).toBe('1');
    await page.getByText('3 rows read: 2 created, 0 updated, 0 left unchanged, 1 rejected.').waitFor();
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    await rejected.getByRole('cell', { name: '2', exact: true }).waitFor();
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByText('grace@import.example').waitFor();
    await members.getByText('linus@import.example').waitFor();

    // Adding a contact found by search.
    await createVia(spoor, '/api/contacts', { email: 'ken@added.example', firstName: 'Ken' });
    await page.getByLabel('Find contacts').fill('ken');
    await page.getByRole('button', { name: 'Add Ken' }).click();
    await page.getByText('1 added, 0 already on the list').waitFor();
    await members.getByText('ken@added.example').waitFor();
    expect(await xssRan(page)).toBeNull();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'list');

    // The list's page as the API keeps it: three members, all from this page.
    const api = await spoor.app.inject({ method: 'GET', url: `/api/lists/${listId}`, headers: spoor.auth });
    expect(api.json().members).toEqual({ subscribed: 3, unsubscribed: 0 });
  });

  it('shows an analyst the same pages without any write action', async () => {
    const { spoor, origin } = suite.server;
    const contact = await createVia(spoor, '/api/contacts', {
      email: 'read@only.example',
      firstName: 'Reader',
    });
    const listId = await createList(spoor, 'Read only');
    const { page } = await suite.signIn('analyst');
    await page.goto(`${origin}/app/contacts/${contact['id']}`);
    await page.getByRole('heading', { name: 'Reader', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Export (JSON)' }).waitFor();
    expect(await page.getByRole('button', { name: 'Erase…' }).count()).toBe(0);
    await page.goto(`${origin}/app/lists/${listId}`);
    await page.getByRole('heading', { name: 'Read only', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Import into this list' }).count()).toBe(0);
    expect(await page.getByLabel('Find contacts').count()).toBe(0);
    await page.goto(`${origin}/app/lists`);
    await page.getByRole('heading', { name: 'Lists', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Create list' }).count()).toBe(0);
  });
});

/** A literal string as a regular expression. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
