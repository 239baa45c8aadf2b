// The subscription center and double opt-in in a real Chromium with JavaScript turned off (the pages need
// none): the center opened from an email Spoor really sent (loopback SMTP sink), lists changed, then
// unsubscribed from all, while a scanner's GET changes nothing; a sign-up on a hosted form page, its
// confirmation email, the page the email's button opens and its confirm button, and an expired link.
// Screenshots at 1280 and 390 px (light and dark) into docs/screenshots/, and axe on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  openBrowser,
  startSites,
  type TestBrowser,
  type TestSites,
  uniquePath,
  waitFor,
} from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { expectNoAxeViolations, screenshotPage } from '../support/dashboard.ts';

let counter = 0;
const uniqueEmail = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}@reader.test`;

describe.skipIf(!chromiumPath)('browser: subscription center and double opt-in', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let sites: TestSites;
  const browsers: TestBrowser[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    sink = await startSmtpSink();
    sites = await startSites(
      database,
      { sendPollMs: 50, formRateLimit: 100_000, smtp: smtpConfigFor(sink, { pool: 1 }) },
      { workers: true },
    );
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await sites?.close();
    await sink?.close();
    await database?.drop();
  });

  /** A browser without JavaScript (the pages need none); `axe` gives one with it, to run axe-core. */
  async function browser(options: { axe?: boolean } = {}) {
    const opened = await openBrowser(sites, options.axe ? { bypassCSP: true } : { javaScriptEnabled: false });
    browsers.push(opened);
    return opened.page;
  }
  const db = () => sites.spoor.storage.db;
  const statuses = async (contactId: string) =>
    Object.fromEntries(
      (
        await db()
          .selectFrom('list_members')
          .select(['list_id', 'status'])
          .where('contact_id', '=', contactId)
          .execute()
      ).map((row) => [row.list_id, row.status]),
    );
  const mailTo = (email: string) =>
    waitFor(`an email to ${email}`, async () => sink.receivedBy(email).at(-1) ?? false, {
      timeoutMs: 20_000,
    });

  it('opens the center from a sent email, changes lists, unsubscribes from all; a scanner GET changes nothing', async () => {
    const news = await adminApi<{ id: string }>(sites, 'POST', '/api/lists', {
      name: 'Newsletter (internal)',
      public: true,
      publicName: 'Monthly news',
      publicDescription: 'What we made this month, once a month.',
    });
    const offers = await adminApi<{ id: string }>(sites, 'POST', '/api/lists', {
      name: 'Offers',
      public: true,
      publicDescription: 'Deals and early access, twice a month.',
    });
    const email = uniqueEmail('center');
    const contact = await adminApi<{ id: string }>(sites, 'POST', '/api/contacts', {
      email,
      firstName: 'Cleo',
    });
    await adminApi(sites, 'POST', `/api/lists/${news.id}/members`, { contactIds: [contact.id] });
    const message = await adminApi<{ id: string }>(sites, 'POST', '/api/messages', {
      name: 'April news',
      subject: 'April news',
      html: '<html><body><p>Hi {{ contact.first_name }},</p><p><a id="prefs" href="{{ subscription_center_url }}">Choose your emails</a></p></body></html>',
    });
    const send = await adminApi<{ id: string }>(sites, 'POST', '/api/sends', {
      messageId: message.id,
      listIds: [news.id],
    });
    const mail = await mailTo(email);
    const html = mail.parsed.html as string;
    const href = /id="prefs" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toMatch(new RegExp(`^${sites.trackOrigin}/subscriptions\\?token=`));

    // A link scanner fetches every link (GET and HEAD): nothing changes.
    for (const method of ['GET', 'HEAD'] as const) {
      const scanned = await sites.spoor.app.inject({ method, url: href!.slice(sites.trackOrigin.length) });
      expect(scanned.statusCode).toBe(200);
    }
    expect(await statuses(contact.id)).toEqual({ [news.id]: 'subscribed' });

    const page = await browser();
    await page.setContent(html);
    await Promise.all([page.waitForURL(`${sites.trackOrigin}/subscriptions?**`), page.click('#prefs')]);
    expect(await page.locator('h1').textContent()).toBe('Your subscriptions');
    const newsBox = page.getByRole('checkbox', { name: /Monthly news/ });
    const offersBox = page.getByRole('checkbox', { name: /Offers/ });
    expect(await newsBox.isChecked()).toBe(true);
    expect(await offersBox.isChecked()).toBe(false);
    expect(await page.getByText('Newsletter (internal)').count()).toBe(0);
    expect(await statuses(contact.id)).toEqual({ [news.id]: 'subscribed' });

    // The same page with JavaScript, for axe and the screenshots.
    const checked = await browser({ axe: true });
    await checked.goto(href!);
    await expectNoAxeViolations(checked);
    await screenshotPage(checked, 'subscription-center', '');

    await newsBox.uncheck();
    await offersBox.check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Your choices are saved.');
    expect(await statuses(contact.id)).toEqual({ [news.id]: 'unsubscribed', [offers.id]: 'subscribed' });
    expect(await page.getByRole('checkbox', { name: /Offers/ }).isChecked()).toBe(true);

    await page.getByRole('button', { name: 'Unsubscribe from all' }).click();
    expect(await page.getByRole('status').textContent()).toBe('You are unsubscribed from all our lists.');
    expect(await statuses(contact.id)).toEqual({ [news.id]: 'unsubscribed', [offers.id]: 'unsubscribed' });
    expect(await page.getByText('You are not subscribed to any list.').count()).toBe(1);

    // Two unsubscribes from one email: counted once, attributed to it.
    const insights = await adminApi<{ unsubscribes: number }>(sites, 'GET', `/api/sends/${send.id}/insights`);
    expect(insights.unsubscribes).toBe(1);
    const history = await adminApi<{ items: { type: string; kind?: string }[] }>(
      sites,
      'GET',
      `/api/contacts/${contact.id}/history`,
    );
    // Joined the offers, left the news, then left the offers: three consent events.
    expect(
      history.items
        .filter((i) => i.type === 'consent')
        .map((i) => i.kind)
        .sort(),
    ).toEqual(['list_subscribed', 'list_unsubscribed', 'list_unsubscribed']);
  }, 180_000);

  it('double opt-in: a hosted form sign-up, the email, its button, the confirm button; an expired link', async () => {
    const tips = await adminApi<{ id: string }>(sites, 'POST', '/api/lists', {
      name: 'Tips',
      public: true,
      publicName: 'Tips every Friday',
      doubleOptIn: true,
    });
    const site = await sites.registerWebsite({ allowedOrigins: [sites.shopOrigin] });
    const slug = uniquePath('tips').slice(1);
    await adminApi(sites, 'POST', '/api/forms', {
      name: 'Tips sign-up',
      websiteId: site.id,
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true },
        { key: 'firstName', type: 'text', label: 'First name' },
      ],
      afterSubmit: { kind: 'message', text: 'Almost done: please confirm in the email we sent you.' },
      submitLabel: 'Sign up',
      page: { slug, title: 'Friday tips', intro: 'One tip a week.' },
      lists: [{ listId: tips.id }],
    });
    const contactOf = async (email: string) =>
      db().selectFrom('contacts').selectAll().where('email_match', '=', email).executeTakeFirst();

    async function signUp(email: string) {
      const page = await browser();
      await page.goto(`${sites.trackOrigin}/p/${slug}`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('First name').fill('Fern');
      await page.getByRole('button', { name: 'Sign up' }).click();
      expect(await page.getByRole('status').textContent()).toBe(
        'Almost done: please confirm in the email we sent you.',
      );
      return page;
    }

    const email = uniqueEmail('tips');
    const page = await signUp(email);
    expect(await contactOf(email)).toBeUndefined();
    const mail = await mailTo(email);
    expect(mail.parsed.subject).toBe('Please confirm your subscription');
    await page.setContent(mail.parsed.html as string);
    await Promise.all([
      page.waitForURL(`${sites.trackOrigin}/subscriptions/confirm?**`),
      page.getByRole('link', { name: 'Confirm my subscription' }).click(),
    ]);
    // Opening the link confirmed nothing: the page asks.
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
    expect(await page.getByRole('listitem').allTextContents()).toEqual(['Tips every Friday']);
    expect(await contactOf(email)).toBeUndefined();

    const checked = await browser({ axe: true });
    await checked.goto(page.url());
    await expectNoAxeViolations(checked);
    await screenshotPage(checked, 'subscription-confirm', '');

    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    expect(await page.locator('h1').textContent()).toBe('Your subscription is confirmed');
    await expectNoAxeViolations(checked);
    const contact = await contactOf(email);
    expect(contact?.first_name).toBe('Fern');
    expect(await statuses(contact!.id)).toEqual({ [tips.id]: 'subscribed' });

    // Another sign-up whose 30 days have passed: the link says so and confirms nothing.
    const late = uniqueEmail('late');
    const latePage = await signUp(late);
    const lateMail = await mailTo(late);
    await db()
      .updateTable('pending_signups')
      .set({ expires_at: Date.now() - 1 })
      .where('email', '=', late)
      .execute();
    await latePage.setContent(lateMail.parsed.html as string);
    await Promise.all([
      latePage.waitForURL(`${sites.trackOrigin}/subscriptions/confirm?**`),
      latePage.getByRole('link', { name: 'Confirm my subscription' }).click(),
    ]);
    expect(await latePage.locator('h1').textContent()).toBe('This confirmation link has expired');
    expect(await contactOf(late)).toBeUndefined();
    const expiredChecked = await browser({ axe: true });
    await expiredChecked.goto(latePage.url());
    await expectNoAxeViolations(expiredChecked);
  }, 180_000);
});
