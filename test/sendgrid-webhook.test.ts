// SendGrid's signed event webhook, on SQLite and PostgreSQL, with payloads signed as SendGrid signs them
// (ECDSA P-256 / SHA-256 over timestamp + raw body) by a key the test makes: a missing, wrong or stale
// signature or an altered body is refused and records nothing; genuine bounces and spam reports are
// recorded once for the email their smtp-id names.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { sendToNewList } from './support/factories.ts';

const ADDRESSES = ['gone@mail.test', 'angry@mail.test', 'fine@mail.test'];

describeEachEngine('SendGrid event webhook', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let sendId: string;
  const ids = new Map<string, string>();
  const messageIds = new Map<string, string>();
  const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    const publicKey = sendgrid.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    spoor = await startSpoor(
      database,
      {
        publicUrl: 'https://track.spoor.test',
        sendPollMs: 50,
        smtp: smtpConfigFor(sink),
        bounces: {
          domain: undefined,
          smtpPort: 0,
          smtpHost: '127.0.0.1',
          maxBytes: 100_000,
          softLimit: 3,
          softWindow: 5,
          sendgridWebhookKey: publicKey,
        },
      },
      { workers: true },
    );
    const sent = await sendToNewList(spoor, ADDRESSES);
    sendId = sent.sendId;
    for (const [email, id] of sent.contactIds) ids.set(email, id);
    for (const email of ADDRESSES)
      messageIds.set(email, `<${String(sink.receivedBy(email)[0]?.parsed.messageId).replace(/^<|>$/g, '')}>`);
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  function post(
    body: string,
    options: { key?: KeyObject; timestamp?: number; signedBody?: string; signature?: string | null } = {},
  ) {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature =
      options.signature === null
        ? undefined
        : (options.signature ??
          sign(
            'sha256',
            Buffer.from(timestamp + (options.signedBody ?? body)),
            options.key ?? sendgrid.privateKey,
          ).toString('base64'));
    return spoor.app.inject({
      method: 'POST',
      url: '/webhooks/sendgrid',
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-timestamp': timestamp,
        ...(signature ? { 'x-twilio-email-event-webhook-signature': signature } : {}),
      },
      payload: body,
    });
  }
  const events = () =>
    JSON.stringify([
      {
        email: 'gone@mail.test',
        timestamp: 1,
        'smtp-id': messageIds.get('gone@mail.test'),
        event: 'bounce',
        type: 'bounce',
        status: '5.1.1',
        reason: '550 5.1.1 The email account that you tried to reach does not exist',
        sg_event_id: 'e1',
      },
      {
        email: 'angry@mail.test',
        timestamp: 1,
        'smtp-id': messageIds.get('angry@mail.test'),
        event: 'spamreport',
        sg_event_id: 'e2',
      },
      {
        email: 'fine@mail.test',
        timestamp: 1,
        'smtp-id': messageIds.get('fine@mail.test'),
        event: 'delivered',
        sg_event_id: 'e3',
      },
      {
        email: 'fine@mail.test',
        timestamp: 1,
        'smtp-id': messageIds.get('fine@mail.test'),
        event: 'open',
        sg_machine_open: false,
        sg_event_id: 'e4',
      },
      {
        email: 'someone@else.test',
        timestamp: 1,
        'smtp-id': '<not-ours@x.test>',
        event: 'bounce',
        status: '5.1.1',
        reason: 'no',
        sg_event_id: 'e5',
      },
      'not an event',
    ]);
  async function get(url: string) {
    return (await spoor.app.inject({ method: 'GET', url, headers: spoor.auth })).json();
  }
  const statusOf = async (email: string) =>
    (await get(`/api/sends/${sendId}/recipients`)).recipients.find(
      (r: { email: string }) => r.email === email,
    ).status;

  it('refuses a missing, wrong or stale signature and an altered body, recording nothing', async () => {
    const body = events();
    expect((await post(body, { signature: null })).statusCode).toBe(403);
    expect((await post(body, { key: stranger.privateKey })).statusCode).toBe(403);
    expect((await post(body, { signedBody: body.replace('5.1.1', '4.2.2') })).statusCode).toBe(403);
    const stale = await post(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.statusCode).toBe(403);
    expect(stale.json().message).toMatch(/15 minutes/);
    expect((await post(body, { signature: 'bm90IGEgc2lnbmF0dXJl' })).statusCode).toBe(403);
    expect(await statusOf('gone@mail.test')).toBe('sent');
    expect((await get(`/api/sends/${sendId}/insights`)).bounces).toEqual({ hard: 0, soft: 0, late: 0 });
  });

  it('records genuine bounces and spam reports once, for the email their smtp-id names', async () => {
    const first = await post(events());
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ recorded: 2, duplicates: 0, unmatched: 1, ignored: 3 });
    expect(await statusOf('gone@mail.test')).toBe('hard_bounce');
    const gone = await get(`/api/contacts/${ids.get('gone@mail.test')}/suppression`);
    expect(gone.current).toMatchObject({ reason: 'hard_bounce', category: 'invalid-mailbox' });
    const angry = await get(`/api/contacts/${ids.get('angry@mail.test')}/suppression`);
    expect(angry.current).toMatchObject({ reason: 'complaint', until: null });

    const again = await post(events());
    expect(again.json()).toEqual({ recorded: 0, duplicates: 2, unmatched: 1, ignored: 3 });
    const insights = await get(`/api/sends/${sendId}/insights`);
    expect(insights).toMatchObject({ delivered: 2, bounces: { hard: 1, soft: 0, late: 1 }, complaints: 1 });
  });

  it('a signed body that is not an array of events is a 400', async () => {
    expect((await post('{"event":"bounce"}')).statusCode).toBe(400);
    expect((await post('not json')).statusCode).toBe(400);
  });
});
