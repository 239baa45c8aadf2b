// The Emails pages in a real Chromium: a marketer writes a message in the editor (sandboxed preview, tracked
// links), sends it to a list after the confirmation, through a real loopback SMTP server; the recipient's
// open and click go through Spoor's public endpoints; the send's insights then show them, each number a
// link to its contacts, and the recipient's timeline shows the email sent, opened and clicked. XSS
// payloads in names, subjects and links render inert. Screenshots and axe.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { CHROME_UA } from '../helpers/spoor.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';
import { createContact, createList, createVia } from '../support/factories.ts';
import { waitFor } from '../support/wait-for.ts';

const XSS = '<img src=x onerror="window.__xss=1">';
const xssRan = (page: Page) => page.evaluate(() => (window as { __xss?: number }).__xss ?? null);

describe.skipIf(!chromiumPath)('dashboard: emails', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });
  const suite = setUpDashboardSuite('sqlite', () => ({ sendPollMs: 50, smtp: smtpConfigFor(sink) }), {
    workers: true,
  });

  it('writes a message, sends it to a list and shows the send’s insights', { timeout: 120_000 }, async () => {
    const { spoor, origin } = suite.server;
    const ada = await createContact(spoor, {
      email: 'ada@mail.example',
      firstName: 'Ada',
      emailTracking: true,
    });
    const list = await createList(spoor, `News ${XSS}`);
    await createVia(spoor, `/api/lists/${list}/members`, { contactIds: [ada] }, 200);

    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/emails/messages/new`);
    await page.getByLabel('Name').fill(`Spring ${XSS}`);
    await page.getByLabel('Subject').fill(`Sale ${XSS} for {{ contact.first_name }}`);
    await page
      .getByLabel('HTML')
      .fill(
        '<p>Hi {{ contact.first_name }}, <a href="https://shop.example/sale?x=%3Cscript%3E">the sale</a></p>',
      );
    await page.getByText('https://shop.example/sale?x=%3Cscript%3E').first().waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/app\/emails\/messages\/[A-Za-z0-9_-]+$/);
    // The saved message opens at its top: its header (with "Send to lists…") is in view.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.getByTitle('Message preview').waitFor();
    expect(await page.getByTitle('Message preview').getAttribute('sandbox')).toBe('');
    await screenshotPage(page, 'emails-editor');
    await expectNoSeriousAxeViolations(page);

    await page.getByRole('heading', { name: `Spring ${XSS}`, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Send to lists…' }).click();
    await page.getByRole('dialog').waitFor();
    // The lists are loaded when the dialog opens.
    await page.getByRole('dialog').getByRole('checkbox').first().waitFor();
    await page.getByLabel(`News ${XSS}`).check();
    await page.getByText('will receive it').waitFor();
    await page.getByRole('button', { name: 'Send to 1' }).click();
    await page.waitForURL(/\/app\/emails\/sends\//);
    await page.getByText('Status: done').waitFor({ timeout: 30_000 });
    await sink.waitForMessages(1);

    // Ada's mail client loads the pixel an hour later; she clicks the link.
    const sendId = page.url().split('/sends/')[1] as string;
    await spoor.storage.db
      .updateTable('send_recipients')
      .set({ sent_at: Date.now() - 3_600_000 })
      .where('send_id', '=', sendId)
      .execute();
    const html = String(sink.receivedBy('ada@mail.example')[0]?.parsed.html);
    const pixel = /<img src="([^"]+\/e\/o\/[^"]+)"/.exec(html)?.[1] as string;
    const links = [...html.matchAll(/href="([^"]+\/e\/c\/[^"]+)"/g)].map((m) =>
      (m[1] as string).replace(/&amp;/g, '&'),
    );
    expect((await fetch(pixel, { headers: { 'user-agent': CHROME_UA } })).status).toBe(200);
    const click = await fetch(links[1] as string, {
      redirect: 'manual',
      headers: { 'user-agent': CHROME_UA },
    });
    expect(click.status).toBe(302);

    await page.reload();
    await waitFor('the open to show', async () => (await page.getByRole('link', { name: '1' }).count()) > 2);
    const opens = page.getByRole('row', { name: /Unique human opens/ });
    await opens.getByRole('link').click();
    await page.getByRole('heading', { name: 'Unique human opens', level: 1 }).waitFor();
    await page.getByText('ada@mail.example').waitFor();
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain(
      'figure=opened',
    );
    await screenshotPage(page, 'emails-figure-contacts');
    await expectNoSeriousAxeViolations(page);
    await page.goBack();
    await page.getByRole('heading', { name: 'By recipient domain' }).waitFor();
    await screenshotPage(page, 'emails-insights');
    await expectNoSeriousAxeViolations(page);
    await page.goto(`${origin}/app/emails`);
    await page.getByRole('heading', { name: 'Emails', level: 1 }).waitFor();
    await page.getByText(`Spring ${XSS}`).waitFor();
    await screenshotPage(page, 'emails-list');

    // Ada's timeline: the email sent to her, then her open and her click, newest first.
    await page.goto(`${origin}/app/contacts/${ada}`);
    const timeline = page.getByRole('list', { name: 'Interactions, newest first' });
    // The subject as Ada read it: her name in place of the merge field, the markup shown as text.
    const subject = `Sale ${XSS} for Ada`;
    await timeline.getByText(`Sent “${subject}”`).waitFor();
    const titles = await timeline.locator('.timeline-title').allInnerTexts();
    expect(titles.map((t) => t.split(' “')[0])).toEqual(['Clicked', 'Opened', 'Sent']);
    await screenshotPage(page, 'contact-emails');
    await expectNoSeriousAxeViolations(page);
    expect(await xssRan(page)).toBeNull();
  });

  it('shows an analyst no write action', { timeout: 60_000 }, async () => {
    const { page } = await suite.signIn('analyst');
    await page.goto(`${suite.server.origin}/app/emails`);
    await page.getByRole('heading', { name: 'Emails', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'New message' }).count()).toBe(0);
  });
});
