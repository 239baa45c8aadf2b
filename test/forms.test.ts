// Forms end to end over HTTP on SQLite and PostgreSQL: definitions, submissions, duplicate detection,
// identity, merges, consent, prefill, hosted pages and bad input.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryPendingSubmissions } from '../src/forms/retry-submissions.ts';
import { newId } from '../src/lib/ids.ts';
import { unsubscribeFromLists } from '../src/lists/store.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createList, createWebsite } from './support/factories.ts';

const SITE = 'https://www.shop.test';

describeEachEngine('forms', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let websiteId: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
    websiteId = await createWebsite(spoor, [SITE]);
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const db = () => spoor.storage.db;
  let slugCounter = 0;

  async function defineForm(overrides: Record<string, unknown> = {}) {
    slugCounter += 1;
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/api/forms',
      headers: spoor.auth,
      payload: {
        name: 'Contact us',
        websiteId,
        fields: [
          { key: 'email', type: 'email', label: 'Email', required: true, prefill: true },
          { key: 'firstName', type: 'text', label: 'First name', prefill: true },
          { key: 'lastName', type: 'text', label: 'Last name' },
          { key: 'company', type: 'text', label: 'Company' },
          { key: 'consent_news', type: 'consent', label: 'Send me news' },
        ],
        page: {
          slug: `contact-${engine}-${slugCounter}`,
          title: 'Talk to us',
          intro: 'We answer within a day.',
        },
        ...overrides,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; definition: { page: { slug: string } } };
  }

  async function submit(
    formId: string,
    fields: Record<string, unknown>,
    options: { cookie?: string; origin?: string | null } = {},
  ) {
    const origin = options.origin === undefined ? SITE : options.origin;
    return spoor.app.inject({
      method: 'POST',
      url: `/f/${formId}`,
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        'user-agent': CHROME_UA,
        ...(origin ? { origin } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      payload: JSON.stringify(fields),
    });
  }

  async function pageview(cookie?: string) {
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: {
        'content-type': 'text/plain',
        origin: SITE,
        'user-agent': CHROME_UA,
        ...(cookie ? { cookie } : {}),
      },
      payload: JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${SITE}/` }),
    });
    return res.json() as { v: string; s: string };
  }

  const contactsByEmail = (email: string) =>
    db().selectFrom('contacts').selectAll().where('email_match', '=', email.toLowerCase()).execute();
  const submissionsOf = (formId: string) =>
    db().selectFrom('form_submissions').selectAll().where('form_id', '=', formId).execute();

  describe('duplicate detection', () => {
    it('email rule: the same address in another case updates the contact', async () => {
      const form = await defineForm();
      const first = await submit(form.id, { email: 'ada@example.com', firstName: 'Ada' });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ ok: true, message: 'Thank you!' });
      await submit(form.id, { email: '  ADA@Example.com ', lastName: 'Lovelace' });
      const contacts = await contactsByEmail('ada@example.com');
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatchObject({
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ADA@example.com',
      });
      const subs = await submissionsOf(form.id);
      expect(subs.map((s) => [s.status, s.outcome])).toEqual(
        expect.arrayContaining([
          ['processed', 'created'],
          ['processed', 'updated'],
        ]),
      );
    });

    it('name + email + company rule: another company is another contact', async () => {
      const form = await defineForm({ matchRule: 'name-email-company' });
      const person = { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', company: 'Navy' };
      await submit(form.id, person);
      await submit(form.id, { ...person, firstName: ' grace ', company: 'NAVY' });
      expect(await contactsByEmail('grace@example.com')).toHaveLength(1);
      await submit(form.id, { ...person, company: 'Remington Rand' });
      expect(await contactsByEmail('grace@example.com')).toHaveLength(2);
    });

    it('"always create" makes a new contact for every submission', async () => {
      const form = await defineForm({ onMatch: 'create' });
      await submit(form.id, { email: 'twice@example.com' });
      await submit(form.id, { email: 'twice@example.com' });
      expect(await contactsByEmail('twice@example.com')).toHaveLength(2);
    });

    it('a submission that proves two contacts are one person merges them into the older, with an audit record', async () => {
      const always = await defineForm({ onMatch: 'create' });
      await submit(always.id, { email: 'dup@example.com', firstName: 'Old' });
      await submit(always.id, { email: 'dup@example.com', company: 'Newer Co' });
      const [older, newer] = await contactsByEmail('dup@example.com');
      const byEmail = await defineForm();
      await submit(byEmail.id, { email: 'dup@example.com', lastName: 'Merged' });
      const after = await contactsByEmail('dup@example.com');
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({
        id: older!.id,
        first_name: 'Old',
        last_name: 'Merged',
        company: 'Newer Co',
      });
      const audit = await db()
        .selectFrom('contact_merges')
        .selectAll()
        .where('loser_id', '=', newer!.id)
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ winner_id: older!.id, reason: 'duplicate-detection' });
      expect(JSON.parse(audit[0]!.loser_snapshot).company).toBe('Newer Co');
      // Submissions that named the merged-away contact now name the survivor.
      const subs = await db()
        .selectFrom('form_submissions')
        .select('contact_id')
        .where('form_id', '=', always.id)
        .execute();
      expect(subs.map((s) => s.contact_id)).toEqual([older!.id, older!.id]);
    });

    it('a merge keeps every "no": unsubscribes, do-not-email and a tracking refusal survive on the winner', async () => {
      const always = await defineForm({ onMatch: 'create' });
      await submit(always.id, { email: 'choices@example.com', firstName: 'Old' });
      await submit(always.id, { email: 'choices@example.com', firstName: 'New' });
      const [older, newer] = await contactsByEmail('choices@example.com');
      const now = Date.now();
      const listOnlyOld = newId();
      const listBoth = newId();
      const listOnlyNew = newId();
      await db()
        .insertInto('lists')
        .values(
          [listOnlyOld, listBoth, listOnlyNew].map((id) => ({
            id,
            name: id,
            description: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      const member = (list_id: string, contact_id: string, status: 'subscribed' | 'unsubscribed') => ({
        list_id,
        contact_id,
        status,
        source: 'api',
        added_at: now,
        unsubscribed_at: status === 'unsubscribed' ? now : null,
        unsubscribed_send_id: null,
      });
      await db()
        .insertInto('list_members')
        .values([
          member(listOnlyOld, older!.id, 'subscribed'),
          member(listBoth, older!.id, 'subscribed'),
          member(listBoth, newer!.id, 'unsubscribed'),
          member(listOnlyNew, newer!.id, 'subscribed'),
        ])
        .execute();
      await db().updateTable('contacts').set({ email_tracking: 1 }).where('id', '=', older!.id).execute();
      await db()
        .updateTable('contacts')
        .set({ email_tracking: 0, do_not_email: 1 })
        .where('id', '=', newer!.id)
        .execute();

      await submit((await defineForm()).id, { email: 'choices@example.com' });
      const [survivor, ...rest] = await contactsByEmail('choices@example.com');
      expect(rest).toHaveLength(0);
      expect(survivor).toMatchObject({ id: older!.id, email_tracking: 0, do_not_email: 1 });
      const memberships = await db()
        .selectFrom('list_members')
        .select(['list_id', 'contact_id', 'status'])
        .where('list_id', 'in', [listOnlyOld, listBoth, listOnlyNew])
        .orderBy('list_id')
        .execute();
      expect(memberships).toEqual(
        [
          { list_id: listOnlyOld, contact_id: older!.id, status: 'subscribed' },
          { list_id: listBoth, contact_id: older!.id, status: 'unsubscribed' },
          { list_id: listOnlyNew, contact_id: older!.id, status: 'subscribed' },
        ].sort((a, b) => (a.list_id < b.list_id ? -1 : 1)),
      );
    });
  });

  describe('identity', () => {
    it('maps the browser to the contact and adopts its earlier anonymous visits', async () => {
      const form = await defineForm();
      const first = await pageview();
      const cookie = `spoor_vid=${first.v}`;
      await pageview(cookie);
      const res = await submit(form.id, { email: 'browser@example.com' }, { cookie });
      expect(res.statusCode).toBe(200);
      const [contact] = await contactsByEmail('browser@example.com');
      const visitor = await db()
        .selectFrom('visitors')
        .selectAll()
        .where('id', '=', first.v)
        .executeTakeFirstOrThrow();
      expect(visitor.contact_id).toBe(contact!.id);
      const visits = await db()
        .selectFrom('visits')
        .select(['contact_id', 'identified'])
        .where('visitor_id', '=', first.v)
        .execute();
      expect(visits).toEqual([{ contact_id: contact!.id, identified: 1 }]);
      // A later visit starts identified.
      const later = await pageview(cookie);
      const visit = await db()
        .selectFrom('visits')
        .select('contact_id')
        .where('id', '=', later.s)
        .executeTakeFirstOrThrow();
      expect(visit.contact_id).toBe(contact!.id);
    });

    it("one person's two browsers both map to the same contact", async () => {
      const form = await defineForm();
      const laptop = await pageview();
      const phone = await pageview();
      await submit(form.id, { email: 'two-browsers@example.com' }, { cookie: `spoor_vid=${laptop.v}` });
      await submit(form.id, { email: 'two-browsers@example.com' }, { cookie: `spoor_vid=${phone.v}` });
      const [contact] = await contactsByEmail('two-browsers@example.com');
      const visitors = await db()
        .selectFrom('visitors')
        .select('contact_id')
        .where('id', 'in', [laptop.v, phone.v])
        .execute();
      expect(visitors.map((v) => v.contact_id)).toEqual([contact!.id, contact!.id]);
    });

    it('a shared browser submitting as someone else starts a new mapping; earlier history stays', async () => {
      const form = await defineForm();
      const browser = await pageview();
      const cookie = `spoor_vid=${browser.v}`;
      await submit(form.id, { email: 'first-person@example.com' }, { cookie });
      await submit(form.id, { email: 'second-person@example.com' }, { cookie });
      const [firstPerson] = await contactsByEmail('first-person@example.com');
      const [secondPerson] = await contactsByEmail('second-person@example.com');
      const visitor = await db()
        .selectFrom('visitors')
        .select('contact_id')
        .where('id', '=', browser.v)
        .executeTakeFirstOrThrow();
      expect(visitor.contact_id).toBe(secondPerson!.id);
      const earlier = await db()
        .selectFrom('visits')
        .select('contact_id')
        .where('id', '=', browser.s)
        .executeTakeFirstOrThrow();
      expect(earlier.contact_id).toBe(firstPerson!.id);
    });

    it('without consent the contact is made but nothing is linked and no cookie is set', async () => {
      const form = await defineForm();
      const browser = await pageview();
      const res = await submit(
        form.id,
        { email: 'private@example.com', _a: 1, _remember: 'on' },
        { cookie: `spoor_vid=${browser.v}` },
      );
      expect(res.statusCode).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.json().prefill).toBeUndefined();
      expect(await contactsByEmail('private@example.com')).toHaveLength(1);
      const visitor = await db()
        .selectFrom('visitors')
        .select('contact_id')
        .where('id', '=', browser.v)
        .executeTakeFirstOrThrow();
      expect(visitor.contact_id).toBeNull();
    });

    it('a browser never seen before gets a visitor cookie on submission', async () => {
      const form = await defineForm();
      const res = await submit(form.id, { email: 'fresh@example.com' });
      const cookies = res.headers['set-cookie'] as string[] | string;
      const visitorCookie = (Array.isArray(cookies) ? cookies : [cookies]).find((c) =>
        c.startsWith('spoor_vid='),
      )!;
      expect(visitorCookie).toMatch(/HttpOnly/);
      const id = visitorCookie.split(';')[0]!.split('=')[1]!;
      const [contact] = await contactsByEmail('fresh@example.com');
      const visitor = await db()
        .selectFrom('visitors')
        .select('contact_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(visitor.contact_id).toBe(contact!.id);
    });
  });

  describe('prefill', () => {
    it('fills prefill-marked fields only for a contact who chose "remember me", and forgets on untick', async () => {
      const form = await defineForm({ prefill: true });
      const res = await submit(form.id, {
        email: 'remember@example.com',
        firstName: 'Rita',
        lastName: 'Secret',
        _remember: 'on',
      });
      const token = res.json().prefill as string;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = (res.headers['set-cookie'] as string[]).find((c) => c.startsWith('spoor_pf='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).not.toContain('remember@example.com');
      const prefill = await spoor.app.inject({
        url: `/f/${form.id}/prefill`,
        headers: { origin: SITE, 'x-spoor-prefill': token },
      });
      expect(prefill.json()).toEqual({ values: { email: 'remember@example.com', firstName: 'Rita' } });
      // Via the cookie on the hosted page, too.
      const viaCookie = await spoor.app.inject({
        url: `/f/${form.id}/prefill`,
        headers: { cookie: cookie.split(';')[0]! },
      });
      expect(viaCookie.json().values.firstName).toBe('Rita');

      await submit(form.id, { email: 'remember@example.com' });
      const after = await spoor.app.inject({
        url: `/f/${form.id}/prefill`,
        headers: { origin: SITE, 'x-spoor-prefill': token },
      });
      expect(after.json()).toEqual({ values: {} });
    });

    it('gives nothing without a token, with a made-up token, or on a form without prefill', async () => {
      const form = await defineForm({ prefill: true });
      const plain = await defineForm();
      const res = await submit(plain.id, { email: 'noprefill@example.com', _remember: 'on' });
      expect(res.json().prefill).toBeUndefined();
      for (const headers of [{}, { 'x-spoor-prefill': 'A'.repeat(43) }, { 'x-spoor-prefill': '<script>' }]) {
        const r = await spoor.app.inject({
          url: `/f/${form.id}/prefill`,
          headers: { origin: SITE, ...headers },
        });
        expect(r.json()).toEqual({ values: {} });
      }
    });
  });

  describe('submissions', () => {
    it('a double click (same token) submits once', async () => {
      const form = await defineForm({ onMatch: 'create' });
      const token = 'doubleClickToken000000';
      const [a, b] = await Promise.all([
        submit(form.id, { email: 'click@example.com', _token: token }),
        submit(form.id, { email: 'click@example.com', _token: token }),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(await submissionsOf(form.id)).toHaveLength(1);
      expect(await contactsByEmail('click@example.com')).toHaveLength(1);
    });

    it('the honeypot answers like success and stores nothing', async () => {
      const form = await defineForm();
      const res = await submit(form.id, { email: 'bot@example.com', _hp: 'http://spam.example' });
      expect(res.statusCode).toBe(200);
      expect(await submissionsOf(form.id)).toEqual([]);
      expect(await contactsByEmail('bot@example.com')).toEqual([]);
    });

    it('a stored submission that was not processed (crash) is processed by the worker', async () => {
      const form = await defineForm();
      await db()
        .insertInto('form_submissions')
        .values({
          id: 'pendingSubmission00001',
          form_id: form.id,
          submission_key: 'pendingKey000000000001',
          received_at: Date.now() - 120_000,
          status: 'pending',
          payload: JSON.stringify({
            values: { email: 'late@example.com' },
            consents: {},
            rememberMe: false,
            cookieVisitorId: null,
            mirrorVisitorId: null,
          }),
          visitor_id: null,
          anonymous: 0,
          contact_id: null,
          outcome: null,
          error: null,
        })
        .execute();
      expect(await retryPendingSubmissions(spoor.storage)).toBeGreaterThanOrEqual(1);
      const [contact] = await contactsByEmail('late@example.com');
      const row = await db()
        .selectFrom('form_submissions')
        .selectAll()
        .where('id', '=', 'pendingSubmission00001')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'processed', contact_id: contact!.id, outcome: 'created' });
    });
  });

  describe('bad input stores nothing half-made', () => {
    it.each([
      {
        name: 'invalid email',
        fields: { email: 'nope' },
        status: 422,
        errors: { email: 'Email must be an email address like name@example.com.' },
      },
      {
        name: 'missing required field',
        fields: { firstName: 'A' },
        status: 422,
        errors: { email: 'Email is required.' },
      },
      {
        name: 'value too long',
        fields: { email: 'a@b.co', lastName: 'x'.repeat(600) },
        status: 422,
        errors: { lastName: 'Last name must be at most 500 characters.' },
      },
    ])('$name → $status with the message beside the field', async ({ fields, status, errors }) => {
      const form = await defineForm();
      const res = await submit(form.id, fields);
      expect(res.statusCode).toBe(status);
      expect(res.json().details.fields).toEqual(errors);
      expect(await submissionsOf(form.id)).toEqual([]);
    });

    it('malformed JSON, an oversized body, an unknown form and a foreign origin are refused', async () => {
      const form = await defineForm();
      const bad = await spoor.app.inject({
        method: 'POST',
        url: `/f/${form.id}`,
        headers: { 'content-type': 'text/plain', origin: SITE },
        payload: '{"email":',
      });
      expect(bad.statusCode).toBe(400);
      const big = await submit(form.id, { email: 'a@b.co', lastName: 'x'.repeat(70_000) });
      expect(big.statusCode).toBe(413);
      expect((await submit('noSuchForm', { email: 'a@b.co' })).statusCode).toBe(404);
      const foreign = await submit(form.id, { email: 'a@b.co' }, { origin: 'https://evil.test' });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json().message).toMatch(/evil\.test may not use this form/);
      expect(await submissionsOf(form.id)).toEqual([]);
    });

    it('refuses bad form definitions with every problem named', async () => {
      const res = await spoor.app.inject({
        method: 'POST',
        url: '/api/forms',
        headers: spoor.auth,
        payload: {
          name: 'Bad',
          fields: [
            { key: 'favourite', type: 'text', label: 'Favourite' },
            { key: 'country', type: 'select', label: 'Country' },
          ],
          afterSubmit: { kind: 'redirect', url: 'javascript:alert(1)' },
          page: { slug: 'Not A Slug', title: 'x' },
        },
      });
      expect(res.statusCode).toBe(400);
      const message = res.json().message as string;
      expect(message).toContain('"favourite" is not a contact field');
      expect(message).toContain('Select field "country" needs options');
      expect(message).toContain('The redirect must be an http(s) URL');
      expect(message).toContain('page slug');
    });
  });

  describe('hosted marketing page', () => {
    it('renders the form server-side and shows errors beside fields without JavaScript', async () => {
      const form = await defineForm();
      const page = await spoor.app.inject({ url: `/p/${form.definition.page.slug}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<h1>Talk to us</h1>');
      expect(page.body).toContain(`action="/f/${form.id}"`);
      expect(page.body).toContain(`<script async src="/s/${websiteId}.js"></script>`);
      const token = /name="_token" value="([^"]+)"/.exec(page.body)![1]!;

      const errors = await spoor.app.inject({
        method: 'POST',
        url: `/f/${form.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=not-an-email&firstName=%3Cb%3EAda%3C%2Fb%3E&_token=${token}&_a=1`,
      });
      expect(errors.statusCode).toBe(422);
      expect(errors.body).toContain('data-error-for="email">Email must be an email address');
      expect(errors.body).toContain('value="&lt;b&gt;Ada&lt;/b&gt;"'); // kept, escaped
      expect(errors.body).not.toContain('<b>Ada</b>');

      const ok = await spoor.app.inject({
        method: 'POST',
        url: `/f/${form.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=page%40example.com&_token=${token}&_a=1`,
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('Thank you!');
      expect(await contactsByEmail('page@example.com')).toHaveLength(1);
    });

    it('redirects only to the URL the marketer configured', async () => {
      const form = await defineForm({
        afterSubmit: { kind: 'redirect', url: 'https://www.shop.test/thanks' },
      });
      const res = await spoor.app.inject({
        method: 'POST',
        url: `/f/${form.id}?redirect=https://evil.test`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload:
          'email=redirect%40example.com&redirect=https%3A%2F%2Fevil.test&_redirect=https%3A%2F%2Fevil.test',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('https://www.shop.test/thanks');
      expect((await spoor.app.inject({ url: '/p/no-such-page' })).statusCode).toBe(404);
    });
  });

  describe('list subscriptions', () => {
    const list = (name: string) => createList(spoor, name);
    const membershipsOf = async (contactId: string) => {
      const res = await spoor.app.inject({ url: `/api/contacts/${contactId}/lists`, headers: spoor.auth });
      return (res.json().lists as { listId: string; status: string; source: string }[]).map((m) => ({
        listId: m.listId,
        status: m.status,
        source: m.source,
      }));
    };

    it('subscribes the submitter: always to one list, to another only when the box is ticked', async () => {
      const customers = await list('Customers');
      const newsletter = await list('Newsletter');
      const form = await defineForm({
        lists: [{ listId: customers }, { listId: newsletter, consentField: 'consent_news' }],
      });
      expect(
        (await spoor.app.inject({ url: `/api/forms/${form.id}`, headers: spoor.auth })).json().definition
          .lists,
      ).toEqual([{ listId: customers }, { listId: newsletter, consentField: 'consent_news' }]);

      expect((await submit(form.id, { email: 'quiet@lists.example' })).statusCode).toBe(200);
      const [quiet] = await contactsByEmail('quiet@lists.example');
      expect(await membershipsOf(quiet!.id)).toEqual([
        { listId: customers, status: 'subscribed', source: 'form' },
      ]);

      expect((await submit(form.id, { email: 'keen@lists.example', consent_news: 'on' })).statusCode).toBe(
        200,
      );
      const [keen] = await contactsByEmail('keen@lists.example');
      expect(await membershipsOf(keen!.id)).toEqual([
        { listId: customers, status: 'subscribed', source: 'form' },
        { listId: newsletter, status: 'subscribed', source: 'form' },
      ]);
    });

    it('a person who unsubscribed earlier and ticks the box again is subscribed again', async () => {
      const newsletter = await list('Newsletter again');
      const form = await defineForm({ lists: [{ listId: newsletter, consentField: 'consent_news' }] });
      await submit(form.id, { email: 'returning@lists.example', consent_news: true });
      const [contact] = await contactsByEmail('returning@lists.example');
      await unsubscribeFromLists(db(), contact!.id, [newsletter], { sendId: 'send-1', now: Date.now() });
      expect(await membershipsOf(contact!.id)).toEqual([
        { listId: newsletter, status: 'unsubscribed', source: 'form' },
      ]);

      // Submitting without ticking changes nothing; ticking is asking.
      await submit(form.id, { email: 'returning@lists.example' });
      expect((await membershipsOf(contact!.id))[0]!.status).toBe('unsubscribed');
      await submit(form.id, { email: 'returning@lists.example', consent_news: 'on' });
      expect(await membershipsOf(contact!.id)).toEqual([
        { listId: newsletter, status: 'subscribed', source: 'form' },
      ]);
    });

    it('a list without a box never undoes an unsubscribe when the form is sent again', async () => {
      const updates = await list('Product updates');
      const form = await defineForm({ lists: [{ listId: updates }] });
      await submit(form.id, { email: 'contact-form@lists.example' });
      const [contact] = await contactsByEmail('contact-form@lists.example');
      await unsubscribeFromLists(db(), contact!.id, [updates], { sendId: 'send-2', now: Date.now() });
      await submit(form.id, { email: 'contact-form@lists.example' });
      expect(await membershipsOf(contact!.id)).toEqual([
        { listId: updates, status: 'unsubscribed', source: 'form' },
      ]);
    });

    it('a submission retried by the worker subscribes too', async () => {
      const listId = await list('Retried');
      const form = await defineForm({ lists: [{ listId }] });
      await db()
        .insertInto('form_submissions')
        .values({
          id: `retry-${engine}-lists`,
          form_id: form.id,
          submission_key: `key-${engine}-lists-retry`,
          received_at: Date.now() - 120_000,
          status: 'pending',
          payload: JSON.stringify({
            values: { email: 'retried@lists.example' },
            consents: {},
            rememberMe: false,
            cookieVisitorId: null,
            mirrorVisitorId: null,
          }),
          visitor_id: null,
          anonymous: 1,
          contact_id: null,
          outcome: null,
          error: null,
        })
        .execute();
      await retryPendingSubmissions(spoor.storage);
      const [contact] = await contactsByEmail('retried@lists.example');
      expect(await membershipsOf(contact!.id)).toEqual([{ listId, status: 'subscribed', source: 'form' }]);
    });

    it('a list deleted after the form was defined is skipped, the submission still works', async () => {
      const gone = await list('Gone');
      const kept = await list('Kept');
      const form = await defineForm({ lists: [{ listId: gone }, { listId: kept }] });
      expect(
        (await spoor.app.inject({ method: 'DELETE', url: `/api/lists/${gone}`, headers: spoor.auth }))
          .statusCode,
      ).toBe(200);
      expect((await submit(form.id, { email: 'after-delete@lists.example' })).statusCode).toBe(200);
      const [contact] = await contactsByEmail('after-delete@lists.example');
      expect(await membershipsOf(contact!.id)).toEqual([
        { listId: kept, status: 'subscribed', source: 'form' },
      ]);
      const orphans = await db()
        .selectFrom('list_members')
        .select('contact_id')
        .where('list_id', '=', gone)
        .execute();
      expect(orphans).toEqual([]);
    });

    it('checks the lists when the form is defined', async () => {
      const listId = await list('Checked');
      const define = (lists: unknown) =>
        spoor.app.inject({
          method: 'POST',
          url: '/api/forms',
          headers: spoor.auth,
          payload: {
            name: 'Lists',
            fields: [
              { key: 'email', type: 'email', label: 'Email' },
              { key: 'firstName', type: 'text', label: 'First name' },
              { key: 'news', type: 'consent', label: 'News please' },
            ],
            lists,
          },
        });
      const unknown = await define([{ listId }, { listId: 'no-such-list' }]);
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().details).toEqual({ unknownListIds: ['no-such-list'] });
      const notConsent = await define([{ listId, consentField: 'firstName' }]);
      expect(notConsent.statusCode).toBe(400);
      expect(notConsent.json().message).toContain('"firstName", which is not a consent box of this form');
      expect((await define([{ listId, consentField: 'nope' }])).statusCode).toBe(400);
      expect((await define([{ listId }, { listId }])).statusCode).toBe(400);
      expect((await define([{}])).statusCode).toBe(400);
      expect((await define('newsletter')).statusCode).toBe(400);
      expect((await define([{ listId, consentField: 'news' }])).statusCode).toBe(201);
    });
  });

  it('serves a public definition for the embed loader without internal settings', async () => {
    const form = await defineForm({ matchRule: 'name-email-company' });
    const res = await spoor.app.inject({ url: `/f/${form.id}.json`, headers: { origin: SITE } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(SITE);
    const body = res.json();
    expect(body.fields.map((f: { key: string }) => f.key)).toEqual([
      'email',
      'firstName',
      'lastName',
      'company',
      'consent_news',
    ]);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(body)).not.toContain('matchFields');
  });
});

describe('form rate limit', () => {
  it('answers 429 with a clear message past the per-client limit and stores nothing more', async () => {
    const database = await createTestDatabase('sqlite');
    const spoor = await startSpoor(database, { formRateLimit: 2 });
    try {
      const form = await spoor.app.inject({
        method: 'POST',
        url: '/api/forms',
        headers: spoor.auth,
        payload: {
          name: 'Limited',
          fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
        },
      });
      const send = (i: number) =>
        spoor.app.inject({
          method: 'POST',
          url: `/f/${form.json().id}`,
          headers: { 'content-type': 'application/json' },
          payload: { email: `limit${i}@example.com` },
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(i)).statusCode);
      expect(statuses).toEqual([200, 200, 429, 429]);
      expect((await send(9)).json().message).toMatch(/Too many requests/);
      expect(await spoor.storage.db.selectFrom('form_submissions').selectAll().execute()).toHaveLength(2);
    } finally {
      await spoor.close();
      await database.drop();
    }
  });
});
