// Hosted marketing pages (/p/{slug} on the tracking host) in a real Chromium: with JavaScript the page is
// tracked like any other and its form ties the visit to the contact; without JavaScript the form still posts,
// shows its errors beside the fields and its thank-you, but links nothing (no consent is known without JS).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  setUpBrowserSuite,
  spoorCookies,
  type TestSites,
  uniquePath,
} from '../helpers/browser.ts';

interface HistoryJson {
  items: (
    | { type: 'visit'; pageviews: { path: string }[] }
    | { type: 'form_submission'; anonymous: boolean; values: Record<string, string | null> }
  )[];
}

let counter = 0;
const uniqueEmail = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}@example.com`;

describe.skipIf(!chromiumPath)('browser: hosted marketing pages', () => {
  const suite = setUpBrowserSuite();

  /** A website whose pages include Spoor's own hosted pages, and a form with a page on it. */
  async function hostedForm(sites: TestSites) {
    // The hosted page lives on the tracking host; Spoor's own origin needs no entry in allowedOrigins.
    const site = await sites.registerWebsite({ allowedOrigins: [sites.shopOrigin] });
    const slug = uniquePath('webinar').slice(1);
    const form = await adminApi<{ id: string }>(sites, 'POST', '/api/forms', {
      name: 'Webinar sign-up',
      websiteId: site.id,
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true },
        { key: 'firstName', type: 'text', label: 'First name' },
      ],
      afterSubmit: { kind: 'message', text: 'You are registered. See you there!' },
      submitLabel: 'Register',
      page: { slug, title: 'Spring webinar', intro: 'Forty minutes on engagement scoring.' },
    });
    return { site, form, url: `${sites.trackOrigin}/p/${slug}`, slug };
  }

  const contactByEmail = async (sites: TestSites, email: string) => {
    const { contacts } = await adminApi<{
      contacts: { id: string; email: string; firstName: string | null }[];
    }>(sites, 'GET', `/api/contacts?q=${encodeURIComponent(email)}`);
    return contacts.find((c) => c.email === email);
  };
  const visitorsOf = (sites: TestSites, contactId: string) =>
    sites.spoor.storage.db.selectFrom('visitors').selectAll().where('contact_id', '=', contactId).execute();
  const thankYou = (page: Page) => page.getByRole('status').textContent();

  it('with JavaScript: the visit on the page joins the contact who submits its form', async () => {
    const { sites } = suite;
    const { site, url, slug } = await hostedForm(sites);
    const { page, context } = await suite.open();

    await page.goto(url);
    expect(await page.locator('h1').textContent()).toBe('Spring webinar');
    await suite.pageviews(site.id, 1);
    await page.reload();
    const views = await suite.pageviews(site.id, 2);
    expect(views.map((pv) => pv.path)).toEqual([`/p/${slug}`, `/p/${slug}`]);
    const visitorId = views[0]!.visitor_id!;
    expect(views[1]!.visitor_id).toBe(visitorId);

    const email = uniqueEmail('hosted');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('First name').fill('Hedy');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await thankYou(page)).toBe('You are registered. See you there!');

    const contact = (await contactByEmail(sites, email))!;
    expect(contact.firstName).toBe('Hedy');
    const history = await adminApi<HistoryJson>(sites, 'GET', `/api/contacts/${contact.id}/history`);
    const visits = history.items.filter((i) => i.type === 'visit');
    expect(visits.flatMap((v) => v.pageviews.map((pv) => pv.path))).toEqual([`/p/${slug}`, `/p/${slug}`]);
    expect(history.items).toContainEqual(
      expect.objectContaining({ type: 'form_submission', anonymous: false }),
    );
    expect((await visitorsOf(sites, contact.id)).map((v) => v.id)).toEqual([visitorId]);
    // First-party on the tracking host: the server's HttpOnly cookies, nothing anywhere else.
    expect(new Set((await spoorCookies(context)).map((c) => c.domain))).toEqual(
      new Set(['track.spoor.test']),
    );
  });

  it('without JavaScript: errors beside the fields, then the thank-you; the contact is made, nothing linked', async () => {
    const { sites } = suite;
    const { site, form, url } = await hostedForm(sites);
    const { page, context } = await suite.open({ javaScriptEnabled: false });

    const posted: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posted.push(r.postData() ?? ''));

    await page.goto(url);
    await page.getByLabel('Email').fill('not an email');
    await page.getByLabel('First name').fill('<b>Hedy</b>');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForLoadState();

    const email = page.getByLabel('Email');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(
      'Email must be an email address like name@example.com.',
    );
    // Beside the field: in the same paragraph as its label and input.
    expect(await page.locator('p', { has: email }).locator('.error').textContent()).toContain(
      'Email must be',
    );
    expect(await page.getByRole('alert').textContent()).toBe('Please correct the highlighted fields.');
    expect(await page.getByLabel('First name').inputValue()).toBe('<b>Hedy</b>');
    expect(await page.locator('b').count()).toBe(0);

    const address = uniqueEmail('nojs');
    await email.fill(address);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForLoadState();
    expect(await thankYou(page)).toBe('You are registered. See you there!');
    // No script ran: the tracker sent nothing, and the form went with its "anonymous" flag as rendered.
    expect(posted).toHaveLength(2);
    for (const body of posted) expect(new URLSearchParams(body).get('_a')).toBe('1');
    expect((await sites.report(site.id)).pageviews).toBe(0);

    const contact = (await contactByEmail(sites, address))!;
    expect(contact.firstName).toBe('<b>Hedy</b>');
    const submissions = await sites.spoor.storage.db
      .selectFrom('form_submissions')
      .selectAll()
      .where('form_id', '=', form.id)
      .execute();
    expect(submissions).toHaveLength(1);
    expect(submissions[0]).toMatchObject({ anonymous: 1, visitor_id: null, contact_id: contact.id });
    expect(await visitorsOf(sites, contact.id)).toEqual([]);
    const history = await adminApi<HistoryJson>(sites, 'GET', `/api/contacts/${contact.id}/history`);
    expect(history.items.map((i) => i.type)).toEqual(['form_submission']);
    expect(await spoorCookies(context)).toEqual([]);
  });

  it('prefills a returning contact who chose "remember me", and stops when they untick it', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite({ allowedOrigins: [sites.shopOrigin] });
    const slug = uniquePath('newsletter').slice(1);
    await adminApi<{ id: string }>(sites, 'POST', '/api/forms', {
      name: 'Newsletter',
      websiteId: site.id,
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true, prefill: true },
        { key: 'firstName', type: 'text', label: 'First name', prefill: true },
        { key: 'company', type: 'text', label: 'Company' },
      ],
      prefill: true,
      submitLabel: 'Subscribe',
      page: { slug, title: 'Newsletter' },
    });
    const url = `${sites.trackOrigin}/p/${slug}`;
    const { page } = await suite.open();
    const email = uniqueEmail('remember');

    await page.goto(url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('First name').fill('Katherine');
    await page.getByLabel('Company').fill('NASA');
    await page.getByLabel(/Remember me/).check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('status').waitFor();

    await page.goto(url);
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe(email);
    expect(await page.getByLabel('First name').inputValue()).toBe('Katherine');
    expect(await page.getByLabel('Company').inputValue()).toBe(''); // not marked for prefill
    expect(await page.getByLabel(/Remember me/).isChecked()).toBe(true);

    // Submitting without "remember me" withdraws the choice.
    await page.getByLabel(/Remember me/).uncheck();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('status').waitFor();
    // Listen before navigating, and read the body while the page stays: a response of a page already
    // navigated away from has no body to read any more.
    const prefillAnswer = page.waitForResponse((r) => r.url().endsWith('/prefill'));
    await page.goto(url);
    expect(await (await prefillAnswer).json()).toEqual({ values: {} });
    expect(await page.getByLabel('Email').inputValue()).toBe('');
  });
});
