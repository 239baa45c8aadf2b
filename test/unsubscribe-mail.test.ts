// The List-Unsubscribe mailto answered by the bounce receiver (issue 16 part 3), and STARTTLS on the
// receiver, on SQLite and PostgreSQL: an email sent through a loopback sink carries
// <https one-click>, <mailto:u+…@bounce domain>; mail to that address, sent through SMTP to the
// receiver, unsubscribes the contact, attributed to the send and counted once however often it comes
// (and once with the one-click link too); a forged address is refused at RCPT with nothing changed; an
// automatic reply changes nothing; a complaint report sent there is a complaint too; a write that fails
// is answered 451 with nothing changed, and an erased contact's address 550. With a certificate
// in the settings the receiver offers STARTTLS and takes a report over it; without, it offers none.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BounceConfig, loadConfig } from '../src/config.ts';
import type { BounceReceiver } from '../src/email/bounces/receiver.ts';
import { bounceFixture, BOUNCE_DOMAIN as DOMAIN, startTestBounceReceiver } from './helpers/bounce-reports.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type ReceivedMessage, type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { sendToNewList } from './support/factories.ts';

const ADDRESSES = ['ann@mail.test', 'bob@mail.test', 'cy@mail.test', 'dee@mail.test', 'eve@mail.test'];

describeEachEngine('unsubscribe by mail, and STARTTLS on the receiver', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let receiver: BounceReceiver;
  let plainReceiver: BounceReceiver;
  let certificate: string;
  let dir: string;
  let sendId: string;
  let contactIds: Map<string, string>;
  const sent = new Map<string, ReceivedMessage>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spoor-receiver-'));
    const pems = await generate([{ name: 'commonName', value: DOMAIN }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2 as const, value: DOMAIN }] },
      ],
    });
    certificate = pems.cert;
    writeFileSync(join(dir, 'receiver.pem'), pems.cert);
    writeFileSync(join(dir, 'receiver.key'), pems.private);
    // Read through the settings, as a deployment gives them.
    const bounces: BounceConfig = loadConfig({
      SPOOR_BOUNCE_DOMAIN: DOMAIN,
      SPOOR_BOUNCE_SMTP_PORT: '0',
      SPOOR_BOUNCE_SMTP_HOST: '127.0.0.1',
      SPOOR_BOUNCE_TLS_CERT: join(dir, 'receiver.pem'),
      SPOOR_BOUNCE_TLS_KEY: join(dir, 'receiver.key'),
    }).bounces;
    expect(bounces.tls?.cert).toBe(pems.cert);

    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      { publicUrl: 'https://track.spoor.test', sendPollMs: 50, smtp: smtpConfigFor(sink), bounces },
      { workers: true },
    );
    // The server's receiver shares the app's storage handle (and so its writer thread on SQLite).
    receiver = await startTestBounceReceiver(spoor.storage, bounces);
    plainReceiver = await startTestBounceReceiver(spoor.storage, { ...bounces, tls: undefined });
    const made = await sendToNewList(spoor, ADDRESSES);
    sendId = made.sendId;
    contactIds = made.contactIds;
    for (const email of ADDRESSES) {
      const [message] = sink.receivedBy(email);
      if (!message) throw new Error(`nothing sent to ${email}`);
      sent.set(email, message);
    }
  });
  afterAll(async () => {
    await receiver?.close();
    await plainReceiver?.close();
    await spoor?.close();
    await sink?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The email's List-Unsubscribe header as it arrived (unfolded), and its two URIs. */
  function listUnsubscribe(email: string) {
    const message = sent.get(email) as ReceivedMessage;
    const line = message.parsed.headerLines.find((l) => l.key === 'list-unsubscribe')?.line ?? '';
    const value = line.replace(/\r?\n[ \t]+/g, ' ').replace(/^List-Unsubscribe:\s*/i, '');
    const uris = [...value.matchAll(/<([^<>]+)>/g)].map((m) => m[1] as string);
    const post = message.parsed.headerLines.find((l) => l.key === 'list-unsubscribe-post')?.line;
    return { value, uris, post };
  }
  function mailtoOf(email: string): { address: string; subject: string | null } {
    const mailto = new URL(listUnsubscribe(email).uris.find((uri) => uri.startsWith('mailto:')) as string);
    return { address: decodeURIComponent(mailto.pathname), subject: mailto.searchParams.get('subject') };
  }

  async function deliver(
    mail: SendMailOptions,
    options: { port?: number; tls?: boolean } = {},
  ): Promise<{ code: number; response: string; rejected?: string[] }> {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: options.port ?? receiver.port,
      secure: false,
      ...(options.tls
        ? { requireTLS: true, tls: { ca: [certificate], servername: DOMAIN } }
        : { ignoreTLS: true }),
    });
    try {
      const info = await transport.sendMail(mail);
      const rejected = (info.rejectedErrors ?? []).map((e) => `${e.recipient ?? ''} ${e.response ?? ''}`);
      return { code: 250, response: info.response, rejected };
    } catch (error) {
      const failed = error as { responseCode?: number; response?: string; message: string };
      return { code: failed.responseCode ?? 0, response: failed.response ?? failed.message };
    } finally {
      transport.close();
    }
  }
  const unsubscribeMail = (email: string, extra: SendMailOptions = {}) => {
    const { address, subject } = mailtoOf(email);
    return deliver({ from: email, to: address, subject: subject ?? '', text: '', ...extra });
  };

  const db = () => spoor.storage.db;
  const membership = (email: string) =>
    db()
      .selectFrom('list_members')
      .select(['status', 'unsubscribed_send_id'])
      .where('contact_id', '=', contactIds.get(email) as string)
      .executeTakeFirstOrThrow();
  const consentEvents = (email: string) =>
    db()
      .selectFrom('consent_events')
      .selectAll()
      .where('contact_id', '=', contactIds.get(email) as string)
      .execute();
  async function get(url: string) {
    const res = await spoor.app.inject({ method: 'GET', url, headers: spoor.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const unsubscribes = async () => (await get(`/api/sends/${sendId}/insights`)).unsubscribes as number;

  it('each email carries the one-click URL and a sealed mailto at the bounce domain in one header', () => {
    const { uris, post } = listUnsubscribe('ann@mail.test');
    expect(post).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(uris).toHaveLength(2);
    expect(uris[0]).toMatch(/^https:\/\/track\.spoor\.test\/e\/u\//);
    expect(uris[1]).toMatch(
      /^mailto:u\+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}@bounce\.spoor\.test\?subject=unsubscribe$/,
    );
    // One address per recipient, none of them the return path.
    const addresses = ADDRESSES.map((email) => mailtoOf(email).address);
    expect(new Set(addresses).size).toBe(ADDRESSES.length);
    expect(addresses).not.toContain(sent.get('ann@mail.test')?.envelope.mailFrom);
  });

  it('mail to it unsubscribes the contact, attributed to the send, counted once however often it comes', async () => {
    const email = 'ann@mail.test';
    expect(await unsubscribes()).toBe(0);
    const first = await unsubscribeMail(email);
    expect(first.code, first.response).toBe(250);
    expect(first.response).toMatch(/unsubscribed/);
    expect(await membership(email)).toEqual({ status: 'unsubscribed', unsubscribed_send_id: sendId });
    expect(await consentEvents(email)).toEqual([
      expect.objectContaining({
        source: 'unsubscribe_mail',
        send_id: sendId,
        before: 'subscribed',
        after: 'unsubscribed',
      }),
    ]);
    expect(await unsubscribes()).toBe(1);

    // Again, with another subject and a body (the mail itself is the request), then the one-click link.
    const again = await unsubscribeMail(email, { subject: 'please remove me', text: 'Stop.' });
    expect(again.code, again.response).toBe(250);
    const oneClick = listUnsubscribe(email).uris[0] as string;
    const click = await spoor.app.inject({
      method: 'POST',
      url: new URL(oneClick).pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(click.statusCode).toBe(200);
    expect(await unsubscribes()).toBe(1);
    expect(await consentEvents(email)).toHaveLength(1);

    // In the contact's history: the email's unsubscribe and the list it left.
    const history = (await get(`/api/contacts/${contactIds.get(email)}/history`)) as {
      items: { type: string; event?: string; kind?: string; send?: { id: string } }[];
    };
    const unsubscribe = history.items.filter((item) => item.type === 'email' && item.event === 'unsubscribe');
    expect(unsubscribe).toHaveLength(1);
    expect(unsubscribe[0]?.send?.id).toBe(sendId);
    expect(history.items.filter((item) => item.kind === 'list_unsubscribed')).toHaveLength(1);
  });

  it('a forged or altered address is refused at RCPT with a clear text, and nothing changes', async () => {
    const email = 'bob@mail.test';
    const { address } = mailtoOf(email);
    const local = address.slice(0, address.indexOf('@'));
    const altered = `${local.slice(0, -3)}${local.at(-3) === 'A' ? 'B' : 'A'}${local.slice(-2)}@${DOMAIN}`;
    const result = await deliver({ from: email, to: altered, subject: 'unsubscribe', text: '' });
    expect(result.code).toBe(550);
    expect(result.response).toMatch(
      /not an unsubscribe address Spoor made \(altered or forged\); nothing was changed/,
    );
    // Another recipient's return path under the u+ prefix does not open either (another seal purpose).
    const returnPath = sent.get(email)?.envelope.mailFrom as string;
    const crossed = await deliver({ from: email, to: returnPath.replace(/^b\+/, 'u+'), text: '' });
    expect(crossed.code).toBe(550);
    expect(await membership(email)).toMatchObject({ status: 'subscribed' });
    expect(await consentEvents(email)).toHaveLength(0);
    expect(await unsubscribes()).toBe(1);
  });

  it('an automatic reply sent there is accepted and changes nothing; a person’s mail after it still counts', async () => {
    const email = 'cy@mail.test';
    const { address } = mailtoOf(email);
    const vacation = bounceFixture(sink, 'auto-reply-vacation.eml', email, {
      RETURN_PATH: address,
      MESSAGE_ID: '<x@y>',
    });
    const reply = await deliver({ envelope: { from: '', to: address }, raw: vacation });
    expect(reply.code, reply.response).toBe(250);
    expect(reply.response).toMatch(
      /not an unsubscribe request \(an automatic reply answers another message\)/,
    );
    expect(await membership(email)).toMatchObject({ status: 'subscribed' });
    expect(await unsubscribes()).toBe(1);
    // A mail provider's button may mark its message auto-generated: still the person's request.
    const button = await unsubscribeMail(email, { headers: { 'Auto-Submitted': 'auto-generated' } });
    expect(button.code, button.response).toBe(250);
    expect(await membership(email)).toMatchObject({ status: 'unsubscribed' });
    expect(await unsubscribes()).toBe(2);
  });

  it('a complaint report sent to it unsubscribes and records the complaint', async () => {
    const email = 'dee@mail.test';
    const { address } = mailtoOf(email);
    const arf = bounceFixture(sink, 'arf-abuse.eml', email, { SEND_HEADER: '', MESSAGE_ID: '<none@x>' });
    const result = await deliver({ envelope: { from: '', to: address }, raw: arf });
    expect(result.code, result.response).toBe(250);
    expect(await membership(email)).toMatchObject({ status: 'unsubscribed', unsubscribed_send_id: sendId });
    expect((await get(`/api/contacts/${contactIds.get(email)}/suppression`)).current).toMatchObject({
      reason: 'complaint',
      until: null,
    });
    const insights = await get(`/api/sends/${sendId}/insights`);
    expect(insights.unsubscribes).toBe(3);
    expect(insights.complaints).toBe(1);
  });

  it('a message mixing reports and unsubscribe requests is split by the sending server', async () => {
    const email = 'eve@mail.test';
    const result = await deliver({
      from: email,
      to: [mailtoOf(email).address, `postmaster@${DOMAIN}`],
      subject: 'unsubscribe',
      text: '',
    });
    // nodemailer delivers to the accepted recipient and reports the other as refused for now (452).
    expect(result.code, result.response).toBe(250);
    expect(result.rejected).toEqual([
      expect.stringMatching(
        /^postmaster@bounce\.spoor\.test 452 .*send this recipient in a message of its own/,
      ),
    ]);
    expect(await membership(email)).toMatchObject({ status: 'unsubscribed' });
  });

  it('answers 451 while the unsubscribe cannot be stored (nothing changes), then 250 once it is', async () => {
    const email = 'bob@mail.test';
    // A write that fails inside the unsubscribe's transaction: the whole transaction rolls back.
    const failing =
      engine === 'sqlite'
        ? [
            sql`create trigger fail_consent before insert on consent_events begin select raise(abort, 'disk on fire'); end`,
          ]
        : [
            sql`create function fail_consent() returns trigger language plpgsql as $$ begin raise exception 'disk on fire'; end $$`,
            sql`create trigger fail_consent before insert on consent_events for each row execute function fail_consent()`,
          ];
    for (const statement of failing) await statement.execute(db());
    try {
      const refused = await unsubscribeMail(email);
      expect(refused.code, refused.response).toBe(451);
      expect(await membership(email)).toMatchObject({ status: 'subscribed' });
      expect(await consentEvents(email)).toHaveLength(0);
      expect(await unsubscribes()).toBe(4);
    } finally {
      await sql`drop trigger fail_consent${engine === 'postgres' ? sql` on consent_events` : sql``}`.execute(
        db(),
      );
      if (engine === 'postgres') await sql`drop function fail_consent`.execute(db());
    }
    // The sending server tries again.
    const retried = await unsubscribeMail(email);
    expect(retried.code, retried.response).toBe(250);
    expect(await membership(email)).toMatchObject({ status: 'unsubscribed', unsubscribed_send_id: sendId });
    expect(await unsubscribes()).toBe(5);
  });

  it('an address whose contact was erased is refused after the data: nothing is left to unsubscribe', async () => {
    const email = 'eve@mail.test';
    const erased = await spoor.app.inject({
      method: 'DELETE',
      url: `/api/contacts/${contactIds.get(email)}`,
      headers: spoor.auth,
    });
    expect(erased.statusCode).toBe(200);
    const result = await unsubscribeMail(email);
    expect(result.code).toBe(550);
    expect(result.response).toMatch(/names an email Spoor no longer has; nothing was changed/);
  });

  /** The EHLO answer of a receiver, read over a plain socket. */
  function ehlo(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      let greeted = false;
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (!greeted && /^220 .*\r\n$/m.test(text)) {
          greeted = true;
          text = '';
          socket.write('EHLO client.test\r\n');
        } else if (greeted && /^250 .*\r\n$/m.test(text)) {
          socket.end('QUIT\r\n');
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
  }

  it('with a certificate set, the receiver offers STARTTLS and takes a report over it', async () => {
    expect(await ehlo(receiver.port)).toMatch(/^250-STARTTLS\r$/m);
    const email = 'bob@mail.test';
    const returnPath = sent.get(email)?.envelope.mailFrom as string;
    const dsn = bounceFixture(sink, 'postfix-5.1.1-unknown-user.eml', email, {
      SEND_HEADER: '',
      MESSAGE_ID: '<none@x>',
    });
    // requireTLS: the client fails unless the upgrade succeeds, and it checks the certificate.
    const result = await deliver({ envelope: { from: '', to: returnPath }, raw: dsn }, { tls: true });
    expect(result.code, result.response).toBe(250);
    const recipients = (await get(`/api/sends/${sendId}/recipients`)).recipients as {
      email: string;
      status: string;
    }[];
    expect(recipients.find((r) => r.email === email)?.status).toBe('hard_bounce');
  });

  it('without one, no STARTTLS is offered, and a client that requires it sends nothing', async () => {
    expect(await ehlo(plainReceiver.port)).not.toMatch(/STARTTLS/);
    const result = await deliver(
      { from: 'x@mail.test', to: `postmaster@${DOMAIN}`, text: 'x' },
      { port: plainReceiver.port, tls: true },
    );
    expect(result.code).not.toBe(250);
  });
});
