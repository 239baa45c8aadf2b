// Forward to a friend in a real Chromium with JavaScript turned off (the form needs none): the form opened
// from an email Spoor really sent (loopback SMTP sink), a refused post (too many addresses for the
// forwarder's limit) showing what to correct with the addresses kept, then two friends entered and the
// thank-you page; each friend's copy arrives without the forwarder's links. Screenshots at 1280 and 390 px
// (light and dark; written to docs/screenshots/ with SPOOR_SCREENSHOTS=1), and axe on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  openBrowser,
  startSites,
  type TestSites,
  waitFor,
} from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { expectNoAxeViolations, screenshotPage } from '../support/dashboard.ts';

describe.skipIf(!chromiumPath)('browser: forward to a friend', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let sites: TestSites;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    sink = await startSmtpSink();
    sites = await startSites(
      database,
      {
        sendPollMs: 50,
        formRateLimit: 100_000,
        smtp: smtpConfigFor(sink, { pool: 1 }),
        forwards: { perPost: 5, perForwarderPerSend: 4, perAddressPerDay: 3 },
      },
      { workers: true },
    );
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await sites?.close();
    await sink?.close();
    await database?.drop();
  });

  async function browser(options: { axe?: boolean } = {}) {
    const opened = await openBrowser(sites, options.axe ? { bypassCSP: true } : { javaScriptEnabled: false });
    closers.push(() => opened.close());
    return opened.page;
  }
  const mailTo = (email: string) =>
    waitFor(`an email to ${email}`, async () => sink.receivedBy(email).at(-1) ?? false, {
      timeoutMs: 20_000,
    });

  it('fills the form without JavaScript: a refusal says what to correct, then the friends get their copies', async () => {
    const list = await adminApi<{ id: string }>(sites, 'POST', '/api/lists', { name: 'News' });
    const contact = await adminApi<{ id: string }>(sites, 'POST', '/api/contacts', {
      email: 'fern@reader.test',
      firstName: 'Fern',
    });
    await adminApi(sites, 'POST', `/api/lists/${list.id}/members`, { contactIds: [contact.id] });
    const message = await adminApi<{ id: string }>(sites, 'POST', '/api/messages', {
      name: 'May news',
      subject: 'May news for {{ contact.first_name }}',
      html: '<html><body><p>Hi {{ contact.first_name }},</p><p><a href="https://www.shop.test/may">The May sale</a></p><p><a id="fwd" href="{{ forward_url }}">Forward to a friend</a></p></body></html>',
    });
    await adminApi(sites, 'POST', '/api/sends', { messageId: message.id, listIds: [list.id] });
    const html = (await mailTo('fern@reader.test')).parsed.html as string;
    const href = /id="fwd" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toMatch(new RegExp(`^${sites.trackOrigin}/forward\\?token=`));

    const page = await browser();
    await page.setContent(html);
    await Promise.all([page.waitForURL(`${sites.trackOrigin}/forward?**`), page.click('#fwd')]);
    expect(await page.locator('h1').textContent()).toBe('Forward this email to a friend');
    expect(await page.getByText('“May news for Fern”').count()).toBe(1);
    // The honeypot is off the screen (people never see or fill it; bots fill every field).
    const honeypot = await page.locator('#hp-field').boundingBox();
    expect(honeypot!.x + honeypot!.width).toBeLessThan(0);

    const checked = await browser({ axe: true });
    await checked.goto(href!);
    await expectNoAxeViolations(checked);
    await screenshotPage(checked, 'forward-form', '');

    // Five addresses: over this forwarder's limit of four for the email. The page says so and keeps them.
    const five = ['ann', 'ben', 'cy', 'dee', 'eli'].map((name) => `${name}@friends.test`);
    for (const [i, email] of five.entries())
      await page.getByLabel(`Friend’s email address ${i + 1}`).fill(email);
    await page.getByRole('button', { name: 'Forward' }).click();
    expect(await page.getByRole('alert').textContent()).toBe(
      'You can forward this email to 4 more addresses.',
    );
    expect(await page.getByLabel('Friend’s email address 5').inputValue()).toBe('eli@friends.test');
    await checked.setContent(await page.content());
    await expectNoAxeViolations(checked);
    await screenshotPage(checked, 'forward-form-refused', '');

    await page.getByLabel('Friend’s email address 3').fill('');
    await page.getByLabel('Friend’s email address 4').fill('');
    await page.getByLabel('Friend’s email address 5').fill('');
    await page.getByRole('button', { name: 'Forward' }).click();
    expect(await page.locator('h1').textContent()).toBe('Thank you for forwarding');
    expect(await page.getByRole('status').textContent()).toBe(
      'We will send the email to the addresses you entered.',
    );
    await checked.setContent(await page.content());
    await expectNoAxeViolations(checked);
    await screenshotPage(checked, 'forward-thanks', '');

    for (const friend of ['ann@friends.test', 'ben@friends.test']) {
      const copy = await mailTo(friend);
      expect(copy.parsed.subject).toBe('May news for');
      const body = String(copy.parsed.html);
      expect(body).not.toContain('Fern');
      expect(body).not.toContain('/forward?token=');
      expect(body).toContain('/e/fc/');
    }
    expect(sink.receivedBy('cy@friends.test')).toEqual([]);
  }, 180_000);
});
