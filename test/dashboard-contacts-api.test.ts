// The API the dashboard's contacts, lists and forms pages read, on SQLite and PostgreSQL: prefix search and
// filters with keyset paging, a contact's browsers and emails, list members with the email behind each
// unsubscribe, CSV imports into a list watched while the file streams, and a form's figures and submissions.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { unsubscribeFromLists } from '../src/lists/store.ts';
import { sendRow } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor, submitFormAsBrowser } from './helpers/spoor.ts';
import { createContact, createForm, createList, createWebsite, EMAIL_FIELD } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

const SHOP = 'https://www.shop.test';

interface ContactLike {
  id: string;
  email: string | null;
}

describeEachEngine('dashboard contacts, lists and forms API', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let shopId: string;
  let origin: string;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
    await spoor.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(spoor.app.server.address() as AddressInfo).port}`;
    shopId = await createWebsite(spoor, [SHOP]);
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    spoor.app.inject({ method, url, headers: spoor.auth, ...(payload ? { payload } : {}) });
  const emailsOf = async (query: string) => {
    const res = await api('GET', `/api/contacts?limit=100&${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().contacts as ContactLike[]).map((c) => c.email).sort();
  };

  async function pageview(cookie?: string) {
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: {
        'content-type': 'text/plain',
        origin: SHOP,
        'user-agent': CHROME_UA,
        ...(cookie ? { cookie } : {}),
      },
      payload: JSON.stringify({ w: shopId, e: eventId(), t: 'pv', u: `${SHOP}/pricing`, ti: 'Pricing' }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { v: string };
  }

  /** A send row as the sending job leaves it (sending itself is another suite's subject). */
  async function recordSend(id: string, subject: string) {
    await spoor.storage.db
      .insertInto('sends')
      .values(sendRow(id, { message_id: 'gone-message', subject, html: '<p>Hi</p>' }))
      .execute();
  }

  it('searches by the start of email, domain, names or company, on indexes, and pages newest first', async () => {
    await createContact(spoor, {
      email: 'ann@analytical.example',
      firstName: 'Ann',
      lastName: 'Lovelace',
      company: 'Engines Ltd',
    });
    await createContact(spoor, { email: 'bob@post.example', firstName: 'Bob', lastName: 'Annan' });
    await createContact(spoor, { email: 'charles@annex.example', firstName: 'Charles' });
    await createContact(spoor, { email: 'zoe@apfel.example', firstName: 'Zoë', lastName: 'Äpfel' });

    expect(await emailsOf('q=ann')).toEqual([
      'ann@analytical.example',
      'bob@post.example',
      'charles@annex.example',
    ]);
    expect(await emailsOf('q=ANN%20love')).toEqual(['ann@analytical.example']);
    expect(await emailsOf('q=%40annex')).toEqual(['charles@annex.example']);
    expect(await emailsOf('q=Ann%40')).toEqual(['ann@analytical.example']);
    expect(await emailsOf('q=engines')).toEqual(['ann@analytical.example']);
    expect(await emailsOf(`q=${encodeURIComponent('Äp')}`)).toEqual(['zoe@apfel.example']);
    // Prefixes, not "contains": the middle of a word matches nothing.
    expect(await emailsOf('q=nnex')).toEqual([]);
    expect(await emailsOf('q=100%25')).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/contacts?q=ann&order=newest&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { contacts: ContactLike[]; nextCursor: string | null } = (await api('GET', url)).json();
      seen.push(...page.contacts.map((c) => c.email ?? ''));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['charles@annex.example', 'bob@post.example', 'ann@analytical.example']);
  });

  it('filters by list and status, unsubscribes, bounces and identified visits', async () => {
    const listId = await createList(spoor, 'Filters');
    const on = await createContact(spoor, { email: 'on@filter.example' });
    const left = await createContact(spoor, { email: 'left@filter.example' });
    const bounced = await createContact(spoor, { email: 'bounced@filter.example' });
    const suppressed = await createContact(spoor, { email: 'suppressed@filter.example' });
    await api('POST', `/api/lists/${listId}/members`, { contactIds: [on, left] });
    await recordSend('filterSend000000000000', 'Spring sale');
    await unsubscribeFromLists(spoor.storage.db, left, [listId], {
      sendId: 'filterSend000000000000',
      now: Date.now(),
    });
    await spoor.storage.db
      .insertInto('send_recipients')
      .values({
        send_id: 'filterSend000000000000',
        contact_id: bounced,
        email: 'bounced@filter.example',
        status: 'soft_bounce',
        block_reason: null,
        last_response: '452 4.2.2 Mailbox full',
        sent_at: Date.now(),
        smtp_message_id: null,
      })
      .execute();
    await spoor.storage.db
      .insertInto('email_suppressions')
      .values({
        email_match: 'suppressed@filter.example',
        reason: 'hard_bounce',
        send_id: null,
        detail: '550 5.1.1 No such user',
        created_at: Date.now(),
      })
      .execute();

    const onFilter = 'q=%40filter';
    expect(await emailsOf(`${onFilter}&list=${listId}`)).toEqual([
      'left@filter.example',
      'on@filter.example',
    ]);
    expect(await emailsOf(`${onFilter}&list=${listId}&listStatus=subscribed`)).toEqual(['on@filter.example']);
    expect(await emailsOf(`${onFilter}&unsubscribed=true`)).toEqual(['left@filter.example']);
    expect(await emailsOf(`${onFilter}&bounced=true`)).toEqual([
      'bounced@filter.example',
      'suppressed@filter.example',
    ]);
    expect(await emailsOf(`${onFilter}&bounced=true&list=${listId}`)).toEqual([]);

    // The email behind the unsubscribe, by its subject as sent.
    const members = (await api('GET', `/api/lists/${listId}/members?status=unsubscribed`)).json().members;
    expect(members).toMatchObject([
      {
        contactId: left,
        unsubscribedSendId: 'filterSend000000000000',
        unsubscribedSendSubject: 'Spring sale',
      },
    ]);

    // A browser that visits, then identifies itself through a form: its visit becomes the contact's.
    const formId = await createForm(spoor, { websiteId: shopId });
    const { v } = await pageview();
    await submitFormAsBrowser(
      spoor,
      formId,
      { email: 'visitor@filter.example' },
      { origin: SHOP, cookie: `spoor_vid=${v}` },
    );
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect(await emailsOf(`${onFilter}&visitedSince=${hourAgo}`)).toEqual(['visitor@filter.example']);
    expect(await emailsOf(`${onFilter}&visitedSince=${tomorrow}`)).toEqual([]);
    expect((await api('GET', '/api/contacts?visitedSince=yesterday')).statusCode).toBe(400);

    // Its page: the browser, and the emails sent or not (with the suppression) for the others.
    const visitor = (await api('GET', '/api/contacts?q=visitor%40filter')).json().contacts[0] as ContactLike;
    const browsers = (await api('GET', `/api/contacts/${visitor.id}/browsers`)).json();
    expect(browsers.browsers.map((b: { id: string }) => b.id)).toEqual([v]);
    expect((await api('GET', `/api/contacts/${bounced}/emails`)).json()).toMatchObject({
      suppressed: null,
      emails: [{ sendId: 'filterSend000000000000', subject: 'Spring sale', status: 'soft_bounce' }],
    });
    expect((await api('GET', `/api/contacts/${suppressed}/emails`)).json()).toMatchObject({
      suppressed: { reason: 'hard_bounce', detail: '550 5.1.1 No such user' },
      emails: [],
    });
    expect((await api('GET', '/api/contacts/nobody/browsers')).statusCode).toBe(404);
    expect((await api('GET', '/api/contacts/nobody/emails')).statusCode).toBe(404);
  });

  /** PUTs a file whose body the test feeds piece by piece; resolves with the final answer. */
  function uploadSlowly(importId: string, bytesTotal: number) {
    const body = new PassThrough();
    const done = new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(
        `${origin}/api/contact-imports/${importId}/file`,
        {
          method: 'PUT',
          headers: { ...spoor.auth, 'content-type': 'text/csv', 'content-length': String(bytesTotal) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      body.pipe(req);
    });
    return { body, done };
  }

  it('imports a CSV into a list, reporting progress and rejected rows while the file streams', async () => {
    const listId = await createList(spoor, 'Imported');
    const created = await api('POST', '/api/contact-imports', { listId });
    expect(created.statusCode, created.body).toBe(201);
    const job = created.json();
    expect(job).toMatchObject({ status: 'waiting', listId, progress: 0, summary: { rows: 0 } });

    const head = 'email,first name\nimp1@import.example,One\nnot-an-address,Two\n';
    const tail = 'imp3@import.example,Three\n';
    const { body, done } = uploadSlowly(job.id, Buffer.byteLength(head + tail));
    // The parser holds the end of a chunk back (a line break may be the first of two): send a bit more.
    body.write(`${head}${tail.slice(0, 10)}`);
    const midway = await waitFor('the first part to be recorded', async () => {
      const now = (await api('GET', `/api/contact-imports/${job.id}`)).json();
      return now.status === 'running' && now.summary.rows === 2 ? now : null;
    }).finally(() => body.end(tail.slice(10)));
    expect(midway.progress).toBeGreaterThan(0);
    expect(midway.progress).toBeLessThan(1);
    expect(midway.summary.errors).toEqual([{ row: 2, reason: expect.stringContaining('email') }]);
    const answer = await done;
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      status: 'done',
      progress: 1,
      summary: { rows: 3, created: 2, rejected: 1, listed: { added: 2, already: 0, keptUnsubscribed: 0 } },
    });
    expect((await api('GET', `/api/contact-imports/${job.id}`)).json()).toEqual(answer.json);
    const members = (await api('GET', `/api/lists/${listId}/members`)).json().members;
    // One batch: one joining time, so the order between them is the ids'.
    expect(members.map((m: { email: string; source: string }) => [m.email, m.source]).sort()).toEqual([
      ['imp1@import.example', 'import'],
      ['imp3@import.example', 'import'],
    ]);

    // One file per import; an unknown list or import is refused.
    const again = uploadSlowly(job.id, 5);
    again.body.end('email');
    expect((await again.done).status).toBe(409);
    expect((await api('POST', '/api/contact-imports', { listId: 'no-such-list' })).statusCode).toBe(422);
    expect((await api('GET', '/api/contact-imports/no-such-import')).statusCode).toBe(404);

    // A file the import cannot use fails, and the import says why.
    const refused = (await api('POST', '/api/contact-imports', {})).json();
    const file = 'email,shoe size\na@import.example,42\n';
    const bad = uploadSlowly(refused.id, Buffer.byteLength(file));
    bad.body.end(file);
    expect((await bad.done).status).toBe(400);
    expect((await api('GET', `/api/contact-imports/${refused.id}`)).json()).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('shoe size'),
    });
  });

  it("counts a form's views, submissions and the contacts they created or updated, and lists submissions", async () => {
    const formId = await createForm(spoor, {
      websiteId: shopId,
      fields: [EMAIL_FIELD, { key: 'firstName', type: 'text', label: 'First name' }],
      page: { slug: 'figures', title: 'Figures' },
    });
    for (const url of ['/p/figures', '/p/figures', `/f/${formId}.json`]) {
      const res = await spoor.app.inject({ method: 'GET', url, headers: { origin: SHOP } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
    await submitFormAsBrowser(
      spoor,
      formId,
      { email: 'fig@form.example', firstName: 'First' },
      { origin: SHOP },
    );
    await submitFormAsBrowser(
      spoor,
      formId,
      { email: 'fig@form.example', firstName: 'Again' },
      { origin: SHOP },
    );

    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const figures = (await api('GET', `/api/forms/${formId}/figures?from=${yesterday}&to=${today}`)).json();
    expect(figures).toMatchObject({
      views: 3,
      submissions: 2,
      contactsCreated: 1,
      contactsUpdated: 1,
      conversionRate: 2 / 3,
      days: [
        { day: yesterday, views: 0, submissions: 0 },
        { day: today, views: 3, submissions: 2, created: 1, updated: 1 },
      ],
    });
    expect((await api('GET', `/api/forms/${formId}/figures?from=${today}&to=${yesterday}`)).statusCode).toBe(
      400,
    );
    expect((await api('GET', `/api/forms/nope/figures?from=${today}&to=${today}`)).statusCode).toBe(404);

    const first = (await api('GET', `/api/forms/${formId}/submissions?limit=1`)).json();
    expect(first.submissions).toMatchObject([
      { status: 'processed', outcome: 'updated', values: { email: 'fig@form.example', firstName: 'Again' } },
    ]);
    const second = (
      await api('GET', `/api/forms/${formId}/submissions?limit=1&cursor=${first.nextCursor}`)
    ).json();
    expect(second).toMatchObject({
      submissions: [{ outcome: 'created', values: { firstName: 'First' } }],
      nextCursor: null,
    });
    expect(second.submissions[0].contactId).toBe(first.submissions[0].contactId);
    expect((await api('GET', `/api/forms/${formId}/submissions?cursor=bad`)).statusCode).toBe(400);
  });
});
