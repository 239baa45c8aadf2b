// Outgoing webhooks end to end on both engines: endpoints through the API, contact changes and other
// interactions turned into deliveries by the feed consumer, sent to a real HTTPS receiver that verifies
// each with the `standardwebhooks` reference library; outages, 410, a day of failures, 3 days of retries,
// per-contact order, secret rotation, replay, and the SSRF refusals. The delivery clock is the test's.

import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import { setPrefillAllowed } from '../src/contacts/store.ts';
import { mergeContacts } from '../src/identity/merge-contacts.ts';
import { createInteractionFeed } from '../src/interaction-feed.ts';
import type { Logger } from '../src/lib/logger.ts';
import { consumeFeed } from '../src/platform/interactions/feed-consumer.ts';
import { decodeFeedCursor } from '../src/platform/interactions/feed-cursor.ts';
import { deliverDue } from '../src/webhooks/deliver.ts';
import { webhookFeedConsumer } from '../src/webhooks/feed-to-deliveries.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { makeTestCa, type TestCa } from './helpers/test-ca.ts';
import {
  bodyOf,
  egressToReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from './helpers/webhook-receiver.ts';
import { waitFor } from './support/wait-for.ts';

const HOUR = 3_600_000;
const feed = createInteractionFeed();

describeEachEngine('outgoing webhooks', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let ca: TestCa;
  let receiver: WebhookReceiver;
  let clock = Date.parse('2026-12-06T12:00:00Z');
  const warnings: string[] = [];
  const log = {
    warn: (_obj: unknown, message: string) => warnings.push(message),
  } as unknown as Logger;

  const webhookConfig = (): Config['webhooks'] => ({
    pollMs: 50,
    timeoutMs: 1_500,
    concurrency: 8,
    egress: egressToReceiver(ca),
  });

  beforeAll(async () => {
    ca = makeTestCa();
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { webhooks: webhookConfig() });
    receiver = await startWebhookReceiver(ca);
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await spoor?.close();
    await database?.drop();
  });

  // biome-ignore lint/suspicious/noExplicitAny: the tests read whatever JSON the route answers.
  async function api<T = any>(
    method: string,
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await spoor.app.inject({
      method: method as 'GET',
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: res.statusCode, body: res.body ? res.json() : (undefined as T) };
  }

  /**
   * The outbox read to its end: on PostgreSQL a committed row becomes readable once every older
   * transaction in the cluster has ended (decision 013), so read until none is left behind the cursor.
   */
  async function settle(): Promise<void> {
    const db = spoor.storage.db;
    await waitFor(
      'the webhooks consumer to read the feed to its end',
      async () => {
        await consumeFeed(
          db,
          feed,
          webhookFeedConsumer(() => clock),
        );
        const row = await db
          .selectFrom('feed_consumers')
          .select('cursor')
          .where('name', '=', 'webhooks')
          .executeTakeFirst();
        if (!row) return true;
        const at = decodeFeedCursor(row.cursor);
        const { rows } =
          engine === 'postgres'
            ? await sql<{ n: number }>`select count(*)::int as n from interaction_log
                where (xid, seq) > (${at.xid}::xid8, ${at.seq})`.execute(db)
            : await sql<{
                n: number;
              }>`select count(*) as n from interaction_log where seq > ${at.seq}`.execute(db);
        return Number(rows[0]?.n) === 0;
      },
      { timeoutMs: 60_000 },
    );
  }

  /** The outbox read to its end, then one sending pass, at the test's clock. */
  async function pump(): Promise<number> {
    await settle();
    return deliverDue({
      db: spoor.storage.db,
      config: spoor.config.webhooks,
      log,
      now: () => clock,
      random: () => 0.5,
    });
  }

  async function createEndpoint(eventTypes: string[], url = receiver.url) {
    const created = await api('POST', '/api/webhooks', { url, eventTypes, description: 'CRM' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    receiver.secrets = [created.body.secret];
    return created.body as { endpoint: { id: string }; secret: string };
  }

  /** What the receiver processed about these contacts (the feed may carry an earlier test's late item). */
  const about = (...contactIds: string[]) =>
    receiver.processed.filter((r) => contactIds.includes(bodyOf(r).data['contactId'] as string));

  async function createContact(email: string) {
    const res = await api('POST', '/api/contacts', { email, firstName: 'Ada' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  beforeEach(async () => {
    receiver.mode = { kind: 'ok' };
    receiver.requests.length = 0;
    receiver.processed.length = 0;
    // Each test starts with no endpoint (earlier ones removed with their deliveries).
    for (const e of (await api('GET', '/api/webhooks')).body.endpoints)
      await api('DELETE', `/api/webhooks/${e.id}`);
    // Nothing left over in the feed for the next test's endpoint.
    await pump();
  });

  it('sends contact changes signed per Standard Webhooks; the secret is shown once', async () => {
    const { endpoint, secret } = await createEndpoint([
      'contact.created',
      'contact.updated',
      'contact.erased',
    ]);
    expect(secret).toMatch(/^whsec_/);
    const read = await api('GET', `/api/webhooks/${endpoint.id}`);
    expect(JSON.stringify(read.body)).not.toContain(secret);
    expect(read.body.secrets[0].hint).toBe(`${secret.slice(0, 10)}…`);

    const contactId = await createContact('ada@example.com');
    expect((await api('PATCH', `/api/contacts/${contactId}`, { company: 'Acme' })).status).toBe(200);
    // A save that changes nothing is no event.
    expect((await api('PATCH', `/api/contacts/${contactId}`, { company: 'Acme' })).status).toBe(200);
    expect((await api('DELETE', `/api/contacts/${contactId}`)).status).toBe(200);
    await pump();

    const mine = about(contactId);
    expect(mine.map((r) => bodyOf(r).type)).toEqual(['contact.created', 'contact.updated', 'contact.erased']);
    for (const r of mine) {
      expect(r.verifiedBy).toEqual([0]);
      expect(r.id).toMatch(/^msg_/);
      expect(Buffer.byteLength(r.body)).toBeLessThan(20_000);
      expect(bodyOf(r).data).toMatchObject({ contactId });
    }
    expect(bodyOf(mine[1]!).data['attributes']).toEqual({ fields: ['company'] });
    // Thin: no personal data in the body (the erased contact's email is not in any).
    expect(receiver.requests.some((r) => r.body.includes('ada@example.com'))).toBe(false);

    const log = await api('GET', `/api/webhooks/${endpoint.id}/deliveries`);
    expect(log.body.deliveries.map((d: { state: string }) => d.state)).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ]);
    const one = await api('GET', `/api/webhooks/${endpoint.id}/deliveries/${receiver.processed[0]!.id}`);
    expect(one.body.attemptLog).toEqual([
      expect.objectContaining({ status: 200, responseBody: 'thanks', error: null }),
    ]);
  });

  it('an endpoint gets only the event types it asked for', async () => {
    await createEndpoint(['contact.updated']);
    const contactId = await createContact('grace@example.com');
    await api('PATCH', `/api/contacts/${contactId}`, { lastName: 'Hopper' });
    await pump();
    expect(about(contactId).map((r) => bodyOf(r).type)).toEqual(['contact.updated']);
  });

  it('tells of a change of email permissions, in the same entry as the fields changed with it', async () => {
    await createEndpoint(['contact.updated']);
    const contactId = await createContact('ada@example.com');
    await api('PATCH', `/api/contacts/${contactId}`, { doNotEmail: true });
    await api('PATCH', `/api/contacts/${contactId}`, { doNotEmail: true }); // no change: nothing told
    await api('PATCH', `/api/contacts/${contactId}`, { emailTracking: false, company: 'Analytical Engines' });
    await setPrefillAllowed(spoor.storage.db, contactId, true);
    await pump();
    expect(about(contactId).map((r) => bodyOf(r).data['attributes'])).toEqual([
      { fields: ['doNotEmail'] },
      { fields: ['company', 'emailTracking'] },
      { fields: ['prefillAllowed'] },
    ]);
  });

  it('tells of a merge: the survivor, and the contact merged into it', async () => {
    await createEndpoint(['contact.merged']);
    const winner = await createContact('one@example.com');
    const loser = await createContact('two@example.com');
    await spoor.storage.db.transaction().execute((tx) =>
      mergeContacts(tx, spoor.storage.engine, {
        winnerId: winner,
        loserId: loser,
        reason: 'test',
        now: clock,
      }),
    );
    await pump();
    expect(about(winner).map((r) => bodyOf(r))).toEqual([
      expect.objectContaining({
        type: 'contact.merged',
        data: expect.objectContaining({ contactId: winner, attributes: { mergedContactId: loser } }),
      }),
    ]);
  });

  it("keeps each contact's order, one delivery in flight per contact, while the receiver fails", async () => {
    const { endpoint } = await createEndpoint(['contact.created', 'contact.updated']);
    const first = await createContact('first@example.com');
    for (const company of ['A', 'B', 'C']) await api('PATCH', `/api/contacts/${first}`, { company });
    receiver.mode = { kind: 'status', status: 500 };
    await pump();
    // Only the head of the contact's lane was tried: its later events wait behind it.
    const tried = receiver.requests.filter((r) => bodyOf(r).data['contactId'] === first);
    expect(tried.map((r) => bodyOf(r).type)).toEqual(['contact.created']);
    const second = await createContact('second@example.com');
    receiver.mode = { kind: 'ok' };
    await pump();
    // The other contact is not held up by the first one's failing head.
    expect(about(first, second).map((r) => bodyOf(r).data['contactId'])).toEqual([second]);

    clock += 10_000; // past the first retry (5 s ± 20 %)
    await pump();
    const firsts = about(first);
    expect(firsts.map((r) => bodyOf(r).type)).toEqual([
      'contact.created',
      'contact.updated',
      'contact.updated',
      'contact.updated',
    ]);
    expect(firsts.slice(1).map((r) => bodyOf(r).data['attributes'])).toEqual([
      { fields: ['company'] },
      { fields: ['company'] },
      { fields: ['company'] },
    ]);
    // The failed head was sent again with the same webhook-id.
    const retried = receiver.requests.filter((r) => r.id === firsts[0]!.id);
    expect(retried.map((r) => r.answered)).toEqual([500, 200]);
    const detail = await api('GET', `/api/webhooks/${endpoint.id}/deliveries/${firsts[0]!.id}`);
    expect(detail.body.attemptLog.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    expect(detail.body.attemptLog[0].responseBody).toBe('answered 500');
  });

  it('rides out a receiver that is down, slow beyond the timeout, and asks to retry later', async () => {
    const { endpoint } = await createEndpoint(['contact.created']);
    await receiver.stop();
    const down = await createContact('down@example.com');
    await pump();
    const deliveryOf = async () =>
      (await api('GET', `/api/webhooks/${endpoint.id}/deliveries`)).body.deliveries.find(
        (d: { contactId: string }) => d.contactId === down,
      );
    let delivery = await deliveryOf();
    expect(delivery).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
    expect(delivery.lastError).toMatch(/ECONNREFUSED/);
    expect(Date.parse(delivery.nextAttemptAt) - clock).toBe(5_000);

    await receiver.start();
    receiver.mode = { kind: 'slow', ms: 5_000 };
    clock += 5_000;
    await pump();
    delivery = await deliveryOf();
    expect(delivery).toMatchObject({ state: 'pending', attempts: 2 });
    expect(delivery.lastError).toMatch(/did not answer within 1500 ms/);
    expect(Date.parse(delivery.nextAttemptAt) - clock).toBe(300_000);

    receiver.mode = { kind: 'status', status: 503, headers: { 'retry-after': '120' } };
    clock += 300_000;
    await pump();
    delivery = await deliveryOf();
    expect(delivery).toMatchObject({ state: 'pending', attempts: 3, lastStatus: 503 });
    expect(Date.parse(delivery.nextAttemptAt) - clock).toBe(120_000);

    receiver.mode = { kind: 'ok' };
    clock += 119_000;
    await pump();
    expect(receiver.processed).toHaveLength(0); // Retry-After honoured: not yet
    clock += 1_000;
    await pump();
    expect(receiver.processed).toHaveLength(1);
    const health = (await api('GET', `/api/webhooks/${endpoint.id}`)).body;
    expect(health).toMatchObject({
      state: 'enabled',
      failingSince: null,
      deliveries: { delivered: 1, pending: 0 },
    });
  });

  it('410 Gone disables the endpoint; enabling it again sends what waited, in order', async () => {
    const { endpoint } = await createEndpoint(['contact.created']);
    receiver.mode = { kind: 'status', status: 410 };
    const gone1 = await createContact('gone1@example.com');
    await pump();
    const disabled = (await api('GET', `/api/webhooks/${endpoint.id}`)).body;
    expect(disabled.state).toBe('disabled');
    expect(disabled.stateReason).toMatch(/410 Gone/);
    expect(warnings.some((w) => w.includes('disabled: 410 Gone'))).toBe(true);
    // Disabled: nothing more is kept for it.
    const pendingBefore = (await api('GET', `/api/webhooks/${endpoint.id}`)).body.deliveries.pending;
    await createContact('gone2@example.com');
    await pump();
    expect((await api('GET', `/api/webhooks/${endpoint.id}`)).body.deliveries.pending).toBe(pendingBefore);
    receiver.mode = { kind: 'ok' };
    expect((await api('PATCH', `/api/webhooks/${endpoint.id}`, { state: 'enabled' })).body.state).toBe(
      'enabled',
    );
    await pump();
    expect(about(gone1)).toHaveLength(1);
  });

  it('a day of failures pauses the endpoint and says so; 3 days of them give a delivery up; replay sends it', async () => {
    const { endpoint } = await createEndpoint(['contact.created']);
    receiver.mode = { kind: 'status', status: 500 };
    const failing = await createContact('failing@example.com');
    const start = clock;
    const deliveryOf = async () =>
      (await api('GET', `/api/webhooks/${endpoint.id}/deliveries`)).body.deliveries.find(
        (d: { contactId: string }) => d.contactId === failing,
      );
    await pump();
    // Retry on schedule until the day is up.
    while (clock - start < 24 * HOUR) {
      const d = await deliveryOf();
      if (d.state !== 'pending') break;
      clock = Math.max(clock + 1, Date.parse(d.nextAttemptAt));
      await pump();
      if ((await api('GET', `/api/webhooks/${endpoint.id}`)).body.state === 'paused') break;
    }
    const paused = (await api('GET', `/api/webhooks/${endpoint.id}`)).body;
    expect(paused.state).toBe('paused');
    expect(paused.stateReason).toMatch(/failed since .* paused after a day/);
    expect(warnings.some((w) => w.includes('paused: every attempt failed for a day'))).toBe(true);
    // Paused: nothing is sent, whatever is due.
    const tried = receiver.requests.length;
    clock += 48 * HOUR;
    await pump();
    expect(receiver.requests).toHaveLength(tried);

    // Resumed after 3 days: one more failure gives the delivery up.
    await api('PATCH', `/api/webhooks/${endpoint.id}`, { state: 'enabled' });
    clock += 1;
    await pump();
    const given = await deliveryOf();
    expect(given.state).toBe('failed');

    receiver.mode = { kind: 'ok' };
    const replay = await api('POST', `/api/webhooks/${endpoint.id}/replay`, {
      since: new Date(start - 1).toISOString(),
    });
    expect(replay.status).toBe(202);
    expect(replay.body.replayed).toBeGreaterThanOrEqual(1);
    await pump();
    expect(about(failing).map((r) => r.id)).toEqual([given.id]);
    // A single replay of a delivered one sends it again (same id: the receiver deduplicates).
    expect((await api('POST', `/api/webhooks/${endpoint.id}/deliveries/${given.id}/replay`)).status).toBe(
      202,
    );
    await pump();
    expect(receiver.requests.filter((r) => r.id === given.id && r.answered === 200)).toHaveLength(2);
    expect(about(failing)).toHaveLength(1);
  });

  it('a rotated secret: both signatures during the overlap, then only the new one', async () => {
    const { endpoint, secret: oldSecret } = await createEndpoint(['contact.created']);
    const rotated = await api('POST', `/api/webhooks/${endpoint.id}/rotate-secret`, { overlapHours: 24 });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body.endpoint.secrets).toHaveLength(2);
    receiver.secrets = [oldSecret, newSecret];
    const rotate1 = await createContact('rotate1@example.com');
    await pump();
    const [both] = about(rotate1);
    expect(both!.verifiedBy).toEqual([0, 1]);
    expect(both!.signature.split(' ')).toHaveLength(2);

    const again = await api('POST', `/api/webhooks/${endpoint.id}/rotate-secret`, { overlapHours: 0 });
    receiver.secrets = [oldSecret, newSecret, again.body.secret];
    const rotate2 = await createContact('rotate2@example.com');
    await pump();
    expect(about(rotate2)[0]!.verifiedBy).toEqual([2]);
  });

  it('test-send: a signed webhook.test, answered with what the receiver said', async () => {
    const { endpoint } = await createEndpoint(['contact.created']);
    const sent = await api('POST', `/api/webhooks/${endpoint.id}/test`);
    expect(sent.body).toMatchObject({ delivered: true, status: 200, body: 'thanks', error: null });
    expect(receiver.processed.map((r) => bodyOf(r).type)).toContain('webhook.test');
  });

  it('refuses private targets, http and unknown event types with a clear 400', async () => {
    const refused = [
      ['https://127.0.0.1/hook', /127\.0\.0\.1 is a private/],
      ['https://10.1.2.3/hook', /10\.1\.2\.3 is a private/],
      ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a private/],
      ['https://[::1]/hook', /::1 is a private/],
      ['https://[::ffff:127.0.0.1]/hook', /is a private/],
      ['https://[fd00:ec2::254]/hook', /is a private/],
      ['https://0.0.0.0/hook', /is a private/],
      ['https://vm/hook', /vm resolves to 127\.0\.0\.1/], // a name resolving to loopback (/etc/hosts)
      ['http://crm.example.com/hook', /must use https/],
      ['ftp://crm.example.com/hook', /must start with https/],
      ['https://user:pw@crm.example.com/hook', /user name or password/],
      ['not a url', /not an absolute URL/],
    ] as const;
    for (const [url, message] of refused) {
      const res = await api('POST', '/api/webhooks', { url, eventTypes: ['contact.created'] });
      expect(res.status, url).toBe(400);
      expect(res.body.message, url).toMatch(message);
    }
    const unknown = await api('POST', '/api/webhooks', {
      url: receiver.url,
      eventTypes: ['contact.exploded'],
    });
    expect(unknown.status).toBe(400);
    expect((await api('GET', '/api/webhooks')).body.endpoints).toEqual([]);
  });

  it('checks the address when connecting (a name that turned private) and never follows a redirect', async () => {
    const redirectTarget = await startWebhookReceiver(ca);
    try {
      const { endpoint } = await createEndpoint(['contact.created']);
      receiver.mode = { kind: 'redirect', location: `https://127.0.0.1:${redirectTarget.port}/internal` };
      const redirected = await createContact('redirect@example.com');
      await pump();
      expect(redirectTarget.requests).toHaveLength(0);
      const deliveryOf = async () =>
        (await api('GET', `/api/webhooks/${endpoint.id}/deliveries`)).body.deliveries.find(
          (d: { contactId: string }) => d.contactId === redirected,
        );
      const d = await deliveryOf();
      expect(d).toMatchObject({ state: 'pending', lastStatus: 302 });

      // The host was public when saved; it resolves to loopback now (DNS rebinding): refused at connect.
      await spoor.storage.db
        .updateTable('webhook_endpoints')
        .set({ url: `https://vm:${receiver.port}/hooks/spoor` })
        .where('id', '=', endpoint.id)
        .execute();
      receiver.mode = { kind: 'ok' };
      const before = receiver.requests.length;
      clock += 10_000;
      await pump();
      expect(receiver.requests).toHaveLength(before);
      const after = await deliveryOf();
      expect(after.lastError).toMatch(/vm resolves to a private address/);
    } finally {
      await redirectTarget.close();
    }
  });

  it('lists the event types with their Dynamics 365 names', async () => {
    const { body } = await api('GET', '/api/webhook-event-types');
    expect(body.eventTypes).toContainEqual(
      expect.objectContaining({ type: 'email.opened', dynamics: 'EmailOpened' }),
    );
    expect(body.eventTypes).toContainEqual(
      expect.objectContaining({ type: 'form.submitted', dynamics: 'FormSubmitted' }),
    );
  });
});
