// The webhooks pages in a real Chromium: an administrator adds an endpoint (a real HTTPS receiver in the
// test) and copies its secret, shown once; contacts' changes are delivered and verified with
// `standardwebhooks`; the endpoint page shows its health, the delivery log with a delivery's attempts, and
// replays one. A receiver answering 410 shows the endpoint disabled on the list. Screenshots, axe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInteractionFeed } from '../../src/interaction-feed.ts';
import { consumeFeed } from '../../src/platform/interactions/feed-consumer.ts';
import { deliverDue } from '../../src/webhooks/deliver.ts';
import { webhookFeedConsumer } from '../../src/webhooks/feed-to-deliveries.ts';
import { chromiumPath } from '../helpers/browser.ts';
import { makeTestCa, type TestCa } from '../helpers/test-ca.ts';
import { egressToReceiver, startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';
import { waitFor } from '../support/wait-for.ts';

describe.skipIf(!chromiumPath)('dashboard: webhooks', () => {
  const ca: TestCa = makeTestCa();
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(ca);
  });
  afterAll(async () => receiver?.close());
  const suite = setUpDashboardSuite('sqlite', () => ({
    webhooks: {
      pollMs: 60_000,
      timeoutMs: 2_000,
      concurrency: 4,
      egress: egressToReceiver(ca),
    },
  }));
  const app = (route: string) => `${suite.server.origin}/app${route}`;
  const feed = createInteractionFeed();

  /** The outbox read and one sending pass (the jobs' poll is long in this suite: the test drives them). */
  async function pump() {
    const { spoor } = suite.server;
    await consumeFeed(spoor.storage.db, feed, webhookFeedConsumer());
    await deliverDue({ db: spoor.storage.db, config: spoor.config.webhooks });
  }

  it('adds an endpoint, shows its secret once, and its deliveries with attempts and replay', {
    timeout: 120_000,
  }, async () => {
    const { page } = await suite.signIn('administrator');
    await page.goto(app('/settings'));
    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('No endpoints yet.').waitFor();

    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('CRM');
    await page.getByLabel('contact.created').check();
    await page.getByLabel('contact.updated').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByTestId('new-webhook-secret').textContent();
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets = [String(secret)];
    await screenshotPage(page, 'settings-webhooks-created');
    await expectNoSeriousAxeViolations(page);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('new-webhook-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(String(secret));

    // A refused URL says why.
    await page.getByLabel('URL').fill('https://169.254.169.254/latest');
    await page.getByLabel('contact.created').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText(/169\.254\.169\.254 is a private/).waitFor();

    const { spoor } = suite.server;
    const created = await spoor.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: spoor.auth,
      payload: { email: 'lin@example.com' },
    });
    const contactId = created.json().id as string;
    await spoor.app.inject({
      method: 'PATCH',
      url: `/api/contacts/${contactId}`,
      headers: spoor.auth,
      payload: { company: 'Acme' },
    });
    receiver.mode = { kind: 'status', status: 500 };
    await waitFor('the first attempt', async () => {
      await pump();
      return receiver.requests.length > 0;
    });
    receiver.mode = { kind: 'ok' };

    await page.getByRole('link', { name: 'CRM' }).click();
    await page.getByRole('heading', { name: 'CRM', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Deliveries, newest first' }).waitFor();
    const attempts = page.getByRole('button', { name: /attempts of msg_/ });
    await attempts.first().waitFor();
    await attempts.last().click();
    await page.getByText('answered 500').first().waitFor();
    await screenshotPage(page, 'settings-webhook-endpoint');
    await expectNoSeriousAxeViolations(page);
    // A delivery id is 22 random characters: one without a hyphen to break at must wrap too (CI once saw
    // the page 29 px wider than a 390 px screen).
    await page.setViewportSize({ width: 390, height: 844 });
    const heading = page.getByRole('heading', { name: /^Attempts of msg_/ });
    await heading.evaluate((h) => {
      h.textContent = `Attempts of msg_${'W'.repeat(22)}`;
    });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page
      .getByRole('button', { name: /^Replay msg_/ })
      .last()
      .click();
    await page.getByText(/will be sent again/).waitFor();
    await waitFor('the deliveries after the replay', async () => {
      await pump();
      return receiver.processed.length >= 2;
    });
    expect(receiver.processed.every((r) => r.verifiedBy.length === 1)).toBe(true);

    await page.getByRole('button', { name: 'Send a test' }).click();
    await page.getByText(/Test delivered: 200/).waitFor();
  });

  it('shows an endpoint disabled by 410 Gone on the list, with the reason', {
    timeout: 120_000,
  }, async () => {
    const { page } = await suite.signIn('administrator');
    const { spoor } = suite.server;
    const endpoint = await spoor.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: spoor.auth,
      payload: { url: receiver.url, description: 'Old CRM', eventTypes: ['contact.created'] },
    });
    expect(endpoint.statusCode).toBe(201);
    receiver.mode = { kind: 'status', status: 410 };
    await spoor.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: spoor.auth,
      payload: { email: 'gone@example.com' },
    });
    await waitFor('the endpoint disabled', async () => {
      await pump();
      const read = await spoor.app.inject({
        url: `/api/webhooks/${endpoint.json().endpoint.id}`,
        headers: spoor.auth,
      });
      return read.json().state === 'disabled';
    });
    receiver.mode = { kind: 'ok' };
    await page.goto(app('/settings/webhooks'));
    await page.getByRole('alert').filter({ hasText: 'Old CRM is disabled' }).waitFor();
    await screenshotPage(page, 'settings-webhooks');
    await expectNoSeriousAxeViolations(page);
  });

  it('is for administrators only', { timeout: 60_000 }, async () => {
    const { page } = await suite.signIn('marketer');
    await page.goto(app('/settings'));
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/webhooks')).status);
    expect(status).toBe(403);
  });
});
