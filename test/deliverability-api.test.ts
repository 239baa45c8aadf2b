// The reads behind the dashboard's deliverability pages, on SQLite and PostgreSQL, from real reports
// through the bounce receiver about an email Spoor sent: a send's outcomes by kind and category (late
// ones counted) and its unsubscribes by source; an address's suppression with where each listing came
// from and its contact; bounce reports for administrators and full keys only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../src/access/api-keys.ts';
import type { BounceReceiver } from '../src/email/bounces/receiver.ts';
import {
  bounceFixture,
  bounceSettings,
  BOUNCE_DOMAIN as DOMAIN,
  deliverReport,
  startTestBounceReceiver,
} from './helpers/bounce-reports.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { sendToNewList } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

const HARD = 'hard@mail.test';
const COMPLAINS = 'complains@mail.test';
const LEAVES = 'leaves@mail.test';

describeEachEngine('deliverability reads', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let receiver: BounceReceiver;
  let sendId: string;
  let contactIds: Map<string, string>;
  const bounces = bounceSettings();

  const fixture = (name: string, email: string) => bounceFixture(sink, name, email);
  const deliver = (raw: string, to: string) => deliverReport(receiver.port, raw, to);
  async function get(url: string, status = 200, authorization = spoor.auth.authorization) {
    const res = await spoor.app.inject({ method: 'GET', url, headers: { authorization } });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  }

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      { publicUrl: 'https://track.spoor.test', sendPollMs: 50, smtp: smtpConfigFor(sink), bounces },
      { workers: true },
    );
    receiver = await startTestBounceReceiver(spoor.storage, bounces);
    ({ sendId, contactIds } = await sendToNewList(spoor, [HARD, COMPLAINS, LEAVES]));
    await deliver(
      fixture('postfix-5.1.1-unknown-user.eml', HARD),
      sink.receivedBy(HARD)[0]!.envelope.mailFrom,
    );
    await deliver(fixture('arf-abuse.eml', COMPLAINS), `fbl@${DOMAIN}`);
    // The reader's mail provider posts the one-click unsubscribe.
    const headers = sink
      .receivedBy(LEAVES)[0]!
      .raw.toString('utf8')
      .split(/\r?\n\r?\n/)[0]!;
    const link = /^List-Unsubscribe:.*?<https:\/\/track\.spoor\.test(\/[^>]+)>/ims.exec(
      headers.replace(/\r?\n[ \t]+/g, ' '),
    )?.[1] as string;
    const unsubscribe = await spoor.app.inject({
      method: 'POST',
      url: link,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.statusCode).toBe(200);
    await waitFor(
      'the unsubscribe',
      async () => (await get(`/api/sends/${sendId}/insights`)).unsubscribes === 1,
    );
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  it("breaks a send's outcomes down by kind and category, and its unsubscribes by source", async () => {
    const breakdown = await get(`/api/sends/${sendId}/outcomes`);
    expect(breakdown.outcomes).toEqual(
      expect.arrayContaining([
        { kind: 'hard_bounce', category: 'invalid-mailbox', count: 1, late: 1 },
        { kind: 'complaint', category: 'complaint', count: 1, late: 1 },
      ]),
    );
    expect(breakdown.outcomes).toHaveLength(2);
    // The complaint unsubscribed its sender too, and says so (not "the link").
    expect(breakdown.unsubscribes).toEqual(
      expect.arrayContaining([
        { source: 'unsubscribe_link', count: 1 },
        { source: 'complaint', count: 1 },
      ]),
    );
    expect(breakdown.unsubscribes).toHaveLength(2);
    await get('/api/sends/NoSuchSend0000000000/outcomes', 404);
  });

  it("explains an address's suppression, with where each listing came from and its contact", async () => {
    const hard = await get(`/api/suppressions/${HARD.toUpperCase()}`);
    expect(hard).toMatchObject({
      email: HARD,
      contactId: contactIds.get(HARD),
      current: { reason: 'hard_bounce', category: 'invalid-mailbox', listing: 1, sendId },
      history: [{ action: 'listed', reason: 'hard_bounce', sendId, via: 'dsn', listing: 1 }],
    });
    const list = await get(`/api/suppressions?email=${COMPLAINS}`);
    expect(list.suppressions).toMatchObject([
      { email: COMPLAINS, contactId: contactIds.get(COMPLAINS), until: null },
    ]);
    expect((await get(`/api/suppressions/${COMPLAINS}`)).history[0]).toMatchObject({ via: 'arf' });
    await get('/api/suppressions/never@mail.test', 404);
  });

  it('shows bounce reports to full keys only', async () => {
    const emailKey = await createApiKey(spoor.storage.db, 'email', ['email']);
    const readOnly = await createApiKey(spoor.storage.db, 'read-only', ['read-only']);
    await get('/api/bounce-reports', 403, `Bearer ${emailKey}`);
    await get('/api/bounce-reports', 403, `Bearer ${readOnly}`);
    expect((await get('/api/bounce-reports')).reports.length).toBeGreaterThanOrEqual(2);
    // The email scope still reads what the reports changed.
    await get(`/api/sends/${sendId}/outcomes`, 200, `Bearer ${emailKey}`);
  });
});
