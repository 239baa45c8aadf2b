// The subscription center and double opt-in over HTTP on SQLite and PostgreSQL: the center a sent email's
// {{ subscription_center_url }} opens (GET renders only), saving choices and unsubscribing from all (each
// change a consent event, in history and export; unsubscribes counted once per message and recipient),
// bad links as pages; a form sign-up that waits for its confirmation, its email over real SMTP, the
// confirmation (POST only), a used and an expired link, and the expiry job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerToken, confirmToken } from '../src/email/subscription-center/center-links.ts';
import { deleteExpiredSignups } from '../src/lists/consent-store.ts';
import { SIGNUP_LIFETIME_MS } from '../src/lists/pending-signups.ts';
import { loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import { createSendFixture, pathOf, type SendFixture } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createList, createWebsite } from './support/factories.ts';

const SITE = 'https://www.shop.test';
const CENTER_HTML =
  '<html><body><p>Hi</p><p><a href="{{ subscription_center_url }}">Your lists</a></p></body></html>';

describeEachEngine('subscription center', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let sink: SmtpSink;
  let websiteId: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(database, {
      formRateLimit: 100_000,
      smtp: smtpConfigFor(sink, { pool: 1 }),
    });
    websiteId = await createWebsite(spoor, [SITE]);
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  const db = () => spoor.storage.db;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    spoor.app.inject({ method, url, headers: spoor.auth, ...(payload ? { payload } : {}) });
  const post = (url: string, fields: [string, string][]) =>
    spoor.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': CHROME_UA },
      payload: new URLSearchParams(fields).toString(),
    });
  const memberships = async (contactId: string) =>
    new Map(
      (
        await db()
          .selectFrom('list_members')
          .select(['list_id', 'status', 'source', 'unsubscribed_send_id'])
          .where('contact_id', '=', contactId)
          .execute()
      ).map((row) => [row.list_id, row]),
    );
  const consentEvents = (contactId: string) =>
    db()
      .selectFrom('consent_events')
      .selectAll()
      .where('contact_id', '=', contactId)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
  const uniqueUnsubscribes = async (sendId: string) =>
    Number(
      (
        await db()
          .selectFrom('send_counters')
          .select('value')
          .where('send_id', '=', sendId)
          .where('name', '=', 'unsubscribe')
          .executeTakeFirst()
      )?.value ?? 0,
    );

  /** A sent email carrying the center link; its first list made public, a second public list, a private one. */
  async function centerFixture() {
    const fixture = await createSendFixture(spoor, { html: CENTER_HTML, listCount: 2 });
    const [newsId, privateId] = fixture.listIds as [string, string];
    expect(
      (await api('PATCH', `/api/lists/${newsId}`, { public: true, publicName: 'Monthly news' })).statusCode,
    ).toBe(200);
    const offersId = await createList(spoor, 'Offers', {
      public: true,
      publicDescription: 'Deals, <b>twice</b> a month',
    });
    const contact = fixture.contacts[0]!;
    const href = /href="([^"]+)">Your lists/.exec(contact.html)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBeDefined();
    const token = new URL(href!).searchParams.get('token')!;
    return { fixture, contact, newsId, privateId, offersId, url: pathOf(href!), token };
  }

  describe('the center', () => {
    it("the email's link opens the public lists with the contact's status; a GET changes nothing", async () => {
      const { contact, url, newsId, privateId, offersId } = await centerFixture();
      expect(url).toMatch(/^\/subscriptions\?token=/);
      const before = await memberships(contact.id);
      for (const userAgent of [CHROME_UA, 'Mozilla/5.0 (compatible; Barracuda scanner)']) {
        const res = await spoor.app.inject({ method: 'GET', url, headers: { 'user-agent': userAgent } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['content-security-policy']).toContain("default-src 'none'");
        expect(res.body).toContain(contact.email);
        expect(res.body).toMatch(new RegExp(`value="${newsId}" checked`));
        expect(res.body).toContain('Monthly news');
        expect(res.body).toMatch(new RegExp(`value="${offersId}" aria`));
        // Escaped: the description is shown as text.
        expect(res.body).toContain('Deals, &lt;b&gt;twice&lt;/b&gt; a month');
        expect(res.body).not.toContain(privateId);
        expect(res.body).not.toContain('<script');
      }
      expect(await memberships(contact.id)).toEqual(before);
      expect(await consentEvents(contact.id)).toEqual([]);
    });

    it('saving choices joins and leaves lists, each a consent event naming the email and wording', async () => {
      const { fixture, contact, token, newsId, offersId, privateId } = await centerFixture();
      const res = await post('/subscriptions', [
        ['token', token],
        ['action', 'save'],
        ['shown', newsId],
        ['shown', offersId],
        ['list', offersId],
      ]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toContain('Your choices are saved.');
      expect(res.body).toMatch(new RegExp(`value="${offersId}" checked`));
      const after = await memberships(contact.id);
      expect(after.get(newsId)).toMatchObject({
        status: 'unsubscribed',
        unsubscribed_send_id: fixture.sendId,
      });
      expect(after.get(offersId)).toMatchObject({ status: 'subscribed', source: 'subscription_center' });
      expect(after.get(privateId)).toMatchObject({ status: 'subscribed' });
      const events = await consentEvents(contact.id);
      expect(
        events.map((e) => [e.list_id, e.before, e.after, e.source, e.send_id, e.wording_version]).sort(),
      ).toEqual(
        [
          [newsId, 'subscribed', 'unsubscribed', 'subscription_center', fixture.sendId, 'center-1'],
          [offersId, 'none', 'subscribed', 'subscription_center', fixture.sendId, 'center-1'],
        ].sort(),
      );
      expect(await uniqueUnsubscribes(fixture.sendId)).toBe(1);

      // Back on the news, off the offers: a second unsubscribe from the same email is not counted again.
      const again = await post('/subscriptions', [
        ['token', token],
        ['action', 'save'],
        ['shown', newsId],
        ['shown', offersId],
        ['list', newsId],
      ]);
      expect(again.statusCode).toBe(200);
      const third = await memberships(contact.id);
      expect(third.get(newsId)?.status).toBe('subscribed');
      expect(third.get(offersId)?.status).toBe('unsubscribed');
      expect(await uniqueUnsubscribes(fixture.sendId)).toBe(1);
      expect(await consentEvents(contact.id)).toHaveLength(4);

      // The same post once more changes nothing and says so.
      const same = await post('/subscriptions', [
        ['token', token],
        ['action', 'save'],
        ['shown', newsId],
        ['shown', offersId],
        ['list', newsId],
      ]);
      expect(same.body).toContain('Nothing changed');
      expect(await consentEvents(contact.id)).toHaveLength(4);
    });

    it('unsubscribe from all leaves every list, public or not; history and export show the consent events', async () => {
      const { fixture, contact, token, newsId, privateId } = await centerFixture();
      const res = await post('/subscriptions', [
        ['token', token],
        ['action', 'unsubscribe_all'],
      ]);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('You are unsubscribed from all our lists.');
      const after = await memberships(contact.id);
      expect([...after.values()].every((m) => m.status === 'unsubscribed')).toBe(true);
      expect(after.get(privateId)?.unsubscribed_send_id).toBe(fixture.sendId);
      expect(await uniqueUnsubscribes(fixture.sendId)).toBe(1);

      const history = (await api('GET', `/api/contacts/${contact.id}/history`)).json() as {
        items: {
          type: string;
          kind?: string;
          subjects?: Record<string, { id: string }>;
          attributes?: object;
        }[];
      };
      const consent = history.items.filter((i) => i.type === 'consent');
      expect(consent).toHaveLength(2);
      expect(consent.map((i) => i.kind)).toEqual(['list_unsubscribed', 'list_unsubscribed']);
      expect(consent.map((i) => i.subjects?.['list']?.id).sort()).toEqual([newsId, privateId].sort());
      expect(consent[0]?.subjects?.['send']?.id).toBe(fixture.sendId);
      expect(consent[0]?.attributes).toMatchObject({
        before: 'subscribed',
        after: 'unsubscribed',
        source: 'subscription_center',
        wordingVersion: 'center-1',
      });

      const exported = (await api('GET', `/api/contacts/${contact.id}/export`)).json();
      const text = JSON.stringify(exported);
      expect(text).toContain('"consentEvents"');
      expect(text).toContain('subscription_center');
    });

    it('the one-click unsubscribe link records its consent events too', async () => {
      const fixture = await createSendFixture(spoor, { listCount: 1 });
      const contact = fixture.contacts[0]!;
      const res = await spoor.app.inject({
        method: 'POST',
        url: pathOf(contact.urls.unsubscribe),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(res.statusCode).toBe(200);
      const events = await consentEvents(contact.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        source: 'unsubscribe_link',
        send_id: fixture.sendId,
        after: 'unsubscribed',
      });
    });

    it('a list not shown on the page, and an id the page never offered, are left alone', async () => {
      const { contact, token, newsId, privateId } = await centerFixture();
      const res = await post('/subscriptions', [
        ['token', token],
        ['action', 'save'],
        ['list', privateId],
      ]);
      expect(res.statusCode).toBe(200);
      const after = await memberships(contact.id);
      expect(after.get(newsId)?.status).toBe('subscribed');
      expect(after.get(privateId)?.status).toBe('subscribed');
      expect(await consentEvents(contact.id)).toEqual([]);
    });
  });

  describe('bad links and bad posts', () => {
    let fixture: SendFixture;
    let token: string;
    beforeAll(async () => {
      const made = await centerFixture();
      fixture = made.fixture;
      token = made.token;
    });

    const get = (query: string) => spoor.app.inject({ method: 'GET', url: `/subscriptions${query}` });

    it('garbled, forged, truncated, missing and other-purpose tokens are a 404 page; an old one a 410', async () => {
      const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
      const otherPurpose = confirmToken(fixture.secrets.seal, fixture.sendId);
      for (const query of [
        '',
        '?token=',
        '?token=%%%',
        `?token=${forged}`,
        `?token=${token.slice(0, 20)}`,
        `?token=${otherPurpose}`,
      ]) {
        const res = await get(query);
        expect(res.statusCode, query).toBe(404);
        expect(res.headers['content-type']).toContain('text/html');
        expect(res.body).toContain('This link is not valid');
      }
      const old = centerToken(
        fixture.secrets.seal,
        fixture.sendId,
        fixture.contacts[0]!.id,
        Date.now() - 91 * 86_400_000,
      );
      const expired = await get(`?token=${old}`);
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain('This link has expired');
      const expiredPost = await post('/subscriptions', [
        ['token', old],
        ['action', 'unsubscribe_all'],
      ]);
      expect(expiredPost.statusCode).toBe(410);
      expect((await memberships(fixture.contacts[0]!.id)).get(fixture.listIds[0]!)?.status).toBe(
        'subscribed',
      );
    });

    it('a post without its token, with an unknown action or as JSON is a 400 page, and changes nothing', async () => {
      const contactId = fixture.contacts[0]!.id;
      for (const fields of [
        [['action', 'unsubscribe_all']],
        [
          ['token', token],
          ['action', 'delete_everything'],
        ],
      ] as [string, string][][]) {
        const res = await post('/subscriptions', fields);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toContain('text/html');
      }
      const json = await spoor.app.inject({
        method: 'POST',
        url: '/subscriptions',
        headers: { 'content-type': 'application/json' },
        payload: { token, action: 'unsubscribe_all' },
      });
      expect(json.statusCode).toBe(400);
      expect(json.headers['content-type']).toContain('text/html');
      expect([...(await memberships(contactId)).values()].every((m) => m.status === 'subscribed')).toBe(true);
    });

    it('a link of an erased contact says there is nothing for it', async () => {
      const { contact, url } = await centerFixture();
      expect((await api('DELETE', `/api/contacts/${contact.id}`)).statusCode).toBe(200);
      const res = await spoor.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('nothing for this link');
    });
  });

  describe('double opt-in', () => {
    async function doubleOptInForm(
      listOptions: { doubleOptIn?: boolean } = { doubleOptIn: true },
      form = {},
    ) {
      const listId = await createList(spoor, 'Weekly tips', {
        ...listOptions,
        publicName: 'Tips every Friday',
      });
      const res = await api('POST', '/api/forms', {
        name: 'Sign up',
        websiteId,
        fields: [
          { key: 'email', type: 'email', label: 'Email', required: true },
          { key: 'firstName', type: 'text', label: 'First name' },
        ],
        lists: [{ listId }],
        ...form,
      });
      expect(res.statusCode, res.body).toBe(201);
      return { formId: res.json().id as string, listId };
    }
    const submit = (formId: string, fields: Record<string, unknown>) =>
      spoor.app.inject({
        method: 'POST',
        url: `/f/${formId}`,
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME_UA, origin: SITE },
        payload: JSON.stringify(fields),
      });
    const contactsByEmail = (email: string) =>
      db().selectFrom('contacts').selectAll().where('email_match', '=', email).execute();
    async function confirmationLink(email: string): Promise<string> {
      await spoor.runDueJobs();
      await sink.waitForMessages(sink.messages.length);
      const mail = sink.receivedBy(email).at(-1);
      expect(mail, `a confirmation email to ${email}`).toBeDefined();
      const link = /https?:\/\/\S+\/subscriptions\/confirm\?token=[A-Za-z0-9._%-]+/.exec(
        mail!.parsed.text ?? '',
      )?.[0];
      expect(link).toBeDefined();
      return link!;
    }

    it('a sign-up waits without a contact; the emailed link shows a button; confirming makes the contact on the list', async () => {
      const { formId, listId } = await doubleOptInForm();
      const email = `tips-${engine}@reader.test`;
      const submitted = await submit(formId, { email, firstName: 'Tia' });
      expect(submitted.statusCode, submitted.body).toBe(200);
      expect(await contactsByEmail(email)).toEqual([]);
      expect(
        await db().selectFrom('pending_signups').selectAll().where('email', '=', email).execute(),
      ).toHaveLength(1);

      const link = await confirmationLink(email);
      const mail = sink.receivedBy(email).at(-1)!;
      expect(mail.parsed.subject).toBe('Please confirm your subscription');
      expect(mail.parsed.text).toContain('Tips every Friday');

      // Opening the link (a person or a scanner) confirms nothing.
      const page = await spoor.app.inject({ method: 'GET', url: pathOf(link) });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Confirm my subscription');
      expect(page.body).toContain(email);
      expect(await contactsByEmail(email)).toEqual([]);

      const token = new URL(link).searchParams.get('token')!;
      const confirmed = await post('/subscriptions/confirm', [['token', token]]);
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expect(confirmed.body).toContain('Your subscription is confirmed');
      const [contact] = await contactsByEmail(email);
      expect(contact).toMatchObject({ first_name: 'Tia' });
      expect((await memberships(contact!.id)).get(listId)).toMatchObject({
        status: 'subscribed',
        source: 'form',
      });
      const [event] = await consentEvents(contact!.id);
      expect(event).toMatchObject({
        list_id: listId,
        before: 'none',
        after: 'subscribed',
        source: 'double_opt_in',
        wording_version: 'confirmation-1',
      });
      const evidence = JSON.parse(event!.evidence!);
      expect(evidence).toMatchObject({ formId });
      expect(Date.parse(evidence.submittedAt)).toBeLessThanOrEqual(Date.parse(evidence.confirmedAt));
      expect(evidence.confirmationSentAt).not.toBeNull();
      // The submission is now the contact's, in their history.
      const history = (await api('GET', `/api/contacts/${contact!.id}/history`)).json() as {
        items: { type: string }[];
      };
      expect(history.items.map((i) => i.type).sort()).toEqual(['consent', 'form_submission']);
      expect(
        await db().selectFrom('pending_signups').selectAll().where('email', '=', email).execute(),
      ).toEqual([]);

      // Used: a second post (or a GET) says so, and changes nothing.
      const twice = await post('/subscriptions/confirm', [['token', token]]);
      expect(twice.statusCode).toBe(404);
      expect(twice.body).toContain('already used');
      expect((await spoor.app.inject({ method: 'GET', url: pathOf(link) })).statusCode).toBe(404);
      expect(await consentEvents(contact!.id)).toHaveLength(1);
    });

    it('a form can ask for confirmation itself; a list without it subscribes at once', async () => {
      const plain = await doubleOptInForm({});
      const email = `plain-${engine}@reader.test`;
      expect((await submit(plain.formId, { email })).statusCode).toBe(200);
      const [contact] = await contactsByEmail(email);
      expect((await memberships(contact!.id)).get(plain.listId)?.status).toBe('subscribed');
      expect((await consentEvents(contact!.id))[0]).toMatchObject({ source: 'form', before: 'none' });

      const asking = await doubleOptInForm({}, { doubleOptIn: true });
      const waiting = `asking-${engine}@reader.test`;
      expect((await submit(asking.formId, { email: waiting })).statusCode).toBe(200);
      expect(await contactsByEmail(waiting)).toEqual([]);
      expect(await confirmationLink(waiting)).toContain('/subscriptions/confirm?token=');
    });

    it('a link past its 30 days is a 410 page; the expiry job deletes the sign-up', async () => {
      const { formId } = await doubleOptInForm();
      const email = `late-${engine}@reader.test`;
      expect((await submit(formId, { email })).statusCode).toBe(200);
      const link = await confirmationLink(email);
      const token = new URL(link).searchParams.get('token')!;
      // The sign-up outlived its time (the job has not run yet): the link is refused all the same.
      await db()
        .updateTable('pending_signups')
        .set({ expires_at: Date.now() - 1 })
        .where('email', '=', email)
        .execute();
      const page = await spoor.app.inject({ method: 'GET', url: pathOf(link) });
      expect(page.statusCode).toBe(410);
      expect(page.body).toContain('This confirmation link has expired');
      expect((await post('/subscriptions/confirm', [['token', token]])).statusCode).toBe(410);
      expect(await contactsByEmail(email)).toEqual([]);

      expect(await deleteExpiredSignups(db(), Date.now())).toBeGreaterThanOrEqual(1);
      expect(
        await db().selectFrom('pending_signups').selectAll().where('email', '=', email).execute(),
      ).toEqual([]);
      expect((await post('/subscriptions/confirm', [['token', token]])).statusCode).toBe(404);

      // A token sealed more than 30 days ago is expired by its own seal.
      const { seal } = await loadInstallSecrets(db(), spoor.config.tokenKeys);
      const sealedLongAgo = confirmToken(seal, 'anything', Date.now() - SIGNUP_LIFETIME_MS - 1);
      expect(
        (await spoor.app.inject({ method: 'GET', url: `/subscriptions/confirm?token=${sealedLongAgo}` }))
          .statusCode,
      ).toBe(410);
    });

    it('a form asking for confirmation needs an email field', async () => {
      const res = await api('POST', '/api/forms', {
        name: 'Names only',
        fields: [{ key: 'firstName', type: 'text', label: 'First name', required: true }],
        doubleOptIn: true,
      });
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain('Double opt-in confirms by email');
    });

    it('a forged confirmation token is a 404 page', async () => {
      for (const token of ['', 'x', 'abc.def', 'A'.repeat(500)]) {
        const res = await spoor.app.inject({ method: 'GET', url: `/subscriptions/confirm?token=${token}` });
        expect([400, 404], token).toContain(res.statusCode);
        expect(res.headers['content-type']).toContain('text/html');
      }
      expect((await post('/subscriptions/confirm', [['token', 'abc.def']])).statusCode).toBe(404);
    });
  });
});
