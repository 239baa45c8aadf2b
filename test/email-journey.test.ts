// The whole email journey through public interfaces only, on SQLite and PostgreSQL: contacts, lists and
// a message made through the admin API, a send to two lists delivered over real SMTP (nodemailer to an
// smtp-server on loopback), the received emails parsed with mailparser, then their pixel, links and
// one-click unsubscribe fetched over real HTTP the way a mail client, a browser and a mailbox provider
// would — and finally what Spoor recorded: insights, history, memberships and the privacy export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { freePort } from './helpers/server-process.ts';
import { type ReceivedMessage, type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { waitFor } from './support/wait-for.ts';

const APPLE_MAIL_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const SALE = 'https://www.shop.example/spring-sale?utm_source=email&utm_campaign=spring';
const STORES = 'https://www.shop.example/stores';
const TERMS = 'https://www.shop.example/terms';

describe('email journey', () => {
  describeEachEngine('from API to inbox to insights', (engine) => {
    let database: TestDatabase;
    let sink: SmtpSink;
    let spoor: RunningSpoor;
    let base: string;

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      sink = await startSmtpSink({
        refuse: { 'gone@mail.example': { code: 550, message: '5.1.1 No such user' } },
      });
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      spoor = await startSpoor(
        database,
        {
          publicUrl: base,
          emailFrom: 'Shop News <news@shop.example>',
          sendPollMs: 50,
          smtp: smtpConfigFor(sink, { pool: 2 }),
        },
        { workers: true },
      );
      await spoor.app.listen({ port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await spoor?.close();
      await sink?.close();
      await database?.drop();
    });

    async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(base + path, {
        method,
        headers: { ...spoor.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as T;
    }

    /** A send as GET /api/sends/{id} shows it once it is done. */
    async function finished<T extends { status: string }>(id: string): Promise<T> {
      return waitFor(`send ${id} to be done`, async () => {
        const send = await api<T>('GET', `/api/sends/${id}`);
        return send.status === 'done' && send;
      });
    }

    const contact = (values: Record<string, unknown>) => api<{ id: string }>('POST', '/api/contacts', values);
    const emailTo = (address: string): ReceivedMessage => {
      const received = sink.receivedBy(address);
      expect(received, `emails received by ${address}`).toHaveLength(1);
      return received[0] as ReceivedMessage;
    };
    const linksOf = (message: ReceivedMessage) =>
      [...String(message.parsed.html).matchAll(/href="([^"]+)"/g)].map((m) =>
        (m[1] as string).replace(/&amp;/g, '&'),
      );

    it('sends, tracks opens and clicks, honours one-click unsubscribe and reports it all', async () => {
      // Contacts: Ada allows tracking, Ben refused it, Cy must never be emailed, Gil's address bounces.
      const ada = await contact({ email: 'ada@mail.example', firstName: 'Ada', emailTracking: true });
      const ben = await contact({ email: 'ben@mail.example', firstName: 'Ben', emailTracking: false });
      const cy = await contact({ email: 'cy@mail.example', firstName: 'Cy', doNotEmail: true });
      const gil = await contact({ email: 'gone@mail.example', firstName: 'Gil' });
      const news = await api<{ id: string }>('POST', '/api/lists', { name: 'News' });
      const offers = await api<{ id: string }>('POST', '/api/lists', { name: 'Offers' });
      await api('POST', `/api/lists/${news.id}/members`, { contactIds: [ada.id, ben.id, cy.id, gil.id] });
      await api('POST', `/api/lists/${offers.id}/members`, { contactIds: [ada.id] });
      const message = await api<{ id: string }>('POST', '/api/messages', {
        name: 'Spring sale',
        subject: 'Spring sale, {{ contact.first_name }}',
        html: `<html><body><p>Hi {{ contact.first_name }},</p>
          <p><a href="${SALE.replace(/&/g, '&amp;')}">See the sale</a> or <a href="${STORES}">find a store</a>.</p>
          <p><a href="${TERMS}" data-spoor-untracked>Terms</a> · <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
          </body></html>`,
      });

      const send = await api<{ id: string; status: string }>('POST', '/api/sends', {
        messageId: message.id,
        listIds: [news.id, offers.id],
      });
      expect(send.status).toBe('queued');
      expect((await finished(send.id)).status).toBe('done');

      // What arrived: one email each for Ada (on both lists), Ben and the bouncing address; none for Cy.
      const toAda = emailTo('ada@mail.example');
      const toBen = emailTo('ben@mail.example');
      expect(sink.receivedBy('cy@mail.example')).toHaveLength(0);
      expect(sink.receivedBy('gone@mail.example')).toHaveLength(0);
      expect(toAda.parsed.subject).toBe('Spring sale, Ada');
      expect(String(toAda.parsed.text)).toContain('Hi Ada');
      // Headers as they arrived (mailparser reshapes List-* headers; read the raw, unfolded lines).
      const rawHeaders = toAda.raw
        .toString('utf8')
        .split(/\r?\n\r?\n/)[0]!
        .replace(/\r?\n[ \t]+/g, ' ');
      const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(rawHeaders)?.[1];
      expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const unsubscribeHeader = header('List-Unsubscribe') ?? '';

      // Time passes: the rules treat activity seconds after delivery as machines', so move delivery back.
      await spoor.storage.db
        .updateTable('send_recipients')
        .set({ sent_at: Date.now() - 3_600_000 })
        .where('send_id', '=', send.id)
        .execute();

      const adaLinks = linksOf(toAda);
      const tracked = adaLinks.filter((href) => href.startsWith(`${base}/e/c/`));
      // The honeypot comes first in the body, then the sale and the stores links.
      expect(tracked).toHaveLength(3);
      expect(adaLinks).toContain(TERMS);
      const [, saleLink, storesLink] = tracked as [string, string, string];
      const pixel = /<img src="([^"]+\/e\/o\/[^"]+)"/.exec(String(toAda.parsed.html))?.[1];
      expect(pixel).toBeDefined();

      // Ada's mail client loads the pixel; she clicks the sale link in her browser.
      const gif = await fetch(pixel as string, { headers: { 'user-agent': APPLE_MAIL_UA } });
      expect(gif.status).toBe(200);
      expect(gif.headers.get('content-type')).toBe('image/gif');
      expect((await gif.arrayBuffer()).byteLength).toBe(43);
      const click = await fetch(saleLink, { redirect: 'manual', headers: { 'user-agent': CHROME_UA } });
      expect(click.status).toBe(302);
      expect(click.headers.get('location')).toBe(SALE);
      expect(click.headers.get('set-cookie')).toMatch(/spoor_vid=/);
      // A security gateway checks the stores link with HEAD: redirected, but labelled a scanner.
      const scan = await fetch(storesLink, {
        method: 'HEAD',
        redirect: 'manual',
        headers: { 'user-agent': CHROME_UA },
      });
      expect(scan.status).toBe(302);

      // Ben (no tracking consent) clicks: redirected, counted, but no cookie and nothing in his history.
      const benSale = linksOf(toBen).filter((href) => href.startsWith(`${base}/e/c/`))[1] as string;
      const benClick = await fetch(benSale, { redirect: 'manual', headers: { 'user-agent': CHROME_UA } });
      expect(benClick.status).toBe(302);
      expect(benClick.headers.get('location')).toBe(SALE);
      expect(benClick.headers.get('set-cookie')).toBeNull();

      // Ada's mailbox provider sends the RFC 8058 one-click POST (multipart, no cookies).
      const oneClickUrl = /<(https?:\/\/[^>]+)>/.exec(unsubscribeHeader)?.[1] as string;
      const body = new FormData();
      body.set('List-Unsubscribe', 'One-Click');
      const unsubscribe = await fetch(oneClickUrl, { method: 'POST', body, redirect: 'manual' });
      expect(unsubscribe.status).toBe(200);
      expect(unsubscribe.headers.get('location')).toBeNull();
      expect(unsubscribe.headers.get('set-cookie')).toBeNull();

      const insights = await api<{
        recipients: number;
        duplicates: number;
        blocked: { total: number; byReason: Record<string, number> };
        sent: number;
        delivered: number;
        bounces: { hard: number; soft: number };
        opens: { human: { total: number; unique: number }; machine: { total: number; unique: number } };
        clicks: { human: { total: number; unique: number }; scanner: { total: number; unique: number } };
        rates: { openRate: number | null; clickThroughRate: number | null; clickToOpenRate: number | null };
        unsubscribes: number;
        links: { position: number; url: string; human: { total: number; unique: number } }[];
      }>('GET', `/api/sends/${send.id}/insights`);
      expect(insights).toMatchObject({
        recipients: 5,
        duplicates: 1,
        blocked: { total: 1, byReason: { do_not_email: 1 } },
        sent: 3,
        delivered: 2,
        bounces: { hard: 1, soft: 0 },
        unsubscribes: 1,
      });
      // Ada opened; Ben's click implies his open. Both clicked the sale link; the HEAD was a scanner.
      expect(insights.opens.human.unique).toBe(2);
      expect(insights.clicks.human).toEqual({ total: 2, unique: 2 });
      expect(insights.clicks.scanner.total).toBe(1);
      expect(insights.rates).toEqual({ openRate: 1, clickThroughRate: 1, clickToOpenRate: 1 });
      expect(insights.links.find((link) => link.url === SALE)?.human).toEqual({ total: 2, unique: 2 });

      // Ada's history shows her open, click and unsubscribe; Ben's shows no email interaction.
      type Item = {
        type: string;
        event?: string;
        link?: { url: string } | null;
        send?: { subject: string | null };
      };
      const adaHistory = await api<{ items: Item[] }>('GET', `/api/contacts/${ada.id}/history`);
      const adaEmail = adaHistory.items.filter((item) => item.type === 'email');
      expect(adaEmail.map((item) => item.event).sort()).toEqual(['click', 'click', 'open', 'unsubscribe']);
      expect(adaEmail.find((item) => item.event === 'click' && item.link?.url === SALE)).toBeDefined();
      // Each names the email as Ada read it, not its template.
      expect(new Set(adaEmail.map((item) => item.send?.subject))).toEqual(new Set(['Spring sale, Ada']));
      const adaEmails = await api<{ emails: { subject: string | null }[] }>(
        'GET',
        `/api/contacts/${ada.id}/emails`,
      );
      expect(adaEmails.emails.map((email) => email.subject)).toEqual(['Spring sale, Ada']);
      const benHistory = await api<{ items: Item[] }>('GET', `/api/contacts/${ben.id}/history`);
      expect(benHistory.items.filter((item) => item.type === 'email')).toEqual([]);

      // The unsubscribe took Ada off both lists of the send, attributed to this email.
      const memberships = await api<unknown>('GET', `/api/contacts/${ada.id}/lists`);
      const rows = JSON.stringify(memberships);
      expect(rows).not.toContain('"subscribed"');
      expect(rows.match(/"unsubscribed"/g)).toHaveLength(2);
      expect(rows).toContain(send.id);

      // The bounced address is suppressed; Gil is blocked as hard-bounced on the next send.
      const again = await api<{ id: string }>('POST', '/api/sends', {
        messageId: message.id,
        listIds: [news.id],
      });
      const progress = await finished<{ status: string; progress: { blocked: Record<string, number> } }>(
        again.id,
      );
      expect(progress?.status).toBe('done');
      expect(progress?.progress.blocked).toMatchObject({ hardBounced: 1, doNotEmail: 1, unsubscribed: 1 });

      // The suppression list shows the bounced address; Gil's export holds it, and erasing Gil removes it
      // (no other contact has the address). Lifting one that is not there is a clear 404.
      const listed = await api<{ suppressions: { email: string; reason: string; sendId: string }[] }>(
        'GET',
        '/api/suppressions?email=GONE@mail.example',
      );
      expect(listed.suppressions).toEqual([
        expect.objectContaining({ email: 'gone@mail.example', reason: 'hard_bounce', sendId: send.id }),
      ]);
      // Lifting it lets the next send attempt the address again (it bounces again and is suppressed again).
      const lifted = await fetch(`${base}/api/suppressions/gone%40mail.example`, {
        method: 'DELETE',
        headers: spoor.auth,
      });
      expect(lifted.status).toBe(204);
      const attemptsBefore = sink.attempts('gone@mail.example');
      const third = await api<{ id: string }>('POST', '/api/sends', {
        messageId: message.id,
        listIds: [news.id],
      });
      const thirdProgress = await finished<{ status: string; progress: { hardBounces: number } }>(third.id);
      expect(thirdProgress?.progress.hardBounces).toBe(1);
      expect(sink.attempts('gone@mail.example')).toBe(attemptsBefore + 1);
      const gilExport = await api<{ suppressions: { email: string }[] }>(
        'GET',
        `/api/contacts/${gil.id}/export`,
      );
      expect(gilExport.suppressions.map((s) => s.email)).toEqual(['gone@mail.example']);
      const erased = await api<{ deleted: { suppressions: number } }>('DELETE', `/api/contacts/${gil.id}`);
      expect(erased.deleted.suppressions).toBe(1);
      expect((await api<{ suppressions: unknown[] }>('GET', '/api/suppressions')).suppressions).toEqual([]);
      const lift = await fetch(`${base}/api/suppressions/nobody%40mail.example`, {
        method: 'DELETE',
        headers: spoor.auth,
      });
      expect(lift.status).toBe(404);
      expect((await lift.json()).message).toContain('not on the suppression list');

      // The privacy export holds Ada's email events; Ben's events name no one.
      const exported = await api<{ emailEvents: unknown[] }>('GET', `/api/contacts/${ada.id}/export`);
      expect(exported.emailEvents.length).toBeGreaterThanOrEqual(4);
      const benExport = await api<{ emailEvents: unknown[] }>('GET', `/api/contacts/${ben.id}/export`);
      expect(benExport.emailEvents).toEqual([]);
    });
  });
});
