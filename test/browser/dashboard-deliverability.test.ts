// What marketers and administrators see of mail after sending, in a real Chromium: a send through a
// loopback SMTP server, then real reports through Spoor's bounce receiver (a Postfix DSN for an unknown
// user and a full mailbox, an ARF complaint, an auto-reply, a forged and an unreadable report), a
// one-click unsubscribe and the subscription center. The send's insights show late bounces, categories,
// complaints, auto-replies and unsubscribes by source; the suppression list shows, finds and lifts (a
// complaint cannot be lifted); bounce reports show the kept messages as text; a contact's page shows the
// suppression and the consent events. An analyst sees no change button, and no bounce report. The send
// estimate's bounds. Screenshots at 1280 and 390 px, axe-core.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BounceReceiver } from '../../src/email/bounces/receiver.ts';
import {
  bounceFixture,
  bounceSettings,
  BOUNCE_DOMAIN as DOMAIN,
  deliverReport,
  startTestBounceReceiver,
} from '../helpers/bounce-reports.ts';
import { chromiumPath } from '../helpers/browser.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';
import { addToList, createList, createVia, sendToNewList } from '../support/factories.ts';
import { waitFor } from '../support/wait-for.ts';

const HARD = 'hard@mail.test';
const FULL = 'full@mail.test';
const COMPLAINS = 'complains@mail.test';
const AWAY = 'away@mail.test';
const LEAVES = 'leaves@mail.test';
const CHOOSES = 'chooses@mail.test';
const ADDRESSES = [HARD, FULL, COMPLAINS, AWAY, LEAVES, CHOOSES];
const XSS = '<img src=x onerror="window.__xss=1">';
const xssRan = (page: Page) => page.evaluate(() => (window as { __xss?: number }).__xss ?? null);

describe.skipIf(!chromiumPath)('dashboard: bounces, suppressions and unsubscribes', () => {
  let sink: SmtpSink;
  let receiver: BounceReceiver;
  let sendId: string;
  let contactIds: Map<string, string>;
  const bounces = bounceSettings({ maxBytes: 50_000 });
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  const suite = setUpDashboardSuite(
    'sqlite',
    () => ({ sendPollMs: 50, smtp: smtpConfigFor(sink), bounces }),
    { workers: true },
  );

  const fixture = (name: string, email: string, overrides: Record<string, string> = {}) =>
    bounceFixture(sink, name, email, overrides);
  const returnPath = (email: string) => sink.receivedBy(email)[0]?.envelope.mailFrom as string;

  const deliver = (raw: string, to: string) => deliverReport(receiver.port, raw, to);

  beforeAll(async () => {
    const { spoor } = suite.server;
    receiver = await startTestBounceReceiver(spoor.storage, bounces);
    const made = await sendToNewList(spoor, ADDRESSES, {
      subject: 'Spring news',
      html: '<p>Hi!</p><p><a id="prefs" href="{{ subscription_center_url }}">Choose your emails</a></p>',
    });
    sendId = made.sendId;
    contactIds = made.contactIds;

    // After acceptance: Postfix's DSNs (unknown user, then a full mailbox), a complaint, an auto-reply.
    await deliver(fixture('postfix-5.1.1-unknown-user.eml', HARD), returnPath(HARD));
    await deliver(fixture('postfix-5.2.2-over-quota.eml', FULL), returnPath(FULL));
    await deliver(fixture('arf-abuse.eml', COMPLAINS), `fbl@${DOMAIN}`);
    await deliver(fixture('auto-reply-vacation.eml', AWAY), returnPath(AWAY));
    // A forged return path and a message that is no report: nothing recorded, both kept.
    const forged = returnPath(AWAY).replace(/^b\+(.)/, (_, c: string) => `b+${c === 'A' ? 'B' : 'A'}`);
    const noAttribution = { SEND_HEADER: 'x.y.zzzzzzzzzzzzzzzzzzzzzzzz', MESSAGE_ID: '<none@x>' };
    await deliver(fixture('postfix-5.1.1-unknown-user.eml', AWAY, noAttribution), forged);
    await deliver(`Subject: hello\r\n\r\nThis is not a report ${XSS}\r\n`, returnPath(AWAY));

    // One reader uses the unsubscribe link's one-click POST, another the subscription center.
    const headers =
      sink
        .receivedBy(LEAVES)[0]
        ?.raw.toString('utf8')
        .split(/\r?\n\r?\n/)[0] ?? '';
    const oneClick = /^List-Unsubscribe:.*?<(https?:\/\/[^>]+)>/ims.exec(
      headers.replace(/\r?\n[ \t]+/g, ' '),
    );
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(oneClick?.[1] as string, { method: 'POST', body })).status).toBe(200);
    const html = String(sink.receivedBy(CHOOSES)[0]?.parsed.html);
    const center = /id="prefs" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') as string;
    const page = await (await suite.newContext()).newPage();
    await page.goto(center);
    await page.getByRole('button', { name: 'Unsubscribe from all' }).click();
    await page.getByText('You are unsubscribed from all our lists.').waitFor();
    await waitFor('both unsubscribes to be counted', async () => {
      const res = await spoor.app.inject({ url: `/api/sends/${sendId}/insights`, headers: spoor.auth });
      return res.json().unsubscribes === 2;
    });
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await sink?.close();
  });

  it('shows the send’s late bounces, categories, complaints, auto-replies and unsubscribes by source', {
    timeout: 60_000,
  }, async () => {
    const { page } = await suite.signIn('marketer');
    await page.goto(`${suite.server.origin}/app/emails/sends/${sendId}`);
    await page.getByRole('heading', { name: 'Bounces, complaints and auto-replies' }).waitFor();
    // Two bounces came after acceptance: delivered is 6 sent − 2 bounced.
    await page.getByText('(2 arrived after acceptance: counted out of delivered)').waitFor();
    expect(
      await page
        .getByRole('listitem')
        .filter({ hasText: /^Delivered/ })
        .textContent()
        .then(String),
    ).toMatch(/: 4$/);
    const outcomes = page.getByRole('table', { name: /By kind and category/ });
    await outcomes.waitFor();
    const rows = await outcomes.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
      ['Hard bounce', 'Invalid mailbox', '1', '1'],
      ['Soft bounce', 'Full mailbox', '1', '1'],
      ['Complaint', 'Complaint', '1', '1'],
      ['Auto-reply', 'Auto-reply', '1', '1'],
    ]);
    const complaints = page.getByRole('term').filter({ hasText: 'Complaints' });
    expect(await complaints.locator('xpath=following-sibling::dd').textContent().then(String)).toMatch(/^1 /);
    const replies = page.getByRole('term').filter({ hasText: 'Auto-replies' });
    expect(await replies.locator('xpath=following-sibling::dd').textContent().then(String)).toMatch(/^1 /);
    // Two people left, by the link and by the center (the complaint, which unsubscribes too, is a complaint).
    await page.getByText('2 people unsubscribed after this email').waitFor();
    const sources = await page
      .getByRole('table', { name: /By what they used/ })
      .locator('tbody tr')
      .allInnerTexts();
    expect(sources.map((r) => r.replace(/\t/g, ' | ')).sort()).toEqual([
      'The subscription center | 1',
      "The unsubscribe link or the mail provider's one-click button | 1",
    ]);
    await screenshotPage(page, 'emails-insights-outcomes');
    await expectNoSeriousAxeViolations(page);
  });

  it('lists, finds and lifts suppressions; a complaint says why it cannot be lifted', {
    timeout: 60_000,
  }, async () => {
    const { spoor, origin } = suite.server;
    const { page } = await suite.signIn('administrator');
    await page.goto(`${origin}/app/`);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Suppressions' })
      .click();
    await page.getByRole('heading', { name: 'Suppression list', level: 1 }).waitFor();
    expect(await page.title()).toBe('Suppression list · Spoor');
    const table = page.getByRole('table', { name: 'Suppressed addresses, in address order' });
    await table.getByText(HARD).waitFor();
    const hardRow = table.getByRole('row').filter({ hasText: HARD });
    expect(await hardRow.textContent().then(String)).toContain('Hard bounce · Invalid mailbox');
    expect(await hardRow.getByRole('link', { name: `Contact ${HARD}` }).getAttribute('href')).toBe(
      `/app/contacts/${contactIds.get(HARD)}`,
    );
    const complaintRow = table.getByRole('row').filter({ hasText: COMPLAINS });
    expect(await complaintRow.textContent().then(String)).toContain('Permanent');
    expect(await complaintRow.getByRole('button').count()).toBe(0);
    // The full mailbox bounced once of the 3-in-5 window: not suppressed.
    expect(await table.getByText(FULL).count()).toBe(0);
    await screenshotPage(page, 'suppressions');
    await expectNoSeriousAxeViolations(page);

    // Search by address, by keyboard.
    await page.getByLabel('Find an address').fill(COMPLAINS);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?email=/);
    await waitFor('the search', async () => (await table.getByRole('row').count()) === 2);
    await page.getByLabel('Find an address').fill(FULL);
    await page.keyboard.press('Enter');
    await page.getByText(`${FULL} is not suppressed.`).waitFor();
    await page.getByRole('button', { name: 'Show every address' }).click();

    // The complaint's page: why, and no lift.
    await table.getByRole('link', { name: COMPLAINS, exact: true }).click();
    await page.getByRole('heading', { name: COMPLAINS, level: 1 }).waitFor();
    await page.getByText('This suppression cannot be lifted.').waitFor();
    expect(await page.getByRole('button', { name: /Lift/ }).count()).toBe(0);
    const lift = await spoor.app.inject({
      method: 'DELETE',
      url: `/api/suppressions/${COMPLAINS}`,
      headers: spoor.auth,
    });
    expect(lift.statusCode).toBe(409);
    await page.goBack();

    // The hard bounce's page: its history says where it came from; lift it.
    await table.getByRole('link', { name: HARD, exact: true }).click();
    await page.getByRole('heading', { name: HARD, level: 1 }).waitFor();
    const history = page.getByRole('list', { name: 'Listings and lifts, newest first' });
    expect(await history.textContent().then(String)).toMatch(
      /Listed for hard bounce \(Invalid mailbox\), until .+ · 1st listing/,
    );
    expect(await history.textContent().then(String)).toContain(
      'From a delivery report (DSN) after acceptance on a send',
    );
    await screenshotPage(page, 'suppression');
    await expectNoSeriousAxeViolations(page);
    // Links to other areas stay in the dashboard (under /app).
    await page.getByRole('link', { name: 'Open the contact' }).click();
    await page.waitForURL(`${origin}/app/contacts/${contactIds.get(HARD)}`);
    await page.getByRole('heading', { name: HARD, level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('button', { name: 'Lift suppression…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Lift suppression' }).click();
    await page.getByText('The suppression is lifted: later sends attempt the address.').waitFor();
    await page.getByText('Not suppressed: it may be emailed.').waitFor();
    await history.getByText(/Lifted by a user/).waitFor();
    const listed = await spoor.app.inject({ url: `/api/suppressions?email=${HARD}`, headers: spoor.auth });
    expect(listed.json().suppressions).toEqual([]);
  });

  it('shows an administrator the bounce reports, the kept messages as text', {
    timeout: 60_000,
  }, async () => {
    const { page } = await suite.signIn('administrator');
    await page.goto(`${suite.server.origin}/app/settings`);
    await page.getByRole('link', { name: 'Bounce reports' }).first().click();
    await page.getByRole('heading', { name: 'Bounce reports', level: 1 }).waitFor();
    const reports = page.getByRole('list', { name: 'Bounce reports, newest first' });
    await reports.getByText('Forged', { exact: true }).waitFor();
    await page.getByLabel('Verdict').selectOption('unparseable');
    await page.getByRole('heading', { name: 'Unparseable reports' }).waitFor();
    await waitFor('the filter', async () => (await reports.getByRole('listitem').count()) === 1);
    await reports.getByText('Show the message as received (text)').click();
    const raw = reports.locator('pre');
    expect(await raw.textContent().then(String)).toContain(`This is not a report ${XSS}`);
    expect(await reports.locator('img').count()).toBe(0);
    expect(await xssRan(page)).toBeNull();
    await page.getByLabel('Verdict').selectOption('');
    await reports.getByText('Forged', { exact: true }).waitFor();
    await screenshotPage(page, 'settings-bounce-reports');
    await expectNoSeriousAxeViolations(page);
  });

  it('shows a contact’s suppression and consent events', { timeout: 60_000 }, async () => {
    const { origin } = suite.server;
    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/contacts/${contactIds.get(COMPLAINS)}`);
    const notice = page.getByRole('note', { name: 'Suppression' });
    await notice.getByText('The address is suppressed for good').waitFor();
    expect(await notice.textContent().then(String)).toContain('complaint (marked as spam)');
    const timeline = page.getByRole('list', { name: 'Interactions, newest first' });
    await timeline.getByText('Unsubscribed from News').waitFor();
    const consent = timeline.getByRole('listitem').filter({ hasText: 'Unsubscribed from News' });
    expect(await consent.textContent().then(String)).toContain('subscribed → unsubscribed');
    expect(await consent.textContent().then(String)).toContain(
      'Through a complaint (marked an email as spam) · after the email “Spring news”',
    );
    await timeline.getByText('Complaint on “Spring news”').waitFor();

    await page.goto(`${origin}/app/contacts/${contactIds.get(CHOOSES)}`);
    const left = timeline.getByRole('listitem').filter({ hasText: 'Unsubscribed from News' });
    await left.waitFor();
    expect(await left.textContent().then(String)).toMatch(
      /Through the subscription center · after the email “Spring news” · wording version \S+/,
    );
    await screenshotPage(page, 'contact-consent');
    await expectNoSeriousAxeViolations(page);

    await page.goto(`${origin}/app/contacts/${contactIds.get(FULL)}`);
    await timeline.getByText('Soft bounce on “Spring news”').waitFor();
    expect(await timeline.textContent().then(String)).toContain(
      'From a delivery report (DSN) after acceptance · 5.2.2',
    );
  });

  it('shows an analyst the suppression list without a change button, and no bounce report', {
    timeout: 60_000,
  }, async () => {
    const { origin } = suite.server;
    const { page } = await suite.signIn('analyst');
    await page.goto(`${origin}/app/suppressions`);
    const table = page.getByRole('table', { name: 'Suppressed addresses, in address order' });
    await table.getByText(COMPLAINS).waitFor();
    expect(await table.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Lift/ }).count()).toBe(0);
    await table.getByRole('link', { name: COMPLAINS, exact: true }).click();
    await page.getByRole('heading', { name: COMPLAINS, level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: /Lift/ }).count()).toBe(0);
    await page.goto(`${origin}/app/settings`);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Bounce reports' }).count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/bounce-reports')).status);
    expect(status).toBe(403);
  });

  it('says the send estimate’s bounds when several large lists share contacts', {
    timeout: 120_000,
  }, async () => {
    const { spoor, origin } = suite.server;
    // 1,100 contacts on one list and 1,000 of them on another: 2,100 memberships, past the exact count.
    const csv = ['email', ...Array.from({ length: 1100 }, (_, i) => `reader${i}@bounds.test`)].join('\n');
    const imported = await spoor.app.inject({
      method: 'POST',
      url: '/api/contacts/import',
      headers: { ...spoor.auth, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await spoor.app.inject({
        url: `/api/contacts?q=${encodeURIComponent('@bounds.test')}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        headers: spoor.auth,
      });
      const body = res.json() as { contacts: { id: string }[]; nextCursor: string | null };
      ids.push(...body.contacts.map((c) => c.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(1100);
    const all = await createList(spoor, 'Everyone');
    const most = await createList(spoor, 'Most people');
    for (let i = 0; i < ids.length; i += 1000) await addToList(spoor, all, ids.slice(i, i + 1000));
    await addToList(spoor, most, ids.slice(0, 1000));
    const message = await createVia<{ id: string }>(spoor, '/api/messages', {
      name: 'Autumn',
      subject: 'Autumn',
      html: '<p>Autumn</p>',
    });

    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/emails/messages/${message.id}`);
    await page.getByRole('button', { name: 'Send to lists…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('checkbox').first().waitFor();
    await dialog.getByLabel('Everyone').check();
    await dialog.getByLabel('Most people').check();
    await dialog.getByText('Between').waitFor();
    const said = await dialog.getByRole('status').textContent().then(String);
    expect(said).toMatch(/^Between 1,100 and 2,100 will receive it\./);
    expect(said).toContain('These lists hold 2,100 memberships');
    expect(said).toContain('No one is blocked.');
    expect(await dialog.getByRole('button', { name: 'Send to at most 2,100' }).count()).toBe(1);
    await screenshotPage(page, 'emails-send-estimate-bounds');
    await expectNoSeriousAxeViolations(page);
  });
});
