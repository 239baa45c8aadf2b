// One compact dashboard journey on each engine (SQLite and PostgreSQL), the other dashboard suites running on
// SQLite only: a send goes through a loopback SMTP server, the recipient's Chromium shows the email (its
// pixel: an open) and follows its link to a tracked page on the customer's site (a click, then a visit
// that is the contact's). A marketer signs in and finds those figures on the overview, the visit and the
// email events in the contact's timeline, and the open and click in the send's insights.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  openBrowser,
  pageHtml,
  startSites,
  type TestBrowser,
  type TestSites,
  uniquePath,
  waitFor,
} from '../helpers/browser.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { createUser } from '../support/accounts.ts';
import { signInThroughForm, TEST_PASSWORD } from '../support/dashboard.ts';

interface HistoryItem {
  type: string;
  event?: string;
}

/** A figure of the overview, found by its label. */
const stat = (page: Page, label: string) =>
  page
    .locator('.stat:not(.realtime)', {
      has: page.locator('.stat-label', { hasText: new RegExp(`^${label}`) }),
    })
    .locator('.stat-value')
    .first();

describe.skipIf(!chromiumPath)('dashboard journey', () => {
  describeEachEngine('dashboard journey', (engine) => {
    let database: TestDatabase;
    let sink: SmtpSink;
    let sites: TestSites;
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

    async function browser(options: Parameters<typeof openBrowser>[1] = {}) {
      const opened = await openBrowser(sites, options);
      browsers.push(opened);
      return opened;
    }

    it('shows an emailed reader’s open, click and visit on the overview, the timeline and the insights', {
      timeout: 120_000,
    }, async () => {
      const site = await sites.registerWebsite({ name: 'Shop' });
      const path = uniquePath('journey');
      sites.setPage(path, pageHtml({ title: 'Journey sale', snippet: site.snippets.thirdParty }));
      const landing = `${sites.shopOrigin}${path}`;
      const contact = await adminApi<{ id: string }>(sites, 'POST', '/api/contacts', {
        email: 'ada@journey.example',
        firstName: 'Ada',
        emailTracking: true,
      });
      const list = await adminApi<{ id: string }>(sites, 'POST', '/api/lists', { name: 'Readers' });
      await adminApi(sites, 'POST', `/api/lists/${list.id}/members`, { contactIds: [contact.id] });
      const message = await adminApi<{ id: string }>(sites, 'POST', '/api/messages', {
        name: 'Journey news',
        subject: 'Journey news',
        html: `<p>Hi {{ contact.first_name }}</p><p><a id="sale" href="${landing}">See the sale</a></p>`,
      });
      const send = await adminApi<{ id: string }>(sites, 'POST', '/api/sends', {
        messageId: message.id,
        listIds: [list.id],
      });
      await sink.waitForMessages(1, 20_000);
      const html = String(sink.receivedBy('ada@journey.example')[0]?.parsed.html);
      // The worker records the delivery (its sent_at) after the server took the message: wait for it, or
      // moving the delivery back below races with it and the click looks like a gateway's scan.
      await waitFor(
        'the send to be recorded as done',
        async () =>
          (await adminApi<{ status: string }>(sites, 'GET', `/api/sends/${send.id}`)).status === 'done',
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      // A person reads later than a gateway scans on delivery: move the delivery back.
      await sites.spoor.storage.db
        .updateTable('send_recipients')
        .set({ sent_at: Date.now() - 600_000 })
        .where('send_id', '=', send.id)
        .execute();

      // Ada's browser shows the email (its pixel loads) and she follows the link to the tracked page.
      const reader = await browser({ thirdPartyCookies: true });
      await reader.page.setContent(html);
      await Promise.all([reader.page.waitForURL(landing), reader.page.click('#sale')]);
      await waitFor(
        'the open, the click and the visit in Ada’s history',
        async () => {
          const { items } = await adminApi<{ items: HistoryItem[] }>(
            sites,
            'GET',
            `/api/contacts/${contact.id}/history`,
          );
          const has = (type: string, event?: string) =>
            items.some((i) => i.type === type && (event === undefined || i.event === event));
          return has('visit') && has('email', 'open') && has('email', 'click');
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(await sites.report(site.id)).toMatchObject({ pageviews: 1, visits: 1 });

      const email = `marketer-${engine}@journey.example`;
      await createUser(sites.spoor.storage.db, { email, password: TEST_PASSWORD, role: 'marketer' });
      const { page } = await browser();
      await signInThroughForm(page, sites.trackOrigin, email, TEST_PASSWORD);
      const app = (route: string) => `${sites.trackOrigin}/app${route}`;

      await page.goto(app('/?period=7d'));
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      await expect.poll(() => stat(page, 'Visits').textContent()).toBe('1');
      expect(await stat(page, 'Page views').textContent()).toBe('1');
      expect(await stat(page, 'Identified visitors').textContent()).toBe('1');
      expect(await stat(page, 'Human opens').textContent()).toBe('1');
      expect(await stat(page, 'Human clicks').textContent()).toBe('1');

      await page.goto(app(`/contacts/${contact.id}`));
      const timeline = page.getByRole('list', { name: 'Interactions, newest first' });
      await timeline.getByText(/^Visit to Shop · 1 page · engaged/).waitFor();
      await timeline.getByText(path).first().waitFor();
      await timeline.getByText('Opened “Journey news”').waitFor();
      await timeline.getByText(`Clicked “Journey news” · ${landing}`).waitFor();

      await page.goto(app(`/emails/sends/${send.id}`));
      await page.getByText('Status: done').waitFor();
      for (const figure of ['Unique human opens', 'Unique human clicks']) {
        const row = page.getByRole('row', { name: new RegExp(figure) }).first();
        expect(await row.getByRole('link').first().textContent(), figure).toBe('1');
      }
    });
  });
});
