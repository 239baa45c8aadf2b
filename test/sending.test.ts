// Sending over real SMTP on SQLite and PostgreSQL: Spoor sends through nodemailer to an smtp-server on
// loopback and the test parses what arrived (mailparser): individually rendered emails with signed
// tracking, RFC 8058 headers signed by DKIM, permission blocks never attempted, bounces, retries,
// cancel, and a clear 4xx for bad input on every endpoint.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSendHeader } from '../src/email/bounces/send-header.ts';
import { unsubscribeFromLists } from '../src/lists/store.ts';
import { smtpUnreached } from '../src/platform/metrics/metrics.ts';
import { type InstallSecrets, loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { freePort } from './helpers/server-process.ts';
import { type ReceivedMessage, type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, runnerLetGo, sendFinished, startSpoor } from './helpers/spoor.ts';
import { addToList, createContact, createList, createMessage } from './support/factories.ts';
import { nextMillisecond, waitFor } from './support/wait-for.ts';

const PUBLIC_URL = 'https://track.spoor.test';
const RETRY_BASE_MS = 150;
let counter = 0;

/** The records a send needs, made through the admin API (test/support/factories.ts). */
function fixtures(spoor: RunningSpoor) {
  const db = spoor.storage.db;
  return {
    contact: (values: Record<string, unknown>) => createContact(spoor, values),
    list: (name: string) => createList(spoor, name),
    message: (values: { subject: string; html: string; text?: string | null; fromEmail?: string }) =>
      createMessage(spoor, values),
    /** A message the API would refuse (a template that does not parse), stored directly: sends must refuse it too. */
    async unparsableMessage(values: { subject: string; html: string }) {
      counter += 1;
      const id = `msg${counter}${Math.random().toString(36).slice(2, 10)}`;
      await db
        .insertInto('messages')
        .values({
          id,
          name: values.subject,
          subject: values.subject,
          html: values.html,
          text: null,
          from_name: null,
          from_email: null,
          reply_to: null,
          created_at: 1,
          updated_at: 1,
        })
        .execute();
      return id;
    },
    subscribe: (listId: string, contactId: string) => addToList(spoor, listId, [contactId]),
  };
}

async function startSend(spoor: RunningSpoor, messageId: string, listIds: string[]) {
  const res = await spoor.app.inject({
    method: 'POST',
    url: '/api/sends',
    headers: spoor.auth,
    payload: { messageId, listIds },
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as { id: string; status: string };
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*?href="([^"]*)"/gi)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

function tokenOf(url: string, path: string): string {
  expect(url.startsWith(`${PUBLIC_URL}${path}`), url).toBe(true);
  return url.slice(PUBLIC_URL.length + path.length).replace(/\.gif$/, '');
}

describeEachEngine('sending', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let secrets: InstallSecrets;
  let fx: ReturnType<typeof fixtures>;
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink({
      refuse: {
        'gone@example.com': { code: 550, message: '5.1.1 No such user' },
        'later@example.com': { code: 450, message: '4.2.1 Try again later', times: 2 },
        'never@example.com': { code: 452, message: '4.2.2 Mailbox full' },
      },
    });
    spoor = await startSpoor(
      database,
      {
        publicUrl: PUBLIC_URL,
        emailFrom: 'Spoor News <news@spoor.test>',
        sendPollMs: 50,
        smtpRetryBaseMs: RETRY_BASE_MS,
        smtpMaxAttempts: 3,
        smtp: smtpConfigFor(sink, {
          dkim: { domainName: 'spoor.test', keySelector: 'mail2026', privateKey },
        }),
      },
      { workers: true },
    );
    secrets = await loadInstallSecrets(spoor.storage.db, undefined);
    fx = fixtures(spoor);
  });
  afterAll(async () => {
    await spoor.close();
    await sink.close();
    await database.drop();
  });

  const recipientRows = (sendId: string) =>
    spoor.storage.db.selectFrom('send_recipients').selectAll().where('send_id', '=', sendId).execute();

  it('sends every recipient one individually rendered email; blocked contacts are never attempted', async () => {
    const news = await fx.list('News');
    const offers = await fx.list('Offers');
    const ada = await fx.contact({ email: 'ada@example.com', firstName: 'Ada' });
    const bob = await fx.contact({ email: 'Bob@Example.com', firstName: 'Bob' });
    const cy = await fx.contact({ email: 'cy@example.com', firstName: 'Cy & <Co>' });
    const left = await fx.contact({ email: 'left@example.com', firstName: 'Left' });
    const dne = await fx.contact({ email: 'dne@example.com', firstName: 'Dne' });
    const nobody = await fx.contact({ firstName: 'No address' });
    const bounced = await fx.contact({ email: 'Bounced@example.com', firstName: 'Bounced' });
    for (const id of [ada, bob, left, dne, nobody, bounced]) await fx.subscribe(news, id);
    for (const id of [ada, cy, left]) await fx.subscribe(offers, id);
    await unsubscribeFromLists(spoor.storage.db, left, [news, offers], { sendId: null, now: Date.now() });
    await spoor.storage.db.updateTable('contacts').set({ do_not_email: 1 }).where('id', '=', dne).execute();
    await spoor.storage.db
      .insertInto('email_suppressions')
      .values({
        email_match: 'bounced@example.com',
        reason: 'hard_bounce',
        send_id: null,
        detail: null,
        created_at: 1,
      })
      .execute();

    const messageId = await fx.message({
      subject: 'Hello {{ contact.first_name }}',
      html:
        '<html><body><p>Dear {{ contact.first_name }},</p>' +
        '<a href="https://www.shop.test/spring?utm_source=mail&amp;x=1">Spring sale</a> ' +
        '<a href="https://www.shop.test/faq">FAQ</a> ' +
        '<a href="https://www.shop.test/legal" data-spoor-untracked>Legal</a> ' +
        '<a href="mailto:help@shop.test">Write to us</a></body></html>',
    });
    const created = await startSend(spoor, messageId, [news, offers]);
    expect(created.status).toBe('queued');
    const send = await sendFinished(spoor, created.id);

    expect(send.status).toBe('done');
    expect(send.progress).toEqual({
      recipients: 9,
      duplicates: 2,
      blocked: { total: 4, unsubscribed: 1, doNotEmail: 1, noAddress: 1, hardBounced: 1 },
      sent: 3,
      accepted: 3,
      hardBounces: 0,
      softBounces: 0,
      unconfirmed: 0,
      deferrals: 0,
      policyRefusals: 0,
      pending: 0,
    });
    const rows = await recipientRows(created.id);
    const byContact = new Map(rows.map((row) => [row.contact_id, row]));
    expect(rows).toHaveLength(7);
    expect([ada, bob, cy].map((id) => byContact.get(id)?.status)).toEqual(['sent', 'sent', 'sent']);
    expect(
      [left, dne, nobody, bounced].map((id) => [byContact.get(id)?.status, byContact.get(id)?.block_reason]),
    ).toEqual([
      ['blocked', 'unsubscribed'],
      ['blocked', 'do_not_email'],
      ['blocked', 'no_address'],
      ['blocked', 'hard_bounced'],
    ]);
    for (const address of ['left@example.com', 'dne@example.com', 'bounced@example.com'])
      expect(sink.attempts(address)).toBe(0);

    const links = await spoor.storage.db
      .selectFrom('send_links')
      .selectAll()
      .where('send_id', '=', created.id)
      .orderBy('position')
      .execute();
    expect(links.map((link) => [link.position, link.url, link.honeypot])).toEqual([
      [0, 'https://www.shop.test/spring?utm_source=mail&x=1', 0],
      [1, 'https://www.shop.test/faq', 0],
      [2, 'about:blank', 1],
    ]);

    const expectations: [string, string, string][] = [
      [ada, 'ada@example.com', 'Ada'],
      [bob, 'Bob@Example.com', 'Bob'],
      [cy, 'cy@example.com', 'Cy & <Co>'],
    ];
    for (const [contactId, address, name] of expectations) {
      const received = sink.receivedBy(address);
      expect(received, address).toHaveLength(1);
      checkEmail(received[0]!, created.id, contactId, name);
      expect(byContact.get(contactId)?.smtp_message_id).toBe(received[0]!.parsed.messageId);
    }
  });

  function checkEmail(message: ReceivedMessage, sendId: string, contactId: string, name: string) {
    const { parsed } = message;
    expect(parsed.subject).toBe(`Hello ${name}`);
    expect(parsed.from?.value[0]).toMatchObject({ address: 'news@spoor.test', name: 'Spoor News' });
    const html = String(parsed.html);
    expect(html).toContain(`Dear ${name.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')},`);

    const all = hrefs(html);
    const tracked = all.filter((href) => href.startsWith(`${PUBLIC_URL}/e/c/`));
    const claims = tracked.map((href) => secrets.signer.verify(tokenOf(href, '/e/c/'), 'click'));
    // Two visible links and the honeypot, each naming this send, this contact and its position.
    expect(claims).toEqual(
      expect.arrayContaining([0, 1, 2].map((position) => ({ kind: 'click', sendId, contactId, position }))),
    );
    expect(claims).toHaveLength(3);
    expect(all).toContain('https://www.shop.test/legal');
    expect(all).toContain('mailto:help@shop.test');
    expect(html).not.toContain('https://www.shop.test/spring');
    const honeypot = /<a\b[^>]*style="display:none[^"]*"[^>]*>/i.exec(html)?.[0] ?? '';
    expect(honeypot).toContain('aria-hidden="true"');
    const honeypotToken = tokenOf(/href="([^"]+)"/.exec(honeypot)![1]!, '/e/c/');
    expect(secrets.signer.verify(honeypotToken, 'click')?.position).toBe(2);

    const pixel = /<img\b[^>]*src="([^"]+)"[^>]*width="1"/i.exec(html)?.[1] ?? '';
    expect(secrets.signer.verify(tokenOf(pixel, '/e/o/'), 'open')).toEqual({
      kind: 'open',
      sendId,
      contactId,
      position: 0,
    });

    expect(parsed.text).toContain(`Dear ${name}`);
    expect(parsed.text).toContain(`${PUBLIC_URL}/e/c/`);
    expect(parsed.text).not.toContain('www.shop.test/spring');

    // mailparser folds List-* headers into one object; the raw lines show what was sent.
    const rawHeader = (key: string) =>
      (parsed.headerLines.find((line) => line.key === key)?.line ?? '').replace(/\r?\n\s+/g, ' ');
    expect(rawHeader('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const url = /^List-Unsubscribe: <(https:[^>]+)>$/.exec(rawHeader('list-unsubscribe'))?.[1] ?? '';
    expect(secrets.signer.verify(tokenOf(url, '/e/u/'), 'unsubscribe')).toMatchObject({ sendId, contactId });
    expect(parsed.messageId).toMatch(/^<[A-Za-z0-9_-]+@track\.spoor\.test>$/);
    expect(parsed.messageId).not.toContain(contactId);
    expect(parseSendHeader(secrets, String(parsed.headers.get('x-spoor-send')))).toEqual({
      sendId,
      contactId,
    });

    // DKIM (RFC 8058 §4): the signature covers both unsubscribe headers.
    const dkimLine = parsed.headerLines.find((line) => line.key === 'dkim-signature')?.line ?? '';
    const tags = Object.fromEntries(
      dkimLine
        .replace(/^DKIM-Signature:\s*/i, '')
        .replace(/\r?\n\s+/g, '')
        .split(';')
        .map((tag) => tag.trim().split(/=(.*)/s) as [string, string]),
    );
    expect(tags['d']).toBe('spoor.test');
    expect(tags['s']).toBe('mail2026');
    const signed = String(tags['h']).toLowerCase().split(':');
    expect(signed).toEqual(
      expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']),
    );
  }

  it('a 5xx is a hard bounce that suppresses the address; the next send blocks it', async () => {
    const list = await fx.list('Bounce');
    const gone = await fx.contact({ email: 'Gone@example.com', firstName: 'Gone' });
    const fine = await fx.contact({ email: 'fine@example.com', firstName: 'Fine' });
    await fx.subscribe(list, gone);
    await fx.subscribe(list, fine);
    const messageId = await fx.message({ subject: 'Hi', html: '<p>Hi {{ contact.first_name }}</p>' });

    const first = await sendFinished(spoor, (await startSend(spoor, messageId, [list])).id);
    expect(first.progress).toMatchObject({ sent: 2, accepted: 1, hardBounces: 1, pending: 0 });
    const [goneRow] = (await recipientRows(first.id)).filter((row) => row.contact_id === gone);
    expect(goneRow).toMatchObject({ status: 'hard_bounce', attempts: 1 });
    expect(goneRow?.last_response).toContain('550');
    expect(sink.receivedBy('gone@example.com')).toHaveLength(0);
    const suppression = await spoor.storage.db
      .selectFrom('email_suppressions')
      .selectAll()
      .where('email_match', '=', 'gone@example.com')
      .executeTakeFirst();
    expect(suppression).toMatchObject({ reason: 'hard_bounce', send_id: first.id });

    const attemptsBefore = sink.attempts('gone@example.com');
    const second = await sendFinished(spoor, (await startSend(spoor, messageId, [list])).id);
    expect(second.progress).toMatchObject({ sent: 1, accepted: 1, blocked: { total: 1, hardBounced: 1 } });
    expect(sink.attempts('gone@example.com')).toBe(attemptsBefore);
    expect(sink.receivedBy('fine@example.com')).toHaveLength(2);
  });

  it('a 4xx is retried with growing delays, then delivered, or a soft bounce after the last try', async () => {
    const list = await fx.list('Retry');
    const later = await fx.contact({ email: 'later@example.com', firstName: 'Later' });
    const never = await fx.contact({ email: 'never@example.com', firstName: 'Never' });
    await fx.subscribe(list, later);
    await fx.subscribe(list, never);
    const messageId = await fx.message({ subject: 'Retry', html: '<p>Hi</p>' });
    const send = await sendFinished(spoor, (await startSend(spoor, messageId, [list])).id);

    expect(send.progress).toMatchObject({
      sent: 2,
      accepted: 1,
      softBounces: 1,
      hardBounces: 0,
      deferrals: 4,
    });
    const rows = new Map((await recipientRows(send.id)).map((row) => [row.contact_id, row]));
    expect(rows.get(later)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(rows.get(never)).toMatchObject({ status: 'soft_bounce', attempts: 3 });
    expect(rows.get(never)?.last_response).toContain('452');
    expect(sink.receivedBy('later@example.com')).toHaveLength(1);
    expect(sink.receivedBy('never@example.com')).toHaveLength(0);
    expect(sink.attempts('never@example.com')).toBe(3);
    // The retries waited at least the base delay, then twice that.
    const times = sink.attemptTimes('later@example.com');
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(RETRY_BASE_MS - 5);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS - 5);
    const suppressed = await spoor.storage.db
      .selectFrom('email_suppressions')
      .select('email_match')
      .where('email_match', 'in', ['later@example.com', 'never@example.com'])
      .execute();
    expect(suppressed).toEqual([]);
  });

  it('refuses a suppression cursor it never gave out (NUL once decoded, or not base64url) with a 400', async () => {
    for (const cursor of ['AAAA', 'http%3A%2F%2Fx.example%2F%25F1']) {
      const res = await spoor.app.inject({
        method: 'GET',
        url: `/api/suppressions?cursor=${cursor}`,
        headers: spoor.auth,
      });
      expect(res.statusCode, cursor).toBe(400);
      expect(res.json().message).toBe('cursor is not one this API returned.');
    }
  });

  it('cancel stops the rest; what was sent stays sent', async () => {
    const list = await fx.list('Cancel');
    const addresses: string[] = [];
    for (let i = 0; i < 24; i += 1) {
      const address = `cancel${i}-${engine}@example.com`;
      addresses.push(address);
      await fx.subscribe(list, await fx.contact({ email: address }));
    }
    const messageId = await fx.message({ subject: 'Cancel me', html: '<p>Hi</p>' });
    sink.setDataDelay(150);
    try {
      const { id } = await startSend(spoor, messageId, [list]);
      const received = () => addresses.filter((address) => sink.receivedBy(address).length > 0).length;
      await waitFor('three messages received', () => received() >= 3);
      const res = await spoor.app.inject({
        method: 'POST',
        url: `/api/sends/${id}/cancel`,
        headers: spoor.auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().status).toBe('cancelled');
      // In-flight emails finish and are recorded; then nothing more happens.
      await waitFor('in-flight emails to finish', async () =>
        (await recipientRows(id)).every((row) => row.status !== 'sending'),
      );
      await runnerLetGo(spoor, id);
      const rows = await recipientRows(id);
      const sent = rows.filter((row) => row.status === 'sent').length;
      expect(sent).toBe(received());
      expect(sent).toBeLessThan(24);
      expect(rows.filter((row) => row.status === 'pending')).toHaveLength(24 - sent);
      const send = (
        await spoor.app.inject({ method: 'GET', url: `/api/sends/${id}`, headers: spoor.auth })
      ).json();
      expect(send).toMatchObject({ status: 'cancelled', progress: { sent, pending: 24 - sent } });
      expect(send.finishedAt).not.toBeNull();
      const again = await spoor.app.inject({
        method: 'POST',
        url: `/api/sends/${id}/cancel`,
        headers: spoor.auth,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toEqual({ error: 'conflict', message: 'This send is already cancelled.' });
    } finally {
      sink.setDataDelay(0);
    }
  });

  it('lists sends newest first, a page at a time', async () => {
    const list = await fx.list('Paging');
    const messageId = await fx.message({ subject: 'Page', html: '<p>Hi</p>' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await startSend(spoor, messageId, [list])).id);
      await nextMillisecond(); // sends are listed by their creation time
    }
    const first = await spoor.app.inject({ method: 'GET', url: '/api/sends?limit=2', headers: spoor.auth });
    expect(first.statusCode).toBe(200);
    expect(first.json().sends.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    const next = await spoor.app.inject({
      method: 'GET',
      url: `/api/sends?limit=2&cursor=${first.json().nextCursor}`,
      headers: spoor.auth,
    });
    expect(next.json().sends[0].id).toBe(ids[0]);
    for (const id of ids) await sendFinished(spoor, id);
  });

  it('answers bad input on every endpoint with a clear 4xx', async () => {
    const list = await fx.list('Bad');
    const messageId = await fx.message({ subject: 'Ok', html: '<p>ok</p>' });
    const broken = await fx.unparsableMessage({ subject: 'Broken', html: '<p>{% if %}</p>' });
    const post = (payload: unknown) =>
      spoor.app.inject({
        method: 'POST',
        url: '/api/sends',
        headers: spoor.auth,
        payload: payload as object,
      });

    const cases: [unknown, number, RegExp][] = [
      [{}, 400, /messageId/],
      [{ messageId, listIds: [] }, 400, /listIds/],
      [{ messageId: 42, listIds: [list] }, 400, /messageId/],
      [{ messageId, listIds: 'all' }, 400, /listIds/],
      [{ messageId: 'nope', listIds: [list] }, 422, /no message with id "nope"/],
      [{ messageId, listIds: [list, 'missing'] }, 422, /no list with id "missing"/],
      [{ messageId: broken, listIds: [list] }, 422, /not a valid template/],
    ];
    for (const [payload, status, message] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().message).toMatch(message);
    }
    const unknownList = await post({ messageId, listIds: ['missing'] });
    expect(unknownList.json().details).toEqual({ unknownListIds: ['missing'] });
    const notJson = await spoor.app.inject({
      method: 'POST',
      url: '/api/sends',
      headers: { ...spoor.auth, 'content-type': 'application/json' },
      payload: '{"messageId":',
    });
    expect(notJson.statusCode).toBe(400);

    const get = (url: string, method: 'GET' | 'POST' = 'GET') =>
      spoor.app.inject({ method, url, headers: spoor.auth });
    expect((await get('/api/sends/nope')).statusCode).toBe(404);
    expect((await get('/api/sends/nope')).json().message).toBe('There is no send with id "nope".');
    expect((await get(`/api/sends/${'x'.repeat(65)}`)).statusCode).toBe(400);
    expect((await get('/api/sends?limit=0')).statusCode).toBe(400);
    expect((await get('/api/sends?limit=many')).statusCode).toBe(400);
    expect((await get('/api/sends?cursor=garbage')).json()).toEqual({
      error: 'bad_request',
      message: 'cursor is not one this API returned.',
    });
    expect((await get('/api/sends/nope/cancel', 'POST')).statusCode).toBe(404);
    const done = await startSend(spoor, messageId, [list]);
    await sendFinished(spoor, done.id);
    const cancelDone = await get(`/api/sends/${done.id}/cancel`, 'POST');
    expect(cancelDone.statusCode).toBe(409);
    expect(cancelDone.json().message).toBe('This send is already done.');
    const anonymous = await spoor.app.inject({ method: 'GET', url: '/api/sends' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describeEachEngine('sending: SMTP settings and an unreachable server', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database.drop());

  it('a server that cannot be reached is retried, never bounced; delivery follows once it is up', async () => {
    const port = await freePort();
    const spoor = await startSpoor(
      database,
      {
        publicUrl: PUBLIC_URL,
        sendPollMs: 50,
        smtpRetryBaseMs: 100,
        smtpMaxAttempts: 2,
        smtp: smtpConfigFor({ port }),
      },
      { workers: true },
    );
    let sink: SmtpSink | undefined;
    try {
      const fx = fixtures(spoor);
      const list = await fx.list('Down');
      const addresses = ['d1@example.com', 'd2@example.com', 'd3@example.com'];
      for (const address of addresses) await fx.subscribe(list, await fx.contact({ email: address }));
      const messageId = await fx.message({ subject: 'Down', html: '<p>Hi</p>' });
      const { id } = await startSend(spoor, messageId, [list]);
      const rows = () =>
        spoor.storage.db.selectFrom('send_recipients').selectAll().where('send_id', '=', id).execute();
      // Wait for several failed connection rounds (more than smtpMaxAttempts): the node's unreached
      // streak (spoor_smtp_unreached_streak) counts every recipient's failed try, so more than
      // smtpMaxAttempts tries per recipient means more rounds than that.
      const unreachedStreak = () => smtpUnreached.all().reduce((sum, read) => sum + read(), 0);
      await waitFor(
        'failed connection rounds',
        () => unreachedStreak() > spoor.config.smtpMaxAttempts * addresses.length,
        15_000,
      );
      // A recipient may be caught mid-attempt ('sending'); none is bounced or has used up a try.
      const before = await rows();
      expect(before.map((row) => [row.status === 'sending' ? 'pending' : row.status, row.attempts])).toEqual(
        before.map(() => ['pending', 0]),
      );
      expect(before.some((row) => /ECONNREFUSED|connect/i.test(row.last_response ?? ''))).toBe(true);

      sink = await startSmtpSink({ port });
      const send = await sendFinished(spoor, id);
      expect(send.progress).toMatchObject({ sent: 3, accepted: 3, hardBounces: 0, softBounces: 0 });
      for (const address of addresses) expect(sink.receivedBy(address)).toHaveLength(1);
    } finally {
      await spoor.close();
      await sink?.close();
    }
  });

  it('logs in over STARTTLS when the settings say so', async () => {
    const sink = await startSmtpSink({ tls: true, auth: { user: 'mailer', pass: 's3cret' } });
    const spoor = await startSpoor(
      database,
      {
        publicUrl: PUBLIC_URL,
        sendPollMs: 50,
        smtp: smtpConfigFor(sink, {
          requireTls: true,
          user: 'mailer',
          password: 's3cret',
          pool: 1,
          rate: 50,
        }),
      },
      { workers: true },
    );
    try {
      const fx = fixtures(spoor);
      const list = await fx.list('Tls');
      await fx.subscribe(list, await fx.contact({ email: 'tls@example.com', firstName: 'Tee' }));
      const messageId = await fx.message({ subject: 'Over TLS', html: '<p>Hi {{ contact.first_name }}</p>' });
      const send = await sendFinished(spoor, (await startSend(spoor, messageId, [list])).id);
      expect(send.progress).toMatchObject({ sent: 1, accepted: 1 });
      expect(String(sink.receivedBy('tls@example.com')[0]?.parsed.html)).toContain('Hi Tee');
    } finally {
      await spoor.close();
      await sink.close();
    }
  });
});
