// Forwards on the dashboard in a real Chromium: a recipient forwards a sent email to two friends through
// the hosted form, one friend opens and clicks the copy; the send's insights page shows the Forwards
// figures and the forwarder's timeline shows "forwarded to 2". Screenshots (SPOOR_SCREENSHOTS=1) and axe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { CHROME_UA } from '../helpers/spoor.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';
import { createContact, createList, createMessage, createVia } from '../support/factories.ts';
import { waitFor } from '../support/wait-for.ts';

describe.skipIf(!chromiumPath)('dashboard: forwards', () => {
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

  it('shows a send’s forwards on its insights and “forwarded to N” on the forwarder’s timeline', {
    timeout: 120_000,
  }, async () => {
    const { spoor, origin } = suite.server;
    const path = (url: string) => {
      const parsed = new URL(url);
      return parsed.pathname + parsed.search;
    };
    const ada = await createContact(spoor, { email: 'ada@mail.example', firstName: 'Ada' });
    const list = await createList(spoor, 'News');
    await createVia(spoor, `/api/lists/${list}/members`, { contactIds: [ada] }, 200);
    const messageId = await createMessage(spoor, {
      name: 'June news',
      subject: 'June news',
      html: '<p>Hi {{ contact.first_name }}, <a href="https://shop.example/june">the June sale</a>. <a href="{{ forward_url }}">Forward it</a></p>',
    });
    const send = await createVia<{ id: string }>(spoor, '/api/sends', { messageId, listIds: [list] }, 202);
    await sink.waitForMessages(1);
    const html = String(sink.receivedBy('ada@mail.example')[0]?.parsed.html);
    const form = /href="([^"]+\/forward\?[^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    const posted = await spoor.app.inject({
      method: 'POST',
      url: '/forward',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams([
        ['token', new URL(form).searchParams.get('token')!],
        ['email', 'bea@friends.example'],
        ['email', 'cal@friends.example'],
      ]).toString(),
    });
    expect(posted.statusCode).toBe(200);
    await sink.waitForMessages(3);
    await waitFor('the copies to be recorded as sent', async () => {
      const rows = await spoor.storage.db.selectFrom('forward_copies').select('status').execute();
      return rows.length === 2 && rows.every((row) => row.status === 'sent');
    });
    // Bea reads her copy an hour later and clicks.
    await spoor.storage.db
      .updateTable('forward_copies')
      .set({ sent_at: Date.now() - 3_600_000 })
      .execute();
    const copy = String(sink.receivedBy('bea@friends.example')[0]?.parsed.html);
    const pixel = /<img src="([^"]+\/e\/fo\/[^"]+)"/.exec(copy)![1]!;
    const link = /href="([^"]+\/e\/fc\/[^"]+)">the June sale/.exec(copy)![1]!;
    await spoor.app.inject({ method: 'GET', url: path(pixel), headers: { 'user-agent': CHROME_UA } });
    expect(
      (await spoor.app.inject({ method: 'GET', url: path(link), headers: { 'user-agent': CHROME_UA } }))
        .statusCode,
    ).toBe(302);

    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/emails/sends/${send.id}`);
    const section = page
      .getByRole('region', { name: 'Forwards' })
      .or(page.locator('section', { hasText: 'Forward to a friend' }));
    await section.first().waitFor();
    const row = (label: string) => page.getByRole('row', { name: new RegExp(`^${label}`) });
    expect(await row('Forwarded to \\(addresses\\)').getByRole('cell').textContent()).toBe('2');
    expect(await row('Forwarders').getByRole('cell').textContent()).toBe('1');
    expect(await row('Copies sent').getByRole('cell').textContent()).toBe('2');
    expect(await row('Forwarded: unique human opens').getByRole('cell').textContent()).toBe('1');
    expect(await row('Forwarded: unique human clicks').getByRole('cell').textContent()).toBe('1');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'emails-insights-forwards');

    await page.goto(`${origin}/app/contacts/${ada}`);
    await page.getByText('Forwarded “June news” to 2 addresses').waitFor();
    await expectNoSeriousAxeViolations(page);
  });
});
