// Amazon SES (through SNS), Mailgun and Postmark webhooks on SQLite and PostgreSQL, with requests made
// as each provider makes them, by keys and certificates the test makes: SNS messages signed with
// SignatureVersion 1 and 2 by a certificate a test CA issued, served over local HTTPS that the SNS
// host rule is pointed at (only here); Mailgun's HMAC over timestamp + token; Postmark's Basic
// credentials. Forged, altered, stale or replayed requests are refused and record nothing; genuine
// bounces and complaints are recorded once for the email our headers name. Then the bounce reports
// kept for administrators are pruned after their days.
import { createHmac, generateKeyPairSync, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkSnsSignature, fetchHttps } from '../src/email/bounces/sns-certificates.ts';
import { readSnsMessage } from '../src/email/bounces/sns-message.ts';
import { newId } from '../src/lib/ids.ts';
import { applyRetention } from '../src/privacy/apply-retention.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { makeTestCa, type TestCa } from './helpers/test-ca.ts';
import { sendToNewList } from './support/factories.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';
const OTHER_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:someone-elses';
const MAILGUN_KEY = 'mailgun-signing-key-0123456789';
const POSTMARK = { user: 'postmark', password: 'a-long-postmark-password-0123' };
const ADDRESSES = [
  'ses-gone@mail.test',
  'ses-angry@mail.test',
  'ses-fine@mail.test',
  'mg-gone@mail.test',
  'mg-busy@mail.test',
  'pm-gone@mail.test',
  'pm-angry@mail.test',
];

/** The string SNS signs, written out here from AWS's documentation (not Spoor's own function). */
function canonical(fields: Record<string, string>): string {
  const names =
    fields['Type'] === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return names
    .filter((name) => fields[name] !== undefined)
    .map((name) => `${name}\n${fields[name]}\n`)
    .join('');
}

describeEachEngine('Amazon SES, Mailgun and Postmark webhooks', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let sendId: string;
  let ca: TestCa;
  let sns: Server;
  let snsHost: string;
  const snsRequests: string[] = [];
  const ids = new Map<string, string>();
  const messageIds = new Map<string, string>();
  const sendHeaders = new Map<string, string>();
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    ca = makeTestCa();
    // A local HTTPS server standing in for sns.<region>.amazonaws.com: the certificate and confirmations.
    sns = createServer({ key: ca.server.key, cert: ca.server.cert }, (req, res) => {
      snsRequests.push(req.url ?? '');
      if (req.url === '/SimpleNotificationService-test.pem') res.end(ca.signing.cert);
      else if (req.url?.startsWith('/?Action=ConfirmSubscription')) res.end('<ConfirmSubscriptionResponse/>');
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => sns.listen(0, '127.0.0.1', resolve));
    snsHost = `localhost:${(sns.address() as AddressInfo).port}`;

    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      {
        publicUrl: 'https://track.spoor.test',
        sendPollMs: 50,
        smtp: smtpConfigFor(sink),
        espWebhooks: {
          sesTopicArns: [TOPIC],
          snsTrust: { host: /^localhost:\d+$/, ca: ca.ca },
          mailgunSigningKey: MAILGUN_KEY,
          postmark: POSTMARK,
        },
      },
      { workers: true },
    );
    const sent = await sendToNewList(spoor, ADDRESSES);
    sendId = sent.sendId;
    for (const [email, id] of sent.contactIds) ids.set(email, id);
    for (const email of ADDRESSES) {
      const parsed = sink.receivedBy(email)[0]?.parsed;
      messageIds.set(email, `<${String(parsed?.messageId).replace(/^<|>$/g, '')}>`);
      sendHeaders.set(email, String(parsed?.headers.get('x-spoor-send')));
    }
  }, 60_000);
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
    await new Promise((resolve) => sns?.close(resolve));
  });

  async function get(url: string) {
    return (await spoor.app.inject({ method: 'GET', url, headers: spoor.auth })).json();
  }
  const statusOf = async (email: string) =>
    (await get(`/api/sends/${sendId}/recipients`)).recipients.find(
      (r: { email: string }) => r.email === email,
    ).status;
  const reportCount = async () => (await get('/api/bounce-reports?limit=200')).reports.length;

  // ---- Amazon SES through SNS ----

  function snsPost(
    fields: Record<string, string>,
    options: {
      version?: '1' | '2';
      key?: KeyObject;
      certUrl?: string;
      alter?: (f: Record<string, string>) => void;
    } = {},
  ) {
    const version = options.version ?? '2';
    const body: Record<string, string> = {
      MessageId: newId(),
      Timestamp: new Date().toISOString(),
      TopicArn: TOPIC,
      ...fields,
      SignatureVersion: version,
      SigningCertURL: options.certUrl ?? `https://${snsHost}/SimpleNotificationService-test.pem`,
    };
    body['Signature'] = sign(
      version === '1' ? 'RSA-SHA1' : 'RSA-SHA256',
      Buffer.from(canonical(body)),
      options.key ?? ca.signing.key,
    ).toString('base64');
    options.alter?.(body);
    return spoor.app.inject({
      method: 'POST',
      url: '/webhooks/ses',
      headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': body['Type'] ?? '' },
      payload: JSON.stringify(body),
    });
  }
  const mail = (email: string, withSendHeader: boolean) => ({
    timestamp: new Date().toISOString(),
    messageId: '0100018f-ses-own-id',
    source: 'news@track.spoor.test',
    destination: [email],
    headers: [
      { name: 'Message-ID', value: messageIds.get(email) },
      ...(withSendHeader ? [{ name: 'X-Spoor-Send', value: sendHeaders.get(email) }] : []),
    ],
    commonHeaders: { messageId: messageIds.get(email), subject: 'News' },
  });
  const sesBounce = (email: string, recipient = email) =>
    JSON.stringify({
      notificationType: 'Bounce',
      mail: mail(email, true),
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: recipient,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
        timestamp: new Date().toISOString(),
        feedbackId: 'f1',
      },
    });
  const notification = (message: string) => ({ Type: 'Notification', Message: message });

  it('SNS: refuses a forged, altered, stale or foreign message and a certificate from elsewhere, recording nothing', async () => {
    const message = notification(sesBounce('ses-gone@mail.test'));
    const before = await reportCount();
    const refused = [
      await snsPost(message, { key: stranger.privateKey }),
      await snsPost(message, { version: '1', key: stranger.privateKey }),
      await snsPost(message, {
        alter: (f) => (f['Message'] = f['Message']!.replace('Permanent', 'Transient')),
      }),
      await snsPost(message, { alter: (f) => (f['SignatureVersion'] = '1') }),
      await snsPost({ ...message, Timestamp: new Date(Date.now() - 2 * 3_600_000).toISOString() }),
      await snsPost(message, { certUrl: `https://${snsHost}.evil.test/SimpleNotificationService-test.pem` }),
      await snsPost(message, { certUrl: `http://${snsHost}/SimpleNotificationService-test.pem` }),
      await snsPost(message, { certUrl: `https://${snsHost}/SimpleNotificationService-missing.pem` }),
    ];
    for (const res of refused) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().message).toMatch(/^Not a genuine SNS message: /);
    }
    expect(refused[4]!.json().message).toMatch(/more than an hour old/);
    expect(refused[5]!.json().message).toMatch(/SNS host/);
    const foreign = await snsPost({ ...message, TopicArn: OTHER_TOPIC });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toMatch(/SPOOR_SES_TOPIC_ARNS/);
    // Nothing was fetched from a host the rule refused.
    expect(snsRequests.filter((url) => !url.startsWith('/SimpleNotificationService-'))).toEqual([]);
    expect(await statusOf('ses-gone@mail.test')).toBe('sent');
    expect(await reportCount()).toBe(before);
    const malformed = await spoor.app.inject({
      method: 'POST',
      url: '/webhooks/ses',
      headers: { 'content-type': 'text/plain' },
      payload: '{"Type":"Notification"',
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('SNS: confirms a subscription only for a configured topic and only at an SNS host', async () => {
    const confirm = (topic: string, host = snsHost) => ({
      Type: 'SubscriptionConfirmation',
      TopicArn: topic,
      Token: 'token-0123',
      Message: `You have chosen to subscribe to the topic ${topic}.`,
      SubscribeURL: `https://${host}/?Action=ConfirmSubscription&TopicArn=${topic}&Token=token-0123`,
    });
    const foreign = await snsPost(confirm(OTHER_TOPIC));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toMatch(/not one SPOOR_SES_TOPIC_ARNS names/);
    const elsewhere = await snsPost(confirm(TOPIC, 'confirm.evil.test'));
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().message).toMatch(/not confirmed/);
    expect(snsRequests.some((url) => url.startsWith('/?Action'))).toBe(false);

    const confirmed = await snsPost(confirm(TOPIC), { version: '1' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ subscription: 'confirmed', recorded: 0 });
    expect(snsRequests.filter((url) => url.startsWith('/?Action=ConfirmSubscription'))).toHaveLength(1);
  });

  it('SNS: records SES bounces (v1) and complaints (v2) once, for the email our headers name', async () => {
    const bounce = notification(sesBounce('ses-gone@mail.test'));
    const first = await snsPost(bounce, { version: '1' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ recorded: 1, duplicates: 0 });
    expect(await statusOf('ses-gone@mail.test')).toBe('hard_bounce');
    const gone = await get(`/api/contacts/${ids.get('ses-gone@mail.test')}/suppression`);
    expect(gone.current).toMatchObject({ reason: 'hard_bounce', category: 'invalid-mailbox' });
    // SNS delivers again (a retry): recorded once.
    expect((await snsPost(bounce, { version: '2' })).json()).toMatchObject({ recorded: 0, duplicates: 1 });

    // The event-publishing form, named by the Message-ID alone.
    const complaint = JSON.stringify({
      eventType: 'Complaint',
      mail: mail('ses-angry@mail.test', false),
      complaint: {
        complainedRecipients: [{ emailAddress: 'ses-angry@mail.test' }],
        complaintFeedbackType: 'abuse',
      },
    });
    expect((await snsPost(notification(complaint))).json()).toMatchObject({ recorded: 1 });
    const angry = await get(`/api/contacts/${ids.get('ses-angry@mail.test')}/suppression`);
    expect(angry.current).toMatchObject({ reason: 'complaint', until: null });

    const delivery = JSON.stringify({
      notificationType: 'Delivery',
      mail: mail('ses-fine@mail.test', true),
      delivery: {},
    });
    expect((await snsPost(notification(delivery))).json()).toMatchObject({ recorded: 0, ignored: 1 });
    // A bounce of another address than the email went to changes nothing and is kept for an administrator.
    const stray = await snsPost(notification(sesBounce('ses-fine@mail.test', 'someone@else.test')));
    expect(stray.json()).toMatchObject({ recorded: 0, unmatched: 1 });
    expect(await statusOf('ses-fine@mail.test')).toBe('sent');
    const unmatched = await get('/api/bounce-reports?verdict=unmatched');
    expect(unmatched.reports.some((r: { source: string }) => r.source === 'ses')).toBe(true);
  });

  it('SNS: outside tests, a certificate host that resolves to a private address is never fetched', async () => {
    const url = new URL(`https://${snsHost}/SimpleNotificationService-test.pem`);
    const before = snsRequests.length;
    await expect(fetchHttps(url, { ca: ca.ca }, 16_384)).rejects.toThrow(/private address/);
    expect(snsRequests.length).toBe(before);
    // The same request with the tests' allowance reaches the stand-in.
    await expect(fetchHttps(url, { ca: ca.ca, allowPrivate: true }, 16_384)).resolves.toContain(
      'BEGIN CERTIFICATE',
    );
  });

  it('SNS: a signature by a certificate that is no longer valid does not hold', () => {
    const fields: Record<string, string> = {
      Type: 'Notification',
      MessageId: 'm-expired',
      TopicArn: TOPIC,
      Message: '{}',
      Timestamp: new Date().toISOString(),
    };
    const read = readSnsMessage(
      JSON.stringify({
        ...fields,
        SignatureVersion: '2',
        Signature: sign('RSA-SHA256', Buffer.from(canonical(fields)), ca.signing.key).toString('base64'),
        SigningCertURL: `https://${snsHost}/SimpleNotificationService-test.pem`,
      }),
    );
    if (!read.ok) throw new Error(read.reason);
    const certificate = new X509Certificate(ca.signing.cert);
    expect(checkSnsSignature(read.message, certificate, Date.now())).toEqual({ ok: true });
    // The test CA issues for two days: three days on, the certificate has expired.
    expect(checkSnsSignature(read.message, certificate, Date.now() + 3 * 86_400_000)).toEqual({
      ok: false,
      reason: 'the signing certificate is not valid now',
    });
  });

  // ---- Mailgun ----

  function mailgunBody(
    data: Record<string, unknown>,
    options: { key?: string; age?: number; token?: string } = {},
  ) {
    const timestamp = String(Math.floor(Date.now() / 1000) - (options.age ?? 0));
    const token =
      options.token ??
      newId()
        .replace(/[^A-Za-z0-9]/g, '')
        .padEnd(50, 'x')
        .slice(0, 50);
    const signature = createHmac('sha256', options.key ?? MAILGUN_KEY)
      .update(timestamp + token)
      .digest('hex');
    return JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': data });
  }
  const mailgunFailure = (email: string) => ({
    event: 'failed',
    severity: 'permanent',
    reason: 'bounce',
    recipient: email,
    'delivery-status': {
      code: 550,
      message: '5.1.1 The email account that you tried to reach does not exist',
    },
    message: { headers: { 'message-id': messageIds.get(email)!.replace(/^<|>$/g, '') } },
  });
  const mailgun = (payload: string) =>
    spoor.app.inject({
      method: 'POST',
      url: '/webhooks/mailgun',
      headers: { 'content-type': 'application/json' },
      payload,
    });

  it('Mailgun: refuses a wrong or stale signature and a replayed token; records a permanent failure once', async () => {
    const event = mailgunFailure('mg-gone@mail.test');
    expect((await mailgun(mailgunBody(event, { key: 'another-signing-key-0123' }))).statusCode).toBe(403);
    const stale = await mailgun(mailgunBody(event, { age: 3600 }));
    expect(stale.statusCode).toBe(403);
    expect(stale.json().message).toMatch(/15 minutes/);
    expect((await mailgun('{"signature":')).statusCode).toBe(400);
    expect(await statusOf('mg-gone@mail.test')).toBe('sent');

    const body = mailgunBody(event);
    const first = await mailgun(body);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ recorded: 1 });
    expect(await statusOf('mg-gone@mail.test')).toBe('hard_bounce');
    const replay = await mailgun(body);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().message).toMatch(/replay/);
    // Mailgun's own second event for it (a new token) dedupes.
    expect((await mailgun(mailgunBody(event))).json()).toMatchObject({ recorded: 0, duplicates: 1 });
  });

  it('Mailgun: an event for an email still being sent is a 503, and its retry (same token) is taken', async () => {
    const contactId = ids.get('mg-busy@mail.test')!;
    const setStatus = (status: 'sending' | 'sent') =>
      spoor.storage.db
        .updateTable('send_recipients')
        .set({ status })
        .where('send_id', '=', sendId)
        .where('contact_id', '=', contactId)
        .execute();
    const body = mailgunBody(mailgunFailure('mg-busy@mail.test'));
    await setStatus('sending');
    const busy = await mailgun(body);
    expect(busy.statusCode).toBe(503);
    expect(busy.json().message).toMatch(/Mailgun will retry/);
    await setStatus('sent');
    const retry = await mailgun(body);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ recorded: 1 });
  });

  // ---- Postmark ----

  const postmark = (record: Record<string, unknown>, credentials?: string) =>
    spoor.app.inject({
      method: 'POST',
      url: '/webhooks/postmark',
      headers: {
        'content-type': 'application/json',
        ...(credentials ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}),
      },
      payload: JSON.stringify(record),
    });
  const right = `${POSTMARK.user}:${POSTMARK.password}`;

  it('Postmark: refuses missing or wrong credentials; records bounces and spam complaints by our header', async () => {
    const bounce = {
      RecordType: 'Bounce',
      Type: 'HardBounce',
      TypeCode: 1,
      MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
      Email: 'pm-gone@mail.test',
      Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist',
      Metadata: { 'spoor-send': sendHeaders.get('pm-gone@mail.test') },
    };
    const none = await postmark(bounce);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic/);
    expect((await postmark(bounce, `${POSTMARK.user}:wrong-password-0123456`)).statusCode).toBe(401);
    expect(await statusOf('pm-gone@mail.test')).toBe('sent');

    expect((await postmark(bounce, right)).json()).toMatchObject({ recorded: 1 });
    expect(await statusOf('pm-gone@mail.test')).toBe('hard_bounce');
    expect((await postmark(bounce, right)).json()).toMatchObject({ recorded: 0, duplicates: 1 });

    // A forged header in Metadata is no attribution: kept as forged, nothing changes.
    const forged = await postmark(
      { ...bounce, Email: 'pm-angry@mail.test', Metadata: { 'spoor-send': '2.x.y.forged' } },
      right,
    );
    expect(forged.json()).toMatchObject({ recorded: 0, unmatched: 1 });

    const complaint = {
      RecordType: 'SpamComplaint',
      Type: 'SpamComplaint',
      TypeCode: 512,
      Email: 'pm-angry@mail.test',
      Metadata: { 'spoor-send': sendHeaders.get('pm-angry@mail.test') },
    };
    expect((await postmark(complaint, right)).json()).toMatchObject({ recorded: 1 });
    const angry = await get(`/api/contacts/${ids.get('pm-angry@mail.test')}/suppression`);
    expect(angry.current).toMatchObject({ reason: 'complaint' });
    expect((await postmark({ RecordType: 'Delivery' }, right)).json()).toMatchObject({ ignored: 1 });
    const notObject = await spoor.app.inject({
      method: 'POST',
      url: '/webhooks/postmark',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(right).toString('base64')}`,
      },
      payload: '[1]',
    });
    expect(notObject.statusCode).toBe(400);
  });

  it('the send’s insights count what the webhooks brought', async () => {
    const insights = await get(`/api/sends/${sendId}/insights`);
    expect(insights).toMatchObject({ bounces: { hard: 4, late: 4 }, complaints: 2 });
  });

  // ---- retention ----

  it('prunes bounce reports older than their days and spent webhook tokens, keeping the rest', async () => {
    const day = 86_400_000;
    const now = Date.now();
    const report = (id: string, receivedAt: number) => ({
      id,
      received_at: receivedAt,
      source: 'smtp',
      verdict: 'unparseable' as const,
      reason: 'test',
      envelope_from: null,
      envelope_to: null,
      size: 1,
      raw: 'x',
    });
    await spoor.storage.db
      .insertInto('bounce_reports')
      .values([report('old-report', now - 31 * day), report('new-report', now - 29 * day)])
      .execute();
    await spoor.storage.db
      .insertInto('webhook_tokens')
      .values({ provider: 'mailgun', token: 'spent-token', seen_at: now - 2 * day })
      .execute();
    const result = await applyRetention(spoor.storage, now, {
      bounceReportDays: spoor.config.bounceReportDays,
    });
    expect(spoor.config.bounceReportDays).toBe(30);
    expect(result.bounceReports).toBe(1);
    const ids = (await get('/api/bounce-reports?limit=200')).reports.map((r: { id: string }) => r.id);
    expect(ids).toContain('new-report');
    expect(ids).not.toContain('old-report');
    const tokens = await spoor.storage.db.selectFrom('webhook_tokens').select('token').execute();
    expect(tokens.map((t) => t.token)).not.toContain('spent-token');
    expect(tokens.length).toBeGreaterThan(0);
  });
});
