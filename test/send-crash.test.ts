// A send is a durable job: SIGKILL Spoor in the middle of a send to a slowish SMTP server, start it
// again on the same database, and the send finishes with no recipient getting two copies. Whoever was
// in SMTP's hands at the moment of the kill is recorded 'unconfirmed' (never resent), at most one per
// SMTP connection; everyone recorded 'sent' really arrived; the counters agree with the rows.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertContacts } from '../src/contacts/store.ts';
import { newId } from '../src/lib/ids.ts';
import { subscribeContact } from '../src/lists/store.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SpoorProcess, startSpoorProcess } from './helpers/server-process.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { waitFor } from './support/wait-for.ts';

const RECIPIENTS = 300;
const POOL = 3;

describeEachEngine('send crash safety', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  const contactIds: string[] = [];
  const listId = newId();
  const messageId = newId();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink({ dataDelayMs: 15 });
    const storage = database.open();
    try {
      const now = Date.now();
      const contacts = Array.from({ length: RECIPIENTS }, (_, i) => ({
        id: newId(),
        row: {
          email: `crash${i}@example.com`,
          first_name: `Reader ${i}`,
          last_name: null,
          company: null,
          phone: null,
          job_title: null,
          country: null,
          custom: {},
        },
      }));
      await insertContacts(storage.db, contacts, now);
      contactIds.push(...contacts.map((contact) => contact.id));
      await storage.db
        .insertInto('lists')
        .values({ id: listId, name: 'Crash', description: null, created_at: now, updated_at: now })
        .execute();
      for (const id of contactIds)
        await subscribeContact(storage.db, listId, id, { source: 'api', resubscribe: false, now });
      await storage.db
        .insertInto('messages')
        .values({
          id: messageId,
          name: 'Crash',
          subject: 'Hello {{ contact.first_name }}',
          html: '<p>Hello {{ contact.first_name }}</p><a href="https://www.shop.test/">Shop</a>',
          text: null,
          from_name: null,
          from_email: null,
          reply_to: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } finally {
      await storage.close();
    }
  });
  afterAll(async () => {
    await sink.close();
    await database.drop();
  });

  const start = () =>
    startSpoorProcess(database.url, {
      SPOOR_PUBLIC_URL: 'https://track.spoor.test',
      SPOOR_SMTP_HOST: sink.host,
      SPOOR_SMTP_PORT: String(sink.port),
      SPOOR_SMTP_TLS_VERIFY: 'false',
      SPOOR_SMTP_POOL: String(POOL),
      SPOOR_SEND_POLL_MS: '100',
      SPOOR_SMTP_RETRY_MS: '100',
    });

  // The first start installs its bootstrap key; a restart finds a key and installs none.
  let apiKey = '';
  async function api(server: SpoorProcess, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  }

  it('resumes after SIGKILL mid-send without sending anyone two copies', { timeout: 120_000 }, async () => {
    let server = await start();
    apiKey = server.apiKey;
    const created = await api(server, '/api/sends', { messageId, listIds: [listId] });
    expect(created.status).toBe(202);
    const sendId = created.body.id as string;

    await waitFor('a quarter of the emails to arrive', () => sink.messages.length >= RECIPIENTS / 4, {
      timeoutMs: 60_000,
      intervalMs: 5,
    });
    await server.kill('SIGKILL');
    const receivedAtKill = sink.messages.length;
    expect(receivedAtKill).toBeLessThan(RECIPIENTS);

    server = await start();
    try {
      const send: { status: string; progress: Record<string, number> } = await waitFor(
        `send ${sendId} to be done`,
        async () => {
          const body = (await api(server, `/api/sends/${sendId}`)).body;
          return body.status === 'done' && body;
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      expect(sink.messages.length).toBeGreaterThan(receivedAtKill);

      const storage = database.open();
      const rows = await storage.db
        .selectFrom('send_recipients')
        .select(['contact_id', 'email', 'status'])
        .where('send_id', '=', sendId)
        .execute();
      await storage.close();

      const received = new Map<string, number>();
      for (const message of sink.messages)
        for (const to of message.envelope.rcptTo) received.set(to, (received.get(to) ?? 0) + 1);
      const twice = [...received].filter(([, count]) => count > 1);
      expect(twice).toEqual([]);

      expect(rows).toHaveLength(RECIPIENTS);
      const unconfirmed = rows.filter((row) => row.status === 'unconfirmed');
      const sent = rows.filter((row) => row.status === 'sent');
      expect(sent.length + unconfirmed.length).toBe(RECIPIENTS);
      for (const row of sent) expect(received.get(row.email!), row.email!).toBe(1);
      for (const row of rows)
        if (!received.has(row.email!)) expect(row.status, row.email!).toBe('unconfirmed');
      // Only what was in SMTP's hands when the process died: one per connection at most.
      expect(unconfirmed.length).toBeLessThanOrEqual(POOL);

      expect(send.progress).toMatchObject({
        recipients: RECIPIENTS,
        duplicates: 0,
        sent: RECIPIENTS,
        accepted: sent.length,
        unconfirmed: unconfirmed.length,
        hardBounces: 0,
        softBounces: 0,
        pending: 0,
      });
    } finally {
      await server.kill('SIGKILL');
    }
  });
});
