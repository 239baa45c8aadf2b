// Bounces after acceptance through a real Postfix (test/helpers/postfix.ts), on SQLite and PostgreSQL:
// Spoor sends through it with a VERP return path per recipient; Postfix accepts every recipient, then
// delivers one, bounces an unknown mailbox (5.1.1) and a full one (5.2.2), gives up on a domain that
// defers, and sends its own DSNs to Spoor's receiver. Each recipient's outcome, the suppressions and
// the send's insights follow; three soft bounces of the full mailbox in a row suppress it; a person's
// mail to an email's List-Unsubscribe mailto travels through Postfix to the receiver and unsubscribes.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BounceReceiver } from '../src/email/bounces/receiver.ts';
import { BOUNCE_DOMAIN, bounceSettings, startTestBounceReceiver } from './helpers/bounce-reports.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type Postfix, postfixAvailable, startPostfix } from './helpers/postfix.ts';
import { type RunningSpoor, sendFinished, startSpoor } from './helpers/spoor.ts';
import { addToList, createContact, createList, createMessage } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

let mailings = 0;

async function get(spoor: RunningSpoor, url: string) {
  const res = await spoor.app.inject({ method: 'GET', url, headers: spoor.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function mailing(spoor: RunningSpoor, contacts: Map<string, string>, addresses: string[]) {
  mailings += 1;
  const listId = await createList(spoor, `Mailing ${mailings}`);
  for (const email of addresses) {
    if (!contacts.has(email)) contacts.set(email, await createContact(spoor, { email }));
    await addToList(spoor, listId, [contacts.get(email) as string]);
  }
  const messageId = await createMessage(spoor, {
    subject: `News ${mailings}`,
    html: `<p>News ${mailings}</p>`,
  });
  const res = await spoor.app.inject({
    method: 'POST',
    url: '/api/sends',
    headers: spoor.auth,
    payload: { messageId, listIds: [listId] },
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as string;
}

async function statuses(spoor: RunningSpoor, sendId: string) {
  const { recipients } = await get(spoor, `/api/sends/${sendId}/recipients`);
  return Object.fromEntries(
    recipients.map((r: { email: string; status: string }) => [r.email, r.status]),
  ) as Record<string, string>;
}

describe.skipIf(!postfixAvailable)('bounces through a real Postfix', () => {
  describeEachEngine('Postfix relay', (engine) => {
    let database: TestDatabase;
    let spoor: RunningSpoor;
    let receiver: BounceReceiver;
    let postfix: Postfix;
    const contacts = new Map<string, string>();

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      const bounces = bounceSettings({ maxBytes: 2_000_000 });
      const storage = database.open();
      receiver = await startTestBounceReceiver(storage, bounces);
      postfix = await startPostfix({
        domain: 'mail.test',
        mailboxes: ['ada', 'grace'],
        overQuota: ['full'],
        deferDomain: 'defer.test',
        bounceDomain: BOUNCE_DOMAIN,
        bouncePort: receiver.port,
      });
      spoor = await startSpoor(
        database,
        {
          publicUrl: 'https://track.spoor.test',
          sendPollMs: 50,
          smtpRetryBaseMs: 100,
          smtp: {
            host: '127.0.0.1',
            port: postfix.port,
            secure: false,
            requireTls: false,
            rejectUnauthorized: false,
            user: undefined,
            password: undefined,
            pool: 2,
            rate: 0,
            dkim: undefined,
          },
          bounces,
        },
        { workers: true },
      );
      storageToClose = storage;
    }, 60_000);
    let storageToClose: { close(): Promise<void> } | undefined;

    afterAll(async () => {
      await spoor?.close();
      await receiver?.close();
      await storageToClose?.close();
      await postfix?.stop();
      await database?.drop();
    });

    it("records each recipient's DSN: outcome, suppression and insights", async () => {
      const addresses = ['ada@mail.test', 'nobody@mail.test', 'full@mail.test', 'x@defer.test'];
      const sendId = await mailing(spoor, contacts, addresses);
      const done = await sendFinished(spoor, sendId, 30_000);
      // Postfix took every recipient at SMTP time (its DSNs may already be coming in, so bounces are
      // checked once they are all recorded).
      expect(done.progress).toMatchObject({ sent: 4, accepted: 4 });

      const after = await waitFor(
        'the three DSNs to be recorded',
        async () => {
          const now = await statuses(spoor, sendId);
          return Object.values(now).filter((s) => s !== 'sent').length === 3 && now;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      ).catch(async (error) => {
        throw new Error(`${(error as Error).message}\n${await postfix.log()}`);
      });
      expect(after).toEqual({
        'ada@mail.test': 'sent',
        'nobody@mail.test': 'hard_bounce',
        'full@mail.test': 'soft_bounce',
        'x@defer.test': 'soft_bounce',
      });
      expect(await postfix.mailbox('ada')).toContain('Subject: News');

      const insights = await get(spoor, `/api/sends/${sendId}/insights`);
      expect(insights).toMatchObject({ sent: 4, delivered: 1, bounces: { hard: 1, soft: 2, late: 3 } });

      // The unknown mailbox is suppressed for 7 days (its first listing); the soft bounces are not (yet).
      const nobody = await get(spoor, `/api/contacts/${contacts.get('nobody@mail.test')}/suppression`);
      expect(nobody.current).toMatchObject({
        reason: 'hard_bounce',
        category: 'invalid-mailbox',
        listing: 1,
        sendId,
      });
      const days = (Date.parse(nobody.current.until) - Date.parse(nobody.current.since)) / 86_400_000;
      expect(days).toBe(7);
      expect(nobody.history).toHaveLength(1);
      for (const email of ['full@mail.test', 'x@defer.test', 'ada@mail.test'])
        expect((await get(spoor, `/api/contacts/${contacts.get(email)}/suppression`)).current).toBeNull();

      // The outcomes are in the contact's interactions.
      const feed = await get(spoor, `/api/contacts/${contacts.get('full@mail.test')}/history`);
      const bounce = feed.items.find((item: { kind: string }) => item.kind === 'email_bounce');
      expect(bounce).toMatchObject({
        attributes: { outcome: 'soft_bounce', category: 'full-mailbox', status: '5.2.2', via: 'dsn' },
      });

      const reports = await get(spoor, '/api/bounce-reports');
      expect(reports.reports.filter((r: { verdict: string }) => r.verdict === 'recorded')).toHaveLength(3);
    });

    it('the third soft bounce of the full mailbox in a row suppresses it; the suppressed address is not sent again', async () => {
      for (let n = 0; n < 2; n += 1) {
        const sendId = await mailing(spoor, contacts, ['full@mail.test', 'grace@mail.test']);
        await sendFinished(spoor, sendId, 30_000);
        await waitFor(
          'the DSN',
          async () => (await statuses(spoor, sendId))['full@mail.test'] === 'soft_bounce',
          {
            timeoutMs: 30_000,
            intervalMs: 100,
          },
        );
      }
      const full = await get(spoor, `/api/contacts/${contacts.get('full@mail.test')}/suppression`);
      expect(full.current).toMatchObject({ reason: 'soft_bounces', category: 'full-mailbox', listing: 1 });
      expect(full.softBounceRule).toEqual({ limit: 3, window: 5 });

      const next = await mailing(spoor, contacts, ['full@mail.test', 'nobody@mail.test', 'ada@mail.test']);
      const done = await sendFinished(spoor, next, 30_000);
      expect(done.progress.blocked).toMatchObject({ hardBounced: 2 });
      expect(await statuses(spoor, next)).toMatchObject({
        'full@mail.test': 'blocked',
        'nobody@mail.test': 'blocked',
      });
    });

    it("a person's mail to the List-Unsubscribe mailto reaches the receiver through Postfix and unsubscribes", async () => {
      const mbox = await postfix.mailbox('ada');
      const header = /^List-Unsubscribe:([^\n]*(?:\n[ \t][^\n]*)*)/im
        .exec(mbox)?.[1]
        ?.replace(/\n[ \t]+/g, ' ');
      const address = /<mailto:([^?>]+)\?subject=unsubscribe>/.exec(header ?? '')?.[1];
      expect(address, header).toMatch(/^u\+[A-Za-z0-9_.-]+@bounce\.spoor\.test$/);
      // Submitted to Postfix, which routes the bounce domain to Spoor's receiver.
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: postfix.port,
        ignoreTLS: true,
      });
      try {
        await transport.sendMail({ from: 'ada@mail.test', to: address, subject: 'unsubscribe', text: '' });
      } finally {
        transport.close();
      }
      const event = await waitFor(
        'the unsubscribe to be recorded',
        async () =>
          (
            await spoor.storage.db
              .selectFrom('consent_events')
              .select(['send_id', 'source', 'after'])
              .where('contact_id', '=', contacts.get('ada@mail.test') as string)
              .where('source', '=', 'unsubscribe_mail')
              .execute()
          )[0],
        { timeoutMs: 30_000, intervalMs: 100 },
      ).catch(async (error) => {
        throw new Error(`${(error as Error).message}\n${await postfix.log()}`);
      });
      expect(event).toMatchObject({ after: 'unsubscribed', send_id: expect.any(String) });
      expect((await get(spoor, `/api/sends/${event.send_id}/insights`)).unsubscribes).toBe(1);
    });
  });
});
