// Issue 18's journey, in Chromium and through the API, on each engine: a published scoring model and a
// webhook endpoint (the test's real HTTPS receiver, verifying with `standardwebhooks`); one browser visits
// the shop's pricing page anonymously, then submits the form on the shop (the browser is identified and its
// earlier visit joins the contact), clicks the link of a real email (through the loopback SMTP sink) to
// Spoor's event page and registers there. The score then equals the sum of the four rules, explained rule
// by rule in the API and on the dashboard's contact page, and the receiver got exactly one signed
// `contact.sales_ready` for the contact, naming the model and the score: the threshold is crossed only by
// the registration.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  chromiumPath,
  formEmbed,
  openBrowser,
  pageHtml,
  startSites,
  storedPageviews,
  storedVisits,
  type TestBrowser,
  type TestSites,
  uniquePath,
  waitFor,
} from '../helpers/browser.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { makeTestCa } from '../helpers/test-ca.ts';
import {
  bodyOf,
  egressToReceiver,
  type Received,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.ts';
import { createUser } from '../support/accounts.ts';
import { signInThroughForm, TEST_PASSWORD } from '../support/dashboard.ts';

interface ScoreJson {
  modelId: string;
  score: number;
  grade: string;
  salesReady: boolean;
  explanation: { text: string; expiredPoints: number };
}

/** Generous: on a loaded machine a score follows its interaction within the consumer's next passes. */
const SLOW = { timeoutMs: 60_000, intervalMs: 100 };

describe.skipIf(!chromiumPath)('scoring journey', () => {
  describeEachEngine('scoring journey', (engine) => {
    const ca = makeTestCa();
    let database: TestDatabase;
    let sink: SmtpSink;
    let receiver: WebhookReceiver;
    let sites: TestSites;
    let browsers: TestBrowser[] = [];

    beforeAll(async () => {
      receiver = await startWebhookReceiver(ca);
      database = await createTestDatabase(engine);
      sink = await startSmtpSink();
      sites = await startSites(
        database,
        {
          sendPollMs: 50,
          smtp: smtpConfigFor(sink, { pool: 1 }),
          formRateLimit: 100_000,
          scoringIntervalMs: 100,
          webhooks: { pollMs: 50, timeoutMs: 5_000, concurrency: 4, egress: egressToReceiver(ca) },
        },
        { workers: true },
      );
    }, 60_000);
    afterEach(async () => {
      await Promise.all(browsers.map((b) => b.close()));
      browsers = [];
    });
    afterAll(async () => {
      await sites?.close();
      await sink?.close();
      await receiver?.close();
      await database?.drop();
    });

    async function browser(options: Parameters<typeof openBrowser>[1] = {}) {
      const opened = await openBrowser(sites, options);
      browsers.push(opened);
      return opened;
    }
    const api = <T>(method: string, url: string, payload?: unknown) =>
      adminApi<T>(sites, method, url, payload);

    it('visits → form → email click → event registration: the score, its explanation and one sales-ready webhook', {
      timeout: 240_000,
    }, async () => {
      const site = await sites.registerWebsite({ name: 'Shop' });
      const path = uniquePath('scoring');
      const form = await api<{ id: string }>('POST', '/api/forms', {
        name: 'Ask for a demo',
        websiteId: site.id,
        fields: [
          { key: 'email', type: 'email', label: 'Email', required: true },
          { key: 'firstName', type: 'text', label: 'First name' },
        ],
        submitLabel: 'Ask for a demo',
        afterSubmit: { kind: 'message', text: 'Thanks, we will be in touch.' },
      });
      const snippet = site.snippets.thirdParty;
      sites.setPage(`${path}/pricing`, pageHtml({ title: 'Pricing', snippet }));
      sites.setPage(`${path}/features`, pageHtml({ title: 'Features', snippet }));
      sites.setPage(
        `${path}/demo`,
        pageHtml({ title: 'Ask for a demo', body: formEmbed(sites, form.id), snippet }),
      );
      const event = await api<{ id: string; slug: string }>('POST', '/api/events', {
        name: { en: 'Product day' },
        description: { en: 'What is new, shown by the people who built it.' },
        timeZone: 'Europe/Amsterdam',
        start: '2027-09-14T09:00',
        end: '2027-09-14T17:00',
        venue: 'Zuiderkerk, Amsterdam',
        languages: ['en'],
        capacity: 100,
      });
      await api('POST', `/api/events/${event.id}/publish`);
      const eventPage = `${sites.trackOrigin}/events/${event.slug}`;

      // The model: four engagement rules; only all four together reach the sales-ready threshold.
      const rules = [
        {
          id: 'pricing',
          name: 'Pricing page visit',
          condition: { type: 'page_visit', urlPattern: `${path}/pricing*` },
          points: 10,
          frequency: 'each',
        },
        {
          id: 'demo-form',
          name: 'Demo form',
          condition: { type: 'form_submitted', formId: form.id },
          points: 15,
          frequency: 'first',
        },
        {
          id: 'email-click',
          name: 'Email click',
          condition: { type: 'email_clicked', linkPattern: `*/events/${event.slug}*` },
          points: 20,
          frequency: 'each',
        },
        {
          id: 'product-day',
          name: 'Product day registration',
          condition: { type: 'event_registered', eventId: event.id },
          points: 25,
          frequency: 'first',
        },
      ];
      const total = rules.reduce((sum, rule) => sum + rule.points, 0);
      const model = await api<{ id: string }>('POST', '/api/scoring/models', {
        name: 'Product line A',
        model: {
          rules,
          decay: { type: 'none' },
          grades: [
            { name: 'A', min: 60 },
            { name: 'B', min: 30 },
            { name: 'C', min: 0 },
          ],
          salesReadyThreshold: 60,
        },
      });
      await api('POST', `/api/scoring/models/${model.id}/publish`);
      await waitFor(
        'the model to be published',
        async () =>
          (await api<{ published: { number: number } | null }>('GET', `/api/scoring/models/${model.id}`))
            .published?.number === 1,
        SLOW,
      );

      // The CRM's endpoint: score changes and sales-ready contacts, to the test's HTTPS receiver.
      const endpoint = await api<{ secret: string }>('POST', '/api/webhooks', {
        url: receiver.url,
        eventTypes: ['contact.sales_ready', 'score.changed'],
        description: 'CRM',
      });
      receiver.secrets = [endpoint.secret];

      const scoreOf = async (contactId: string) =>
        (await api<{ scores: ScoreJson[] }>('GET', `/api/contacts/${contactId}/scores`)).scores.find(
          (s) => s.modelId === model.id,
        );
      // Fails naming the score it last saw and its explanation.
      const scoreReaches = (contactId: string, points: number) =>
        waitFor(
          `the score to reach ${points}`,
          async () => {
            const seen = await scoreOf(contactId);
            if (seen?.score === points) return seen;
            throw new Error(seen ? `the score is ${seen.explanation.text}` : 'no score yet');
          },
          SLOW,
        );

      // Anonymous visits: the pricing page (the visit's entry), then the features, then the demo form.
      const visitor = await browser({ thirdPartyCookies: true });
      const { page } = visitor;
      await page.goto(`${sites.shopOrigin}${path}/pricing`);
      await page.getByRole('heading', { name: 'Pricing' }).waitFor();
      await page.goto(`${sites.shopOrigin}${path}/features`);
      await page.getByRole('heading', { name: 'Features' }).waitFor();
      await page.goto(`${sites.shopOrigin}${path}/demo`);
      await page.locator('[data-spoor-state=ready] form').waitFor();
      await waitFor(
        'the three anonymous page views',
        async () => (await storedPageviews(sites, site.id)).length === 3,
        SLOW,
      );
      const anonymous = await storedVisits(sites, site.id);
      expect(anonymous.map((v) => [v.entry_path, v.contact_id])).toEqual([[`${path}/pricing`, null]]);

      // The form identifies the browser: the earlier visit (entered on /pricing) joins the new contact.
      const email = `ada-${engine}@scoring-journey.example`;
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('First name').fill('Ada');
      await page.getByRole('button', { name: 'Ask for a demo' }).click();
      await page.locator('[data-spoor-state=sent] [role=status]').getByText('Thanks').waitFor();
      const { contacts } = await api<{ contacts: { id: string; email: string }[] }>(
        'GET',
        `/api/contacts?q=${encodeURIComponent(email)}`,
      );
      const contactId = contacts.find((c) => c.email === email)!.id;
      await scoreReaches(contactId, 10 + 15);

      // A real send to her (she agreed to email tracking), through the SMTP sink.
      await api('PATCH', `/api/contacts/${contactId}`, { emailTracking: true });
      const list = await api<{ id: string }>('POST', '/api/lists', { name: 'Product day invitations' });
      await api('POST', `/api/lists/${list.id}/members`, { contactIds: [contactId] });
      const message = await api<{ id: string }>('POST', '/api/messages', {
        name: 'Product day invitation',
        subject: 'Come to Product day',
        html: `<p>Hi {{ contact.first_name }}</p><p><a id="invite" href="${eventPage}">See the programme</a></p>`,
      });
      const send = await api<{ id: string }>('POST', '/api/sends', {
        messageId: message.id,
        listIds: [list.id],
      });
      const mail = await waitFor('the invitation in the sink', () => sink.receivedBy(email)[0], SLOW);
      await waitFor(
        'the send to be recorded as done',
        async () => (await api<{ status: string }>('GET', `/api/sends/${send.id}`)).status === 'done',
        SLOW,
      );
      // A person reads later than a gateway scans on delivery: move the delivery back.
      await sites.spoor.storage.db
        .updateTable('send_recipients')
        .set({ sent_at: Date.now() - 600_000 })
        .where('send_id', '=', send.id)
        .execute();

      // She reads it in the same browser and follows the link: Spoor's redirect to its event page.
      await page.setContent(String(mail.parsed.html));
      await Promise.all([page.waitForURL(eventPage), page.click('#invite')]);
      await page.getByRole('heading', { name: 'Product day', level: 1 }).waitFor();
      await scoreReaches(contactId, 10 + 15 + 20);
      expect(await scoreOf(contactId)).toMatchObject({ salesReady: false, grade: 'B' });

      // She registers on the event page: the threshold is crossed now.
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill('Lovelace');
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Register' }).click();
      await page.getByRole('heading', { name: 'You are registered' }).waitFor();
      await scoreReaches(contactId, total);

      const score = (await scoreOf(contactId))!;
      expect(score).toMatchObject({ score: total, grade: 'A', salesReady: true });
      expect(score.explanation.text.startsWith(`${total} = `)).toBe(true);
      for (const rule of rules) expect(score.explanation.text).toContain(`${rule.name} ${rule.points}`);
      expect(score.explanation.expiredPoints).toBe(0);

      // The receiver: score changes up to the total, and exactly one sales-ready, signed and verified.
      const about = (type: string) =>
        receiver.processed.filter(
          (r: Received) => bodyOf(r).type === type && bodyOf(r).data['contactId'] === contactId,
        );
      const attributesOf = (r: Received) => bodyOf(r).data['attributes'] as Record<string, unknown>;
      await waitFor(
        'the score change to the total and the sales-ready webhook',
        () =>
          about('contact.sales_ready').length > 0 &&
          about('score.changed').some((r) => attributesOf(r)['score'] === total),
        SLOW,
      );
      const salesReady = about('contact.sales_ready');
      expect(salesReady).toHaveLength(1);
      expect(salesReady[0]!.verifiedBy).toEqual([0]);
      expect(attributesOf(salesReady[0]!)).toMatchObject({
        modelId: model.id,
        modelName: 'Product line A',
        score: total,
        previousScore: 10 + 15 + 20,
        grade: 'A',
        salesReady: true,
      });
      const changes = about('score.changed');
      for (const r of changes) expect(r.verifiedBy).toEqual([0]);
      // Each change starts where the one before ended (in order per contact), from nothing to the total.
      const steps = changes.map((r) => [attributesOf(r)['previousScore'], attributesOf(r)['score']]);
      expect(steps[0]![0]).toBe(0);
      expect(steps.at(-1)![1]).toBe(total);
      for (let i = 1; i < steps.length; i++) expect(steps[i]![0]).toBe(steps[i - 1]![1]);

      // The dashboard's contact page explains the score the same way and says "Sales-ready".
      const marketer = `marketer-${engine}@scoring-journey.example`;
      await createUser(sites.spoor.storage.db, {
        email: marketer,
        password: TEST_PASSWORD,
        role: 'marketer',
      });
      const dashboard = await browser();
      await signInThroughForm(dashboard.page, sites.trackOrigin, marketer, TEST_PASSWORD);
      await dashboard.page.goto(`${sites.trackOrigin}/app/contacts/${contactId}`);
      const panel = dashboard.page.getByRole('region', { name: 'Lead scores' });
      await panel.getByText(score.explanation.text).waitFor();
      await panel.getByText('Sales-ready', { exact: true }).waitFor();
      await panel.getByText('Grade A').waitFor();
    });
  });
});
