// A tracked email link clicked in a real Chromium on the cross-site setup: the email (as the recipient got
// it) links to Spoor on https://track.spoor.test, which records the click and redirects to the customer's
// page on https://www.shop.test; the visit that follows is the contact's, in their history. Without tracking
// consent the click still lands but the browser is not identified. Both engines: the click identifies the
// browser in the engagement writer, the visit is written by the tracking writer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  openBrowser,
  pageHtml,
  spoorCookies,
  startSites,
  storedPageviews,
  type TestBrowser,
  type TestSites,
  uniquePath,
  waitFor,
} from '../helpers/browser.ts';
import { createSendFixture, type FixtureRecipient } from '../helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';

interface HistoryItem {
  type: string;
  event?: string;
  link?: { url: string | null } | null;
  machine?: string | null;
  contactId?: string;
  pageviews?: { path: string }[];
}

describe.skipIf(!chromiumPath)('browser: tracked email click', () => {
  describeEachEngine('email click', (engine) => {
    let database: TestDatabase;
    let sites: TestSites;
    let sink: SmtpSink;
    let browsers: TestBrowser[] = [];

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      sink = await startSmtpSink();
      sites = await startSites(
        database,
        { sendPollMs: 50, smtp: smtpConfigFor(sink, { pool: 1 }) },
        { workers: true },
      );
    });
    afterEach(async () => {
      await Promise.all(browsers.map((b) => b.close()));
      browsers = [];
    });
    afterAll(async () => {
      await sites?.close();
      await sink?.close();
      await database?.drop();
    });

    /** A landing page with the tracking snippet, and a send whose email links to it. */
    async function emailToLandingPage(recipient: FixtureRecipient) {
      const site = await sites.registerWebsite();
      const path = uniquePath('spring-sale');
      sites.setPage(path, pageHtml({ title: 'Spring sale', snippet: site.snippets.thirdParty }));
      const landing = `${sites.shopOrigin}${path}?utm_source=email&utm_campaign=spring`;
      const fixture = await createSendFixture(sites.spoor, {
        recipients: [recipient],
        publicUrl: sites.trackOrigin,
        html: `<html><body><p>Hi {{ contact.first_name }},</p><p><a id="sale" href="${landing.replace(/&/g, '&amp;')}">See the sale</a></p></body></html>`,
      });
      return { site, path, landing, fixture, contact: fixture.contacts[0]! };
    }

    /** Shows the email as a mail client would and clicks its link; resolves on the landing page. */
    async function clickInEmail(html: string, landing: string) {
      const browser = await openBrowser(sites, { thirdPartyCookies: true });
      browsers.push(browser);
      await browser.page.setContent(html);
      await Promise.all([browser.page.waitForURL(landing), browser.page.click('#sale')]);
      return browser;
    }

    const historyOf = (contactId: string) =>
      adminApi<{ items: HistoryItem[] }>(sites, 'GET', `/api/contacts/${contactId}/history`);

    it('lands on the customer site and the visit that follows is in the contact history', async () => {
      const { site, path, landing, fixture, contact } = await emailToLandingPage({ tracking: true });
      // What the recipient clicks is Spoor's redirect, not the destination.
      expect(contact.html).toContain(`${sites.trackOrigin}/e/c/`);
      expect(contact.html).not.toContain(path);
      const browser = await clickInEmail(contact.html, landing);

      const [pageview] = await waitFor('the landing page view', async () => {
        const rows = await storedPageviews(sites, site.id);
        return rows.length > 0 && rows;
      });
      expect(pageview).toMatchObject({ path, anonymous: 0, bot: 0 });
      // The browser kept the visitor id the click gave it on the tracking host.
      const cookies = await spoorCookies(browser.context);
      const trackingVisitor = cookies.find((c) => c.domain === 'track.spoor.test' && c.name === 'spoor_vid');
      expect(trackingVisitor?.value).toBe(pageview!.visitor_id);

      const items = await waitFor('the visit in the contact history', async () => {
        const { items } = await historyOf(contact.id);
        return items.some((i) => i.type === 'visit') && items;
      });
      const visit = items.find((i) => i.type === 'visit');
      expect(visit?.pageviews?.map((p) => p.path)).toEqual([path]);
      const click = items.find((i) => i.type === 'email' && i.event === 'click');
      expect(click).toMatchObject({ link: { url: landing }, machine: null });
      // Showing the email loaded its pixel: an open, a person's.
      expect(items.some((i) => i.type === 'email' && i.event === 'open' && i.machine === null)).toBe(true);

      const insights = await adminApi<{ clicks: { human: { unique: number } } }>(
        sites,
        'GET',
        `/api/sends/${fixture.sendId}/insights`,
      );
      expect(insights.clicks.human.unique).toBe(1);
    });

    it('a link in an email received over SMTP identifies the browser for the visit on the customer site', async () => {
      const site = await sites.registerWebsite();
      const path = uniquePath('autumn-sale');
      sites.setPage(path, pageHtml({ title: 'Autumn sale', snippet: site.snippets.thirdParty }));
      const landing = `${sites.shopOrigin}${path}`;
      const address = `reader-${engine}@mail.example`;
      const contact = await adminApi<{ id: string }>(sites, 'POST', '/api/contacts', {
        email: address,
        firstName: 'Rhea',
        emailTracking: true,
      });
      const list = await adminApi<{ id: string }>(sites, 'POST', '/api/lists', { name: 'Readers' });
      await adminApi(sites, 'POST', `/api/lists/${list.id}/members`, { contactIds: [contact.id] });
      const message = await adminApi<{ id: string }>(sites, 'POST', '/api/messages', {
        name: 'Autumn sale',
        subject: 'Autumn sale',
        html: `<html><body><p>Hi {{ contact.first_name }}</p><p><a id="sale" href="${landing}">See the sale</a></p></body></html>`,
      });
      const send = await adminApi<{ id: string }>(sites, 'POST', '/api/sends', {
        messageId: message.id,
        listIds: [list.id],
      });
      await sink.waitForMessages(sink.messages.length + 1, 10_000);
      const received = sink.receivedBy(address);
      expect(received).toHaveLength(1);
      const html = String(received[0]!.parsed.html);
      expect(html).toContain(`${sites.trackOrigin}/e/c/`);
      // The worker records the delivery (its sent_at) after the server took the message, with its group of
      // answers: wait for it, or moving the delivery back below races with it and the click looks like a
      // gateway's scan.
      await waitFor(
        'the send to be recorded as done',
        async () =>
          (await adminApi<{ status: string }>(sites, 'GET', `/api/sends/${send.id}`)).status === 'done',
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      // A person reads and clicks later than a gateway scans on delivery: move the delivery back.
      await sites.spoor.storage.db
        .updateTable('send_recipients')
        .set({ sent_at: Date.now() - 600_000 })
        .where('send_id', '=', send.id)
        .execute();

      await clickInEmail(html, landing);
      const items = await waitFor('the visit in the contact history', async () => {
        const { items } = await historyOf(contact.id);
        return items.some((i) => i.type === 'visit') && items;
      });
      expect(items.find((i) => i.type === 'visit')?.pageviews?.map((p) => p.path)).toEqual([path]);
      expect(items.find((i) => i.type === 'email' && i.event === 'click')).toMatchObject({
        link: { url: landing },
        machine: null,
      });
    });

    it('with third-party cookies blocked, the handoff in the landing URL makes the visit the contact’s', async () => {
      const { site, path, landing, fixture, contact } = await emailToLandingPage({ tracking: true });
      // Debian's Chromium blocks third-party cookies by default, as Safari and Firefox do.
      const browser = await openBrowser(sites);
      browsers.push(browser);
      await browser.page.setContent(contact.html);
      await Promise.all([browser.page.waitForURL(/spoor_h=/), browser.page.click('#sale')]);
      // The script sends the handoff with its first page view and takes it out of the address bar.
      await waitFor('the handoff removed from the address bar', () => browser.page.url() === landing);

      const [pageview] = await waitFor('the landing page view', async () => {
        const rows = await storedPageviews(sites, site.id);
        return rows.length > 0 && rows;
      });
      expect(pageview).toMatchObject({ path, anonymous: 0 });
      expect(pageview!.url).toBe(landing);
      // No tracking-host cookie reached the site's requests, yet the page view is the clicked browser's.
      const visitor = await sites.spoor.storage.db
        .selectFrom('visitors')
        .selectAll()
        .where('id', '=', pageview!.visitor_id!)
        .executeTakeFirst();
      expect(visitor?.contact_id).toBe(contact.id);
      const items = await waitFor('the visit in the contact history', async () => {
        const { items } = await historyOf(contact.id);
        return items.some((i) => i.type === 'visit') && items;
      });
      expect(items.find((i) => i.type === 'visit')?.pageviews?.map((p) => p.path)).toEqual([path]);
      // The site's own first-party mirror now names that visitor, so later visits stay the contact's.
      // (The reply to the page view rewrites the mirror; the page view may be stored just before.)
      const mirror = await waitFor('the mirror naming the clicked visitor', async () =>
        (await spoorCookies(browser.context)).find(
          (c) => c.name === 'spoor_vid' && c.domain.endsWith('shop.test') && c.value === pageview!.visitor_id,
        ),
      );
      expect(mirror.value).toBe(pageview!.visitor_id);
      expect(fixture.sendId).toBeTruthy();
    });

    it('without tracking consent the click lands, is counted, and the visit stays anonymous', async () => {
      const { site, landing, fixture, contact } = await emailToLandingPage({ tracking: false });
      const browser = await clickInEmail(contact.html, landing);
      const [pageview] = await waitFor('the landing page view', async () => {
        const rows = await storedPageviews(sites, site.id);
        return rows.length > 0 && rows;
      });
      const visits = await sites.spoor.storage.db
        .selectFrom('visits')
        .selectAll()
        .where('id', '=', pageview!.visit_id!)
        .execute();
      expect(visits.map((v) => v.contact_id)).toEqual([null]);
      // Only the email having been sent (the sender's fact, not tracking) is in it.
      expect((await historyOf(contact.id)).items.map((item: { type: string }) => item.type)).toEqual([
        'email_sent',
      ]);
      // The tracking host's visitor cookie is the one the page view set, not one from the click.
      const visitor = await sites.spoor.storage.db
        .selectFrom('visitors')
        .selectAll()
        .where('id', '=', pageview!.visitor_id!)
        .executeTakeFirst();
      expect(visitor?.contact_id).toBeNull();
      const insights = await adminApi<{ clicks: { human: { unique: number } } }>(
        sites,
        'GET',
        `/api/sends/${fixture.sendId}/insights`,
      );
      expect(insights.clicks.human.unique).toBe(1);
      expect(browser.page.url()).toBe(landing);
    });
  });
});
