// The bounce receiver on loopback, on SQLite and PostgreSQL, fed real Postfix DSNs and reports written
// to the RFCs (test/fixtures/bounces) about emails Spoor sent through an SMTP sink: attribution by the
// VERP address, the quoted X-Spoor-Send header or the Message-ID; complaints unsubscribe and suppress
// for good; auto-replies are counted apart; duplicates count once; and malformed, oversized,
// truncated, forged or unmatched reports change nothing and are kept for an administrator.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BounceReceiver } from '../src/email/bounces/receiver.ts';
import { verpAddress } from '../src/email/bounces/verp.ts';
import { loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import type { Storage } from '../src/storage/database.ts';
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

const ADDRESSES = [
  'hard@mail.test',
  'header@mail.test',
  'msgid@mail.test',
  'complains@mail.test',
  'away@mail.test',
  'delayed@mail.test',
];

interface Sent {
  returnPath: string;
  contactId: string;
}

describeEachEngine('bounce receiver', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let storage: Storage;
  let receiver: BounceReceiver;
  let sendId: string;
  const sent = new Map<string, Sent>();
  const bounces = bounceSettings();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      { publicUrl: 'https://track.spoor.test', sendPollMs: 50, smtp: smtpConfigFor(sink), bounces },
      { workers: true },
    );
    storage = database.open();
    receiver = await startTestBounceReceiver(storage, bounces);
    const made = await sendToNewList(spoor, ADDRESSES);
    sendId = made.sendId;
    const ids = made.contactIds;
    for (const email of ADDRESSES) {
      const [message] = sink.receivedBy(email);
      if (!message) throw new Error(`nothing sent to ${email}`);
      sent.set(email, {
        returnPath: message.envelope.mailFrom,
        contactId: ids.get(email) as string,
      });
    }
  });
  afterAll(async () => {
    await receiver?.close();
    await storage?.close();
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  const fixture = (name: string, email: string, overrides: Partial<Record<string, string>> = {}) =>
    bounceFixture(sink, name, email, overrides);

  async function deliver(raw: string, to: string, from = ''): Promise<{ code: number; response: string }> {
    try {
      return { code: 250, response: await deliverReport(receiver.port, raw, to, from) };
    } catch (error) {
      const failed = error as { responseCode?: number; response?: string; message: string };
      return { code: failed.responseCode ?? 0, response: failed.response ?? failed.message };
    }
  }

  async function get(url: string) {
    const res = await spoor.app.inject({ method: 'GET', url, headers: spoor.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const status = async (email: string) =>
    (await get(`/api/sends/${sendId}/recipients`)).recipients.find(
      (r: { email: string }) => r.email === email,
    ).status;
  const suppression = async (email: string) =>
    (await get(`/api/contacts/${sent.get(email)?.contactId}/suppression`)).current;
  const latestReport = async () => (await get('/api/bounce-reports?limit=1')).reports[0];

  it('every email left with its own VERP return path at the bounce domain', () => {
    const paths = ADDRESSES.map((email) => sent.get(email)?.returnPath);
    expect(new Set(paths).size).toBe(ADDRESSES.length);
    for (const path of paths)
      expect(path).toMatch(/^b\+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}@bounce\.spoor\.test$/);
  });

  it('a Postfix DSN to the VERP address bounces its recipient, once however often it comes', async () => {
    const email = 'hard@mail.test';
    const dsn = fixture('postfix-5.1.1-unknown-user.eml', email, { SEND_HEADER: '', MESSAGE_ID: '<none@x>' });
    expect((await deliver(dsn, sent.get(email)?.returnPath as string)).code).toBe(250);
    expect(await status(email)).toBe('hard_bounce');
    expect(await suppression(email)).toMatchObject({
      reason: 'hard_bounce',
      category: 'invalid-mailbox',
      listing: 1,
    });
    expect((await deliver(dsn, sent.get(email)?.returnPath as string)).code).toBe(250);
    expect(await latestReport()).toMatchObject({ verdict: 'duplicate', raw: null });
    const insights = await get(`/api/sends/${sendId}/insights`);
    expect(insights.bounces).toEqual({ hard: 1, soft: 0, late: 1 });
    expect(insights.delivered).toBe(ADDRESSES.length - 1);
  });

  it('without a VERP address, the quoted X-Spoor-Send header attributes it; without that, the Message-ID', async () => {
    const byHeader = fixture('postfix-5.1.1-unknown-user.eml', 'header@mail.test', {
      MESSAGE_ID: '<none@x>',
    });
    expect((await deliver(byHeader, `postmaster@${DOMAIN}`)).code).toBe(250);
    expect(await status('header@mail.test')).toBe('hard_bounce');
    const byMessageId = fixture('postfix-5.1.1-unknown-user.eml', 'msgid@mail.test', { SEND_HEADER: '' });
    expect((await deliver(byMessageId, `postmaster@${DOMAIN}`)).code).toBe(250);
    expect(await status('msgid@mail.test')).toBe('hard_bounce');
  });

  it('a complaint unsubscribes the contact from every list and suppresses the address for good', async () => {
    const email = 'complains@mail.test';
    expect((await deliver(fixture('arf-abuse.eml', email), `fbl@${DOMAIN}`)).code).toBe(250);
    expect(await status(email)).toBe('sent');
    expect(await suppression(email)).toMatchObject({ reason: 'complaint', until: null });
    const lists = await get(`/api/contacts/${sent.get(email)?.contactId}/lists`);
    expect(JSON.stringify(lists)).toContain('unsubscribed');
    expect(JSON.stringify(lists)).not.toMatch(/"status":"subscribed"/);
    const lift = await spoor.app.inject({
      method: 'DELETE',
      url: `/api/suppressions/${email}`,
      headers: spoor.auth,
    });
    expect(lift.statusCode).toBe(409);
    expect((await get(`/api/sends/${sendId}/insights`)).complaints).toBe(1);
  });

  it('an auto-reply is counted apart, never a bounce; a delay warning changes nothing', async () => {
    const email = 'away@mail.test';
    expect(
      (await deliver(fixture('auto-reply-vacation.eml', email), sent.get(email)?.returnPath as string)).code,
    ).toBe(250);
    expect(await status(email)).toBe('sent');
    expect(await suppression(email)).toBeNull();
    const delayed = 'delayed@mail.test';
    expect(
      (await deliver(fixture('delayed.eml', delayed), sent.get(delayed)?.returnPath as string)).code,
    ).toBe(250);
    expect(await latestReport()).toMatchObject({
      verdict: 'ignored',
      reason: expect.stringMatching(/delay warning/),
    });
    expect(await status(delayed)).toBe('sent');
    const insights = await get(`/api/sends/${sendId}/insights`);
    expect(insights).toMatchObject({ autoReplies: 1, bounces: { soft: 0 } });
  });

  it('forged, unmatched, malformed, truncated and oversized reports change nothing; the readable ones are kept', async () => {
    const email = 'delayed@mail.test';
    const before = await get(`/api/sends/${sendId}/insights`);
    const real = sent.get(email)?.returnPath as string;
    // One character of the seal changed: forged.
    const forged = real.replace(/^b\+(.)/, (_, c: string) => `b+${c === 'A' ? 'B' : 'A'}`);
    const dsn = (overrides: Record<string, string>) =>
      fixture('postfix-5.1.1-unknown-user.eml', email, overrides);
    expect(
      (await deliver(dsn({ SEND_HEADER: 'x.y.zzzzzzzzzzzzzzzzzzzzzzzz', MESSAGE_ID: '<none@x>' }), forged))
        .code,
    ).toBe(250);
    expect(await latestReport()).toMatchObject({
      verdict: 'forged',
      raw: expect.stringContaining('unknown user'),
    });
    // Sealed by this install but naming a send that does not exist: unmatched.
    const { seal } = await loadInstallSecrets(storage.db, undefined);
    const ghost = verpAddress(seal, DOMAIN, 'NoSuchSend00000000000', sent.get(email)?.contactId as string);
    expect((await deliver(dsn({ SEND_HEADER: '', MESSAGE_ID: '<none@x>' }), ghost)).code).toBe(250);
    expect(await latestReport()).toMatchObject({ verdict: 'unmatched' });
    // Garbage and a cut-off DSN: unparseable, kept.
    expect((await deliver('this is not a report\r\n', real)).code).toBe(250);
    expect(await latestReport()).toMatchObject({
      verdict: 'unparseable',
      raw: expect.stringContaining('not a report'),
    });
    const cut = dsn({}).split('Action:')[0] as string;
    expect((await deliver(cut, real)).code).toBe(250);
    expect(await latestReport()).toMatchObject({ verdict: 'unparseable' });
    // Too large: refused at the SMTP level.
    const big = await deliver(`Subject: big\r\n\r\n${'x'.repeat(30_000)}\r\n`, real);
    expect(big.code).toBe(552);
    // Mail for another domain: refused.
    const other = await deliver(dsn({}), 'someone@elsewhere.test');
    expect(other.code).toBe(550);

    expect(await status(email)).toBe('sent');
    expect(await suppression(email)).toBeNull();
    const after = await get(`/api/sends/${sendId}/insights`);
    expect(after.bounces).toEqual(before.bounces);
    expect(after.delivered).toBe(before.delivered);
    const kept = await get('/api/bounce-reports?verdict=unparseable');
    expect(kept.reports.length).toBeGreaterThanOrEqual(2);
  });
});
