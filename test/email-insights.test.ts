// What the dashboard's Emails pages read, end to end on SQLite and PostgreSQL: a draft previewed for a
// contact, the estimate before a send, a real send over loopback SMTP, opens and clicks made through
// Spoor's public tracking endpoints, then the insights' timeline, results by recipient domain and the
// contacts behind each figure (paged and as CSV), all agreeing with the counters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type ReceivedMessage, type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { CHROME_UA, type RunningSpoor, sendFinished, startSpoor } from './helpers/spoor.ts';
import { createContact, createList, createMessage, createVia } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

const SALE = 'https://www.shop.example/sale';
const STORES = 'https://www.shop.example/stores';
type Json = Record<string, unknown>;

describe('email insights for the dashboard', () => {
  describeEachEngine('preview, estimate, send, insights and the contacts behind them', (engine) => {
    let database: TestDatabase;
    let sink: SmtpSink;
    let spoor: RunningSpoor;

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      sink = await startSmtpSink({
        refuse: { 'gone@other.example': { code: 550, message: '5.1.1 No such user' } },
      });
      spoor = await startSpoor(
        database,
        { publicUrl: 'http://spoor.test', sendPollMs: 50, smtp: smtpConfigFor(sink, { pool: 2 }) },
        { workers: true },
      );
    });
    afterAll(async () => {
      await spoor?.close();
      await sink?.close();
      await database?.drop();
    });

    async function get(url: string, status = 200) {
      const res = await spoor.app.inject({ method: 'GET', url, headers: spoor.auth });
      expect(res.statusCode, `GET ${url}: ${res.body}`).toBe(status);
      return res;
    }
    const getJson = async <T = Json>(url: string) => (await get(url)).json() as T;
    const linksOf = (message: ReceivedMessage) =>
      [...String(message.parsed.html).matchAll(/href="([^"]+)"/g)]
        .map((m) => (m[1] as string).replace(/&amp;/g, '&'))
        .filter((href) => href.startsWith('http://spoor.test/e/c/'));
    const emailTo = (address: string) => sink.receivedBy(address)[0] as ReceivedMessage;

    it('reports a send the same way from every side', async () => {
      const ada = await createContact(spoor, {
        email: 'ada@Mail.example',
        firstName: 'Ada',
        emailTracking: true,
      });
      const ben = await createContact(spoor, {
        email: 'ben@mail.example',
        firstName: 'Ben',
        emailTracking: false,
      });
      const cy = await createContact(spoor, { email: 'cy@other.example', firstName: 'Cy', doNotEmail: true });
      const dee = await createContact(spoor, {
        email: 'dee@other.example',
        firstName: 'Dee',
        emailTracking: true,
      });
      const gone = await createContact(spoor, { email: 'gone@other.example', firstName: 'Gil' });
      const news = await createList(spoor, 'News');
      const offers = await createList(spoor, 'Offers');
      await createVia(spoor, `/api/lists/${news}/members`, { contactIds: [ada, ben, cy, dee, gone] }, 200);
      await createVia(spoor, `/api/lists/${offers}/members`, { contactIds: [ada] }, 200);
      const html = `<p>Hi {{ contact.first_name }}, <a href="${SALE}">the sale</a>, <a href="${STORES}">stores</a>.</p>`;

      // The editor: the merge fields on offer, and the draft as Ada would get it, with its tracked links.
      const fields = await getJson<{ mergeFields: { tag: string }[] }>('/api/messages/merge-fields');
      expect(fields.mergeFields.map((f) => f.tag)).toContain('{{ contact.first_name }}');
      const draft = await createVia(
        spoor,
        '/api/messages/preview',
        { subject: 'Sale for {{ contact.first_name }}', html, contactId: ada },
        200,
      );
      expect(draft).toMatchObject({
        subject: 'Sale for Ada',
        links: [
          { position: 0, url: SALE },
          { position: 1, url: STORES },
        ],
        refusedLinks: [],
      });
      expect(draft['html']).toContain('Hi Ada');
      const unknownContact = await spoor.app.inject({
        method: 'POST',
        url: '/api/messages/preview',
        headers: spoor.auth,
        payload: { subject: 'x', html: '<p>x</p>', contactId: 'nobody' },
      });
      expect(unknownContact.statusCode).toBe(404);
      const message = await createMessage(spoor, {
        name: 'Sale',
        subject: 'Sale for {{ contact.first_name }}',
        html,
      });
      // The saved message as a page for the editor's sandboxed frame: rendered for Ada, inert on its own.
      const page = await get(`/api/messages/${message}/preview.html?contactId=${ada}`);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('Hi Ada');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/(^|; )sandbox(;|$)/);
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/script-src/);
      expect(csp).toContain("frame-ancestors 'self'");
      await get(`/api/messages/${message}/preview.html?contactId=nobody`, 404);

      // The confirmation: 6 memberships, Ada twice, Cy blocked (do not email), 4 to receive it.
      const estimate = await createVia(spoor, '/api/sends/estimate', { listIds: [news, offers] }, 200);
      expect(estimate).toMatchObject({
        exact: true,
        recipients: 6,
        duplicates: 1,
        blocked: { total: 1, byReason: { unsubscribed: 0, do_not_email: 1, no_address: 0, hard_bounced: 0 } },
        willReceive: 4,
        willReceiveAtLeast: 4,
      });
      const unknownList = await spoor.app.inject({
        method: 'POST',
        url: '/api/sends/estimate',
        headers: spoor.auth,
        payload: { listIds: ['nolist'] },
      });
      expect(unknownList.statusCode).toBe(422);

      const created = await createVia(
        spoor,
        '/api/sends',
        { messageId: message, listIds: [news, offers] },
        202,
      );
      const sendId = created['id'] as string;
      const done = await sendFinished(spoor, sendId);
      // The send agrees with its estimate.
      expect(done.progress).toMatchObject({ recipients: 6, duplicates: 1, sent: 4, hardBounces: 1 });
      expect(done.progress.blocked.total).toBe(1);

      // Each email sent is an interaction of its contact, logged with the outcome: in the contact's
      // timeline (the bounce with the server's answer) and in the feed; the blocked one was not sent.
      const sentItemOf = async (contactId: string) =>
        (await getJson<{ items: Json[] }>(`/api/contacts/${contactId}/history`)).items.filter(
          (item) => item['type'] === 'email_sent',
        );
      expect(await sentItemOf(ada)).toEqual([
        {
          type: 'email_sent',
          at: expect.any(String),
          id: `${sendId}.${ada}`,
          send: { id: sendId, subject: 'Sale for Ada' },
          message: { id: message, name: 'Sale' },
          status: 'sent',
          response: expect.any(String),
        },
      ]);
      expect(await sentItemOf(gone)).toMatchObject([
        { status: 'hard_bounce', response: expect.stringContaining('No such user') },
      ]);
      expect(await sentItemOf(cy)).toEqual([]);
      const feed = await waitFor('the sends in the feed', async () => {
        const page = await getJson<{ items: Json[] }>('/api/interactions?limit=500');
        const sent = page.items.filter((item) => item['kind'] === 'email_sent');
        return sent.length >= 4 ? sent : null;
      });
      expect(feed.map((item) => item['contactId']).sort()).toEqual([ada, ben, dee, gone].sort());

      // Delivery an hour ago: the rules treat activity seconds after delivery as machines'.
      await spoor.storage.db
        .updateTable('send_recipients')
        .set({ sent_at: Date.now() - 3_600_000 })
        .where('send_id', '=', sendId)
        .execute();
      const hit = (url: string, method: 'GET' | 'HEAD' = 'GET') =>
        spoor.app.inject({ method, url: pathOf(url), headers: { 'user-agent': CHROME_UA } });
      const pixelOf = (to: string) =>
        /<img src="([^"]+\/e\/o\/[^"]+)"/.exec(String(emailTo(to).parsed.html))?.[1] as string;
      // Ada opens and clicks the sale; Ben (no tracking consent) clicks it; a gateway checks Dee's stores link.
      expect((await hit(pixelOf('ada@mail.example'))).statusCode).toBe(200);
      const adaLinks = linksOf(emailTo('ada@mail.example'));
      const benLinks = linksOf(emailTo('ben@mail.example'));
      const deeLinks = linksOf(emailTo('dee@other.example'));
      // Links in body order: the hidden honeypot first, then the sale and the stores links.
      expect((await hit(adaLinks[1] as string)).statusCode).toBe(302);
      expect((await hit(benLinks[1] as string)).statusCode).toBe(302);
      expect((await hit(deeLinks[2] as string, 'HEAD')).statusCode).toBe(302);

      type Insights = {
        opens: Record<'human' | 'machine', { total: number; unique: number }>;
        clicks: Record<'human' | 'scanner', { total: number; unique: number }>;
        timeline: { hour: string; opens: Record<string, number>; clicks: Record<string, number> }[];
        asOf: string;
      };
      const insights = await getJson<Insights>(`/api/sends/${sendId}/insights`);
      expect(insights.opens.human.unique).toBe(2);
      expect(insights.clicks.scanner.unique).toBe(1);
      // The chart's hours add up to the totals.
      const sum = (pick: (h: Insights['timeline'][number]) => number) =>
        insights.timeline.reduce((total, h) => total + pick(h), 0);
      expect(insights.timeline.length).toBeGreaterThan(0);
      expect(sum((h) => h.opens['human'] ?? 0)).toBe(insights.opens.human.total);
      expect(sum((h) => h.opens['machine'] ?? 0)).toBe(insights.opens.machine.total);
      expect(sum((h) => h.clicks['human'] ?? 0)).toBe(insights.clicks.human.total);
      expect(sum((h) => h.clicks['machine'] ?? 0)).toBe(insights.clicks.scanner.total);
      expect(Date.parse(insights.asOf)).toBeLessThanOrEqual(Date.now());

      // Results by recipient domain (addresses counted in lower case).
      type Domain = { domain: string; recipients: number; blocked: number; sent: number; delivered: number };
      const byDomain = await getJson<{ domains: Domain[]; others: Domain | null }>(
        `/api/sends/${sendId}/domains`,
      );
      expect(byDomain.domains).toEqual([
        expect.objectContaining({
          domain: 'other.example',
          recipients: 3,
          blocked: 1,
          sent: 2,
          delivered: 1,
          hardBounces: 1,
        }),
        expect.objectContaining({ domain: 'mail.example', recipients: 2, blocked: 0, sent: 2, delivered: 2 }),
      ]);
      expect(byDomain.others).toBeNull();
      // Every human open and click came from mail.example (Ada's and Ben's; Dee's was a gateway's).
      expect(byDomain.domains[1]).toMatchObject({
        uniqueHumanOpens: insights.opens.human.unique,
        uniqueHumanClicks: insights.clicks.human.unique,
      });
      expect(byDomain.domains[0]).toMatchObject({ uniqueHumanOpens: 0, uniqueHumanClicks: 0 });
      const topOne = await getJson<{ domains: Domain[]; others: Domain & { count: number } }>(
        `/api/sends/${sendId}/domains?limit=1`,
      );
      expect(topOne.others).toMatchObject({ domain: 'other domains', count: 1, recipients: 2, sent: 2 });

      // The contacts behind the figures.
      type Listed = {
        label: string;
        contacts: { contactId: string; email: string }[];
        unnamed: number;
        nextCursor: string | null;
      };
      const behind = (query: string) => getJson<Listed>(`/api/sends/${sendId}/contacts?${query}`);
      const ids = (listed: Listed) => listed.contacts.map((c) => c.contactId).sort();
      const opened = await behind('figure=opened');
      expect(opened.label).toBe('Unique human opens');
      expect(ids(opened)).toEqual([ada]);
      expect(opened.unnamed).toBe(1); // Ben: counted, never named
      const saleClicks = await behind('figure=clicked&link=0');
      expect(saleClicks.label).toBe('Unique human clicks on link 1');
      expect(ids(saleClicks)).toEqual([ada]);
      expect(saleClicks.unnamed).toBe(1);
      expect(ids(await behind('figure=clicked&audience=machine'))).toEqual([dee]);
      expect(ids(await behind('figure=blocked&reason=do_not_email'))).toEqual([cy]);
      expect(ids(await behind('figure=hard_bounce'))).toEqual([gone]);
      expect(ids(await behind('figure=sent&domain=OTHER.example'))).toEqual([dee, gone].sort());
      expect(ids(await behind('figure=delivered'))).toEqual([ada, ben, dee].sort());
      // Keyset pages of one, in contact id order, end with a null cursor.
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Listed = await behind(`figure=delivered&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        paged.push(...page.contacts.map((c) => c.contactId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual([ada, ben, dee].sort());
      // An option that does not go with the figure is refused, not ignored; an unknown send is a 404.
      await get(`/api/sends/${sendId}/contacts?figure=opened&reason=do_not_email`, 400);
      await get('/api/sends/nosuchsend/contacts?figure=opened', 404);

      // The same contacts as CSV.
      const csv = await get(`/api/sends/${sendId}/contacts.csv?figure=delivered`);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toContain(`send-${sendId}-delivered.csv`);
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('contact_id,email,status,block_reason,sent_at');
      expect(
        lines
          .slice(1)
          .map((line) => line.split(',')[0])
          .sort(),
        // An id can start with "-" (1 in 64): the CSV neutralises it as it would a formula.
      ).toEqual([ada, ben, dee].map((id) => (id.startsWith('-') ? `'${id}` : id)).sort());
      await get(`/api/sends/${sendId}/contacts.csv?figure=opened&domain=mail.example`, 400);
    });
  });
});
