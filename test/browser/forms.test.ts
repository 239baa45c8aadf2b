// Embedded forms in a real Chromium on the cross-site setup: the loader draws a form on www.shop.test from
// track.spoor.test, submits it there, and the submission ties the browser's earlier visits to the contact —
// through the tracking host's cookie, or the first-party mirror when third-party cookies are blocked; never
// under anonymize. Also prefill, validation beside the fields, one submission per click and per retry, and
// origins that are not allowed. Each test asserts what the visitor sees and what the marketer's API shows.
import type { Page } from 'playwright-core';
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
  waitFor,
} from '../helpers/browser.ts';
import { CHROME_UA } from '../helpers/spoor.ts';

interface HistoryJson {
  items: (
    | { type: 'visit'; pageviews: { path: string }[] }
    | { type: 'form_submission'; anonymous: boolean; form: { id: string } }
  )[];
}
interface SubmissionPayload {
  cookieVisitorId: string | null;
  mirrorVisitorId: string | null;
}

const FIELDS = [
  { key: 'email', type: 'email', label: 'Email', required: true, prefill: true },
  { key: 'firstName', type: 'text', label: 'First name', prefill: true },
  { key: 'lastName', type: 'text', label: 'Last name' },
  { key: 'country', type: 'select', label: 'Country', options: ['Netherlands', 'Norway'] },
  { key: 'consent_news', type: 'consent', label: 'Send me news' },
  { key: 'jobTitle', type: 'hidden', label: 'Campaign', defaultValue: 'spring-webinar' },
];

const anonymousHook = '<script>function spoorConfigureTracking() { return { anonymize: true }; }</script>';

let emailCounter = 0;
const uniqueEmail = (name: string) => `${name}-${Date.now().toString(36)}-${++emailCounter}@example.com`;

describe.skipIf(!chromiumPath)('browser: embedded forms', () => {
  const suite = setUpBrowserSuite();

  async function defineForm(sites: TestSites, websiteId: string, overrides: Record<string, unknown> = {}) {
    return adminApi<{ id: string }>(sites, 'POST', '/api/forms', {
      name: 'Contact us',
      websiteId,
      fields: FIELDS,
      submitLabel: 'Send',
      afterSubmit: { kind: 'message', text: 'Thanks, we will be in touch.' },
      ...overrides,
    });
  }

  /** A page of the shop carrying the embedded form and, unless told otherwise, the tracking snippet. */
  function formPage(sites: TestSites, formId: string, snippet: string, head = '') {
    return pageHtml({ title: 'Contact', head, body: formEmbed(sites, formId), snippet });
  }

  const contactByEmail = async (sites: TestSites, email: string) => {
    const { contacts } = await adminApi<{ contacts: { id: string; email: string }[] }>(
      sites,
      'GET',
      `/api/contacts?q=${encodeURIComponent(email)}`,
    );
    return contacts.find((c) => c.email === email);
  };
  const historyOf = (sites: TestSites, contactId: string) =>
    adminApi<HistoryJson>(sites, 'GET', `/api/contacts/${contactId}/history`);
  const submissionsOf = (sites: TestSites, formId: string) =>
    sites.spoor.storage.db.selectFrom('form_submissions').selectAll().where('form_id', '=', formId).execute();
  const visitorsOf = (sites: TestSites, contactId: string) =>
    sites.spoor.storage.db.selectFrom('visitors').selectAll().where('contact_id', '=', contactId).execute();

  /** Waits for the loader to draw the form. */
  const formReady = (page: Page) => page.locator('[data-spoor-state=ready] form').waitFor();
  /** Waits for the visible confirmation and returns its text. */
  const confirmation = async (page: Page) => {
    const status = page.locator('[data-spoor-state=sent] [role=status]');
    await status.waitFor();
    return status.textContent();
  };
  /** Counts the loader's requests to a form endpoint (submissions, prefill). */
  const countRequests = (page: Page, method: string, path: string) => {
    const seen = { n: 0 };
    page.on('request', (r) => {
      if (r.method() === method && new URL(r.url()).pathname === path) seen.n += 1;
    });
    return seen;
  };

  /**
   * Browses two pages anonymously, then submits the embedded form on a third; returns what the marketer
   * then sees: the contact, its history, the stored submission and the browser's visitor id.
   */
  async function browseThenSubmit(thirdPartyCookies: boolean) {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id);
    const path = uniquePath('embed');
    const snippet = site.snippets.thirdParty;
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', snippet }));
    sites.setPage(`${path}/b`, pageHtml({ title: 'B', snippet }));
    sites.setPage(`${path}/contact`, formPage(sites, form.id, snippet));
    const { page, context } = await suite.open({ thirdPartyCookies });

    // A person reads a page for a moment before moving on: long enough for the script to keep its ids.
    const mirrored = () =>
      waitFor('the visitor id mirrored on the shop', async () =>
        (await context.cookies(sites.shopOrigin)).find((c) => c.name === 'spoor_vid'),
      );
    await page.goto(`${sites.shopOrigin}${path}/a`);
    const [first] = await suite.pageviews(site.id, 1);
    const visitorId = first!.visitor_id!;
    expect(visitorId).toBeTruthy();
    expect((await mirrored()).value).toBe(visitorId);
    await page.goto(`${sites.shopOrigin}${path}/b`);
    await suite.pageviews(site.id, 2);
    await page.goto(`${sites.shopOrigin}${path}/contact`);
    await formReady(page);
    await suite.pageviews(site.id, 3);

    const email = uniqueEmail('embed');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Country').selectOption('Norway');
    await page.getByLabel('Send me news').check();
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await confirmation(page)).toBe('Thanks, we will be in touch.');
    expect(await page.locator('form').count()).toBe(0);

    const contact = (await contactByEmail(sites, email))!;
    expect(contact).toMatchObject({ firstName: 'Ada', country: 'Norway', jobTitle: 'spring-webinar' });
    const [submission] = await submissionsOf(sites, form.id);
    return {
      sites,
      path,
      context,
      contact,
      visitorId,
      history: await historyOf(sites, contact.id),
      submission: submission!,
      payload: JSON.parse(submission!.payload) as SubmissionPayload,
    };
  }

  const expectEarlierVisitsInHistory = (history: HistoryJson, path: string, formId: string) => {
    const visits = history.items.filter((i) => i.type === 'visit');
    const paths = visits.flatMap((v) => v.pageviews.map((pv) => pv.path));
    expect(paths).toEqual(expect.arrayContaining([`${path}/a`, `${path}/b`, `${path}/contact`]));
    expect(history.items).toContainEqual(
      expect.objectContaining({
        type: 'form_submission',
        anonymous: false,
        form: expect.objectContaining({ id: formId }),
      }),
    );
  };

  it('third-party cookies allowed: the submission links the browser and its earlier visits join the contact', async () => {
    const { contact, history, submission, payload, path, visitorId, sites } = await browseThenSubmit(true);
    expectEarlierVisitsInHistory(history, path, submission.form_id);
    // The tracking host's own cookie travelled with the cross-site POST, and so did the mirror.
    expect(payload).toMatchObject({ cookieVisitorId: visitorId, mirrorVisitorId: visitorId });
    expect(submission).toMatchObject({ anonymous: 0, visitor_id: visitorId, contact_id: contact.id });
    expect((await visitorsOf(sites, contact.id)).map((v) => v.id)).toEqual([visitorId]);
  });

  it('third-party cookies blocked: the first-party mirror (_v) still identifies the browser', async () => {
    const { contact, history, submission, payload, path, visitorId, sites, context } =
      await browseThenSubmit(false);
    expectEarlierVisitsInHistory(history, path, submission.form_id);
    expect(payload).toMatchObject({ cookieVisitorId: null, mirrorVisitorId: visitorId });
    expect(submission).toMatchObject({ anonymous: 0, visitor_id: visitorId });
    expect((await visitorsOf(sites, contact.id)).map((v) => v.id)).toEqual([visitorId]);
    // Only the mirrors exist: the browser kept nothing the tracking host tried to set.
    expect((await spoorCookies(context)).map((c) => c.domain)).not.toContain('track.spoor.test');
  });

  it('anonymize: the contact is created but nothing is linked and no spoor cookie exists anywhere', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id, { prefill: true });
    const path = uniquePath('embed-anon');
    const snippet = site.snippets.thirdParty;
    sites.setPage(`${path}/a`, pageHtml({ title: 'A', head: anonymousHook, snippet }));
    sites.setPage(`${path}/contact`, formPage(sites, form.id, snippet, anonymousHook));
    const { page, context } = await suite.open({ thirdPartyCookies: true });
    let sent: Record<string, unknown> | undefined;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/f/${form.id}`)) sent = JSON.parse(r.postData()!);
    });

    await page.goto(`${sites.shopOrigin}${path}/a`);
    await suite.pageviews(site.id, 1);
    await page.goto(`${sites.shopOrigin}${path}/contact`);
    await formReady(page);
    await suite.pageviews(site.id, 2);
    const email = uniqueEmail('anon');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/Remember me/).check();
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await confirmation(page)).toBe('Thanks, we will be in touch.');

    expect(sent).toMatchObject({ _a: 1, email });
    expect(sent).not.toHaveProperty('_v');
    const contact = (await contactByEmail(sites, email))!;
    expect(contact).toBeDefined();
    const [submission] = await submissionsOf(sites, form.id);
    expect(submission).toMatchObject({ anonymous: 1, visitor_id: null, contact_id: contact.id });
    expect(await visitorsOf(sites, contact.id)).toEqual([]);
    const history = await historyOf(sites, contact.id);
    expect(history.items.map((i) => i.type)).toEqual(['form_submission']);
    expect(await spoorCookies(context)).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('consent given or withdrawn later with Spoor.reconfigureTracking decides the submission', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id);
    const path = uniquePath('reconfigure');
    sites.setPage(path, formPage(sites, form.id, site.snippets.thirdParty, anonymousHook));
    sites.setPage(`${path}/open`, formPage(sites, form.id, site.snippets.thirdParty));
    const { page } = await suite.open({ thirdPartyCookies: true });
    const sent: Record<string, unknown>[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/f/${form.id}`)) sent.push(JSON.parse(r.postData()!));
    });
    const submit = async (email: string) => {
      await formReady(page);
      await suite.pageviews(site.id, sent.length + 1);
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Send' }).click();
      await confirmation(page);
    };

    // The page's hook said "anonymous", then the visitor accepted: the form follows the live choice.
    await page.goto(sites.shopOrigin + path);
    await page.waitForFunction(() => window.Spoor);
    await page.evaluate(() => window.Spoor!.reconfigureTracking({ anonymize: false }));
    const consented = uniqueEmail('consented');
    await submit(consented);
    expect(sent[0]).not.toHaveProperty('_a');
    const contact = (await contactByEmail(sites, consented))!;
    expect(await visitorsOf(sites, contact.id)).toHaveLength(1);

    // No hook (identifiers on), then the visitor withdrew: anonymous, nothing linked.
    await page.goto(`${sites.shopOrigin}${path}/open`);
    await page.waitForFunction(() => window.Spoor);
    await page.evaluate(() => window.Spoor!.reconfigureTracking({ anonymize: true }));
    const withdrawn = uniqueEmail('withdrawn');
    await submit(withdrawn);
    expect(sent[1]).toMatchObject({ _a: 1 });
    expect(sent[1]).not.toHaveProperty('_v');
    const other = (await contactByEmail(sites, withdrawn))!;
    expect(await visitorsOf(sites, other.id)).toEqual([]);
  });

  it('prefill: fills the marked fields on a return visit after "remember me", and stops when unticked', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id, { prefill: true });
    const path = uniquePath('prefill');
    sites.setPage(path, formPage(sites, form.id, site.snippets.thirdParty));
    sites.setPage(`${path}/private`, formPage(sites, form.id, site.snippets.thirdParty, anonymousHook));
    const { page, context } = await suite.open();
    const prefillRequests = countRequests(page, 'GET', `/f/${form.id}/prefill`);
    const email = uniqueEmail('prefill');

    const start = Date.now();
    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('First name').fill('Rita');
    await page.getByLabel('Last name').fill('Private');
    await page.getByLabel(/Remember me/).check();
    await page.getByRole('button', { name: 'Send' }).click();
    await confirmation(page);
    const cookie = await waitFor('the prefill cookie', async () =>
      (await context.cookies()).find((c) => c.name === 'spoor_pf'),
    );
    // First-party, host-only on the shop, readable by the loader; a random token, no personal data.
    expect(cookie).toMatchObject({
      domain: 'www.shop.test',
      path: '/',
      secure: true,
      httpOnly: false,
      sameSite: 'Lax',
    });
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.expires).toBeGreaterThanOrEqual(Math.floor(start / 1000) + 90 * 86_400 - 5);

    // The return visit: the prefill-marked fields come back, the others stay empty.
    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    await waitFor('the prefilled email', async () => (await page.getByLabel('Email').inputValue()) === email);
    expect(await page.getByLabel('First name').inputValue()).toBe('Rita');
    expect(await page.getByLabel('Last name').inputValue()).toBe('');
    expect(await page.getByLabel(/Remember me/).isChecked()).toBe(true);
    expect(prefillRequests.n).toBe(1);

    // Under anonymize the loader asks for nothing and the cookie goes.
    await page.goto(`${sites.shopOrigin}${path}/private`);
    await formReady(page);
    expect(await page.getByLabel('Email').inputValue()).toBe('');
    expect(prefillRequests.n).toBe(1);
    expect(await spoorCookies(context)).toEqual([]);

    // Remembered again, then unticked on a later submission: the cookie goes and nothing is filled after.
    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/Remember me/).check();
    await page.getByRole('button', { name: 'Send' }).click();
    await confirmation(page);
    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    await waitFor('the prefilled email', async () => (await page.getByLabel('Email').inputValue()) === email);
    await page.getByLabel(/Remember me/).uncheck();
    await page.getByRole('button', { name: 'Send' }).click();
    await confirmation(page);
    expect((await context.cookies()).filter((c) => c.name === 'spoor_pf')).toEqual([]);
    const before = prefillRequests.n;
    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    expect(await page.getByLabel('Email').inputValue()).toBe('');
    expect(await page.getByLabel('First name').inputValue()).toBe('');
    expect(prefillRequests.n).toBe(before);
  });

  it('prefill: nothing is remembered without "remember me"', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id, { prefill: true });
    const path = uniquePath('no-remember');
    sites.setPage(path, formPage(sites, form.id, site.snippets.thirdParty));
    const { page, context } = await suite.open();
    const prefillRequests = countRequests(page, 'GET', `/f/${form.id}/prefill`);

    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    await page.getByLabel('Email').fill(uniqueEmail('forget'));
    await page.getByLabel('First name').fill('Nora');
    await page.getByRole('button', { name: 'Send' }).click();
    await confirmation(page);
    expect((await context.cookies()).filter((c) => c.name === 'spoor_pf')).toEqual([]);

    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    expect(await page.getByLabel('Email').inputValue()).toBe('');
    expect(await page.getByLabel('First name').inputValue()).toBe('');
    expect(await page.getByLabel(/Remember me/).isChecked()).toBe(false);
    expect(prefillRequests.n).toBe(0);
  });

  it('shows validation errors beside the fields, keeps the values, and a double click submits once', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id);
    const path = uniquePath('validation');
    sites.setPage(path, formPage(sites, form.id, site.snippets.thirdParty));
    const { page } = await suite.open();
    const posts = countRequests(page, 'POST', `/f/${form.id}`);

    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    const email = page.getByLabel('Email');
    await email.fill('not-an-email');
    await page.getByLabel('First name').fill('Grace');
    await page.getByRole('button', { name: 'Send' }).click();

    await waitFor('the email field marked invalid', () => email.getAttribute('aria-invalid'));
    const describedBy = (await email.getAttribute('aria-describedby'))!;
    const message = page.locator(`[id="${describedBy}"]`);
    expect(await message.textContent()).toBe('Email must be an email address like name@example.com.');
    // Beside the field: in the same row as its label and input.
    const row = page.locator('.spoor-field', { has: email });
    expect(await row.locator('.spoor-error').textContent()).toBe(await message.textContent());
    expect(await page.getByRole('alert').textContent()).toContain('Please correct the highlighted fields.');
    expect(await page.getByLabel('First name').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByLabel('First name').inputValue()).toBe('Grace');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
    expect(await submissionsOf(sites, form.id)).toEqual([]);

    const address = uniqueEmail('grace');
    await email.fill(address);
    const sentBefore = posts.n;
    await page.getByRole('button', { name: 'Send' }).dblclick();
    expect(await confirmation(page)).toBe('Thanks, we will be in touch.');
    expect(posts.n - sentBefore).toBe(1);
    const rows = await submissionsOf(sites, form.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'processed', outcome: 'created' });
    expect(await contactByEmail(sites, address)).toMatchObject({ firstName: 'Grace' });
  });

  it('a lost answer shows a general error, and the retry (same _token) is still one submission', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id, { onMatch: 'create' });
    const path = uniquePath('retry');
    sites.setPage(path, formPage(sites, form.id, site.snippets.thirdParty));
    const { page } = await suite.open();
    const tokens: unknown[] = [];
    // The first POST reaches Spoor and is stored, but its answer is lost on the way back (a proxy's 502).
    await page.route(`${sites.trackOrigin}/f/${form.id}`, async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      tokens.push(JSON.parse(request.postData()!)._token);
      if (tokens.length > 1) return route.continue();
      const stored = await sites.spoor.app.inject({
        method: 'POST',
        url: `/f/${form.id}`,
        headers: { 'content-type': 'text/plain', origin: sites.shopOrigin, 'user-agent': CHROME_UA },
        payload: request.postData()!,
      });
      expect(stored.statusCode).toBe(200);
      return route.fulfill({
        status: 502,
        headers: {
          'access-control-allow-origin': sites.shopOrigin,
          'access-control-allow-credentials': 'true',
        },
        body: 'Bad Gateway',
      });
    });

    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    const email = uniqueEmail('retry');
    await page.getByLabel('Email').fill(email);
    const send = page.getByRole('button', { name: 'Send' });
    await send.click();
    const alert = page.getByRole('alert');
    await waitFor('the general error', async () =>
      /could not be sent/.test((await alert.textContent()) ?? ''),
    );
    expect(await alert.textContent()).toBe('Sorry, your submission could not be sent. Please try again.');
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    expect(await send.isEnabled()).toBe(true);
    expect(await submissionsOf(sites, form.id)).toHaveLength(1);

    await send.click();
    expect(await confirmation(page)).toBe('Thanks, we will be in touch.');
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBe(tokens[0]);
    // "Always create" would make a second contact for a second submission: there is one of each.
    expect(await submissionsOf(sites, form.id)).toHaveLength(1);
    const { contacts } = await adminApi<{ contacts: { email: string }[] }>(
      sites,
      'GET',
      `/api/contacts?q=${encodeURIComponent(email)}`,
    );
    expect(contacts).toHaveLength(1);
  });

  it('follows the redirect the marketer configured', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const path = uniquePath('redirect');
    const form = await defineForm(sites, site.id, {
      afterSubmit: { kind: 'redirect', url: `${sites.shopOrigin}${path}/thanks` },
    });
    sites.setPage(path, formPage(sites, form.id, ''));
    sites.setPage(`${path}/thanks`, pageHtml({ title: 'Thanks for writing', snippet: '' }));
    const { page } = await suite.open();

    await page.goto(sites.shopOrigin + path);
    await formReady(page);
    await page.getByLabel('Email').fill(uniqueEmail('redirect'));
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`${sites.shopOrigin}${path}/thanks`);
    expect(await page.locator('h1').textContent()).toBe('Thanks for writing');
  });

  it('draws accessible fields: labels, types, required, options, hidden default, honeypot out of reach', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id, {
      fields: [...FIELDS, { key: 'company', type: 'text', label: '<img src=x onerror=alert(1)> Company' }],
    });
    const path = uniquePath('render');
    // Two forms on one page, without the tracking script.
    sites.setPage(
      path,
      pageHtml({
        title: 'Two forms',
        body: `<div data-spoor-form="${form.id}"></div><div data-spoor-form="${form.id}"></div>`,
        snippet: `<script async src="${sites.trackOrigin}/forms.js"></script>`,
      }),
    );
    const { page } = await suite.open();
    await page.goto(sites.shopOrigin + path);
    await waitFor(
      'both forms',
      async () => (await page.locator('[data-spoor-state=ready] form').count()) === 2,
    );

    const first = page.locator('[data-spoor-form]').first();
    const email = first.getByLabel('Email');
    expect(await email.getAttribute('type')).toBe('email');
    expect(await email.getAttribute('autocomplete')).toBe('email');
    expect(await email.evaluate((e) => (e as HTMLInputElement).required)).toBe(true);
    expect(await first.getByLabel('Country').locator('option').allTextContents()).toEqual([
      '',
      'Netherlands',
      'Norway',
    ]);
    expect(await first.getByLabel('Send me news').getAttribute('type')).toBe('checkbox');
    expect(await first.locator('input[name=jobTitle]').getAttribute('type')).toBe('hidden');
    expect(await first.locator('input[name=jobTitle]').inputValue()).toBe('spring-webinar');
    expect(await first.locator('input[name=_token]').inputValue()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The marketer's label is text, never markup.
    expect(await first.getByLabel('<img src=x onerror=alert(1)> Company').count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    // The honeypot is neither visible nor in the accessibility tree nor reachable with Tab.
    const trap = first.locator('input[name=_hp]');
    expect(await trap.getAttribute('tabindex')).toBe('-1');
    expect(await first.locator('.spoor-hp').getAttribute('aria-hidden')).toBe('true');
    expect(await first.getByRole('textbox', { name: /Leave this empty/ }).count()).toBe(0);
    const box = (await trap.boundingBox())!;
    expect(box.x + box.width).toBeLessThan(0);
    // Two copies of one form on a page do not share element ids.
    const ids = await page.locator('[data-spoor-form] [id]').evaluateAll((els) => els.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a page on an origin the website does not allow can neither load nor submit the form', async () => {
    const { sites } = suite;
    const site = await sites.registerWebsite();
    const form = await defineForm(sites, site.id);
    const path = uniquePath('foreign');
    const otherOrigin = sites.shopOrigin.replace('www.shop.test', 'www.other.test');
    sites.setPage(path, pageHtml({ title: 'Elsewhere', body: formEmbed(sites, form.id), snippet: '' }));
    const { page } = await suite.open({ thirdPartyCookies: true });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto(otherOrigin + path);
    await page.locator('[data-spoor-state=error]').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('This form could not be loaded.');
    expect(await page.locator('input').count()).toBe(0);
    expect(errors.join('\n')).toMatch(/origin allowed/);
    // What the browser hid from the page: Spoor refused the origin.
    const refused = await sites.spoor.app.inject({
      url: `/f/${form.id}.json`,
      headers: { origin: otherOrigin },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toBe(`Origin ${otherOrigin} may not use this form.`);

    // Nor can the page post to it by hand: Spoor refuses before storing anything.
    const outcome = await page.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'POST', body: '{"email":"x@example.com"}', credentials: 'include' });
        return 'answered';
      } catch {
        return 'refused';
      }
    }, `${sites.trackOrigin}/f/${form.id}`);
    expect(outcome).toBe('refused');
    expect(await submissionsOf(sites, form.id)).toEqual([]);
    expect(await contactByEmail(sites, 'x@example.com')).toBeUndefined();
  });

  it('serves the loader gzipped and cacheable', async () => {
    const { sites } = suite;
    const res = await sites.spoor.app.inject({ url: '/forms.js', headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const plain = await sites.spoor.app.inject({ url: '/forms.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('data-spoor-form');
  });
});
