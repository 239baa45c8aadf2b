// Offers through public interfaces, on SQLite and PostgreSQL: an offer defined through the API (its bad
// inputs refused with clear 422s), a message carrying {{ offer "ID" }} sent over real SMTP to a loopback
// sink, the offer links taken from the received mail and followed as people and scanners would, then
// what Spoor recorded: reasons, insights, the contact's timeline, export and erasure. And a burst of
// concurrent follows that must never take more claims than the limit allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offersPersonalData } from '../src/offers/personal-data.ts';
import { localOf } from '../src/offers/zoned-time.ts';
import { createSendFixture } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createContact, createVia, sendToNewList } from './support/factories.ts';

const PUBLIC = 'https://track.spoor.test';
const CLAIM = 'https://shop.test/winter?code=WINTER20';
const HOUR = 3_600_000;
const ZONE = 'America/New_York';
const local = (ms: number) => localOf(ms, ZONE);
/** An offer link in received HTML (the author's quotes kept: single or double). */
const OFFER_LINK = /href=["']([^"']*\/o\/[^"']+)["']/;

interface OfferJson {
  id: string;
  tag: string;
  state: string;
  claimed: number;
  remaining: number | null;
  startsAtUtc: string;
}

describeEachEngine('offers', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      { publicUrl: PUBLIC, sendPollMs: 50, smtp: smtpConfigFor(sink) },
      { workers: true },
    );
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    spoor.app.inject({ method, url, headers: spoor.auth, ...(payload ? { payload } : {}) });
  const offer = (values: Record<string, unknown> = {}) =>
    createVia<OfferJson>(spoor, '/api/offers', {
      name: 'Winter sale',
      claimUrl: CLAIM,
      startsAt: local(Date.now() - HOUR),
      endsAt: local(Date.now() + 24 * HOUR),
      timeZone: ZONE,
      ...values,
    });
  const follow = (url: string, options: { method?: 'GET' | 'HEAD'; ua?: string | null } = {}) =>
    spoor.app.inject({
      method: options.method ?? 'GET',
      url: new URL(url).pathname,
      headers: options.ua === null ? {} : { 'user-agent': options.ua ?? CHROME_UA },
    });
  const offerLinkIn = (address: string) => {
    const [mail] = sink.receivedBy(address);
    const html = String(mail?.parsed.html);
    const link = OFFER_LINK.exec(html)?.[1];
    expect(link, `an offer link in ${html}`).toBeTruthy();
    // The text part carries the recipient's same link.
    expect(String(mail?.parsed.text)).toContain(link);
    return link as string;
  };

  it('refuses an offer that is not valid, saying which field and why', async () => {
    const refused = async (values: Record<string, unknown>, field: string, words: RegExp) => {
      const res = await api('POST', '/api/offers', {
        name: 'Bad',
        claimUrl: CLAIM,
        startsAt: '2026-12-01T09:00',
        endsAt: '2026-12-24T18:00',
        timeZone: 'Europe/Paris',
        ...values,
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().details.fields[field]).toMatch(words);
      expect(res.json().message).toContain(field);
    };
    await refused({ endsAt: '2026-11-30T09:00' }, 'endsAt', /later than the start/);
    await refused({ endsAt: '2026-12-01T09:00' }, 'endsAt', /later than the start/);
    await refused({ timeZone: 'Mars/Olympus_Mons' }, 'timeZone', /not a time zone/);
    await refused({ startsAt: '2026-12-01T09:00+01:00' }, 'startsAt', /local date and time/);
    await refused({ startsAt: '2026-02-30T09:00' }, 'startsAt', /local date and time/);
    await refused({ claimUrl: 'javascript:alert(1)' }, 'claimUrl', /http or https/);
    await refused({ claimUrl: 'shop.test/x' }, 'claimUrl', /absolute URL/);
    await refused({ endedUrl: 'https://shop.test/%0d%0aSet-Cookie:x' }, 'endedUrl', /control character/);
    const blank = await api('POST', '/api/offers', { name: 'x' });
    expect(blank.statusCode).toBe(400);
    // A message naming an offer that does not exist is refused when saved, not discovered at send time.
    const message = await api('POST', '/api/messages', {
      name: 'x',
      subject: 'x',
      html: `<a href='{{ offer "NoSuchOffer123" }}'>Claim</a>`,
    });
    expect(message.statusCode).toBe(422);
    expect(message.json().message).toContain('NoSuchOffer123');
  });

  it('turns the time zone into the right instant', async () => {
    const made = await offer({ startsAt: '2026-07-04T09:00', endsAt: '2026-07-05T09:00' });
    expect(made.startsAtUtc).toBe('2026-07-04T13:00:00.000Z');
    expect(made.state).toBe('ended');
  });

  it('claims for people up to the limit, redirects every follow by its reason, and reports it', async () => {
    const winter = await offer({ claimLimit: 2, withdrawnUrl: 'https://shop.test/withdrawn' });
    const soon = await offer({
      name: 'Spring preview',
      startsAt: local(Date.now() + 24 * HOUR),
      endsAt: local(Date.now() + 48 * HOUR),
    });
    const addresses = ['ada@mail.test', 'ben@mail.test', 'cy@mail.test', 'dee@mail.test'];
    const { sendId, contactIds } = await sendToNewList(spoor, addresses, {
      subject: 'Winter',
      html: `<html><body><p><a href='{{ offer "${winter.id}" }}'>Claim 20 % off</a></p>
        <p><a href="{{ offer '${soon.id}' }}">Spring preview</a> <a href="https://shop.test/">Shop</a></p></body></html>`,
    });
    // Delivered an hour ago: clicks in the first minute after delivery are a gateway's, by rule.
    await spoor.storage.db
      .updateTable('send_recipients')
      .set({ sent_at: Date.now() - HOUR })
      .where('send_id', '=', sendId)
      .execute();
    const [ada, ben, cy, dee] = addresses.map(offerLinkIn) as [string, string, string, string];
    expect(new Set([ada, ben, cy, dee]).size).toBe(4);
    const expectRedirect = (res: Awaited<ReturnType<typeof follow>>, reason: string, location: string) => {
      expect(res.statusCode, res.body).toBe(302);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-spoor-offer']).toBe(reason);
      expect(res.headers.location).toBe(location);
    };
    const page = (state: string) => `${PUBLIC}/offers/${winter.id}/${state}`;

    // A scanner's HEAD and a client without a user agent are labelled and claim nothing.
    expectRedirect(await follow(ada, { method: 'HEAD' }), 'machine', CLAIM);
    expectRedirect(await follow(ada, { ua: null }), 'machine', CLAIM);
    expectRedirect(await follow(ada), 'claimed', CLAIM);
    expectRedirect(await follow(ada), 'already_claimed', CLAIM);
    expectRedirect(await follow(ben), 'claimed', CLAIM);
    expectRedirect(await follow(cy), 'exhausted', page('exhausted'));
    // Ada still holds her claim once it is exhausted.
    expectRedirect(await follow(ada), 'already_claimed', CLAIM);
    const exhaustedPage = await spoor.app.inject({ url: new URL(page('exhausted')).pathname });
    expect(exhaustedPage.statusCode).toBe(200);
    expect(exhaustedPage.body).toContain('This offer has been fully claimed');
    expect(exhaustedPage.body).not.toContain('<script');

    // The second offer in the same email has not started: Spoor's page says so.
    const spring = [
      ...String(sink.receivedBy('dee@mail.test')[0]?.parsed.html).matchAll(new RegExp(OFFER_LINK, 'g')),
    ];
    expect(spring).toHaveLength(2);
    const soonRes = await follow(spring[1]![1]!);
    expect(soonRes.headers['x-spoor-offer']).toBe('not_started');
    expect(soonRes.headers.location).toBe(`${PUBLIC}/offers/${soon.id}/not-started`);

    const withdrawn = await api('POST', `/api/offers/${winter.id}/withdraw`);
    expect(withdrawn.json().state).toBe('withdrawn');
    expectRedirect(await follow(dee), 'withdrawn', 'https://shop.test/withdrawn');

    // A forged or altered link is a 404 page, never a redirect.
    const forged = await follow(`${ada.slice(0, -3)}AAA`);
    expect(forged.statusCode).toBe(404);
    expect(forged.headers.location).toBeUndefined();

    const insights = (await api('GET', `/api/offers/${winter.id}/insights`)).json();
    expect(insights).toEqual({
      offerId: winter.id,
      delivered: 4,
      uniqueClickers: 4,
      claimed: 2,
      claimants: 2,
      refused: { already_claimed: 2, not_started: 0, ended: 0, exhausted: 1, withdrawn: 1, machine: 2 },
      remaining: 0,
      claimRate: 0.5,
    });

    // The claim is in Ada's timeline and her export; erasing Ben leaves the claims counted.
    const adaId = contactIds.get('ada@mail.test') as string;
    const history = (await api('GET', `/api/contacts/${adaId}/history`)).json();
    const claim = history.items.find((item: { kind: string }) => item.kind === 'offer_claim');
    expect(claim, JSON.stringify(history.items)).toBeTruthy();
    expect(JSON.stringify(claim)).toContain('Winter sale');
    const exported = (await api('GET', `/api/contacts/${adaId}/export`)).json();
    expect(JSON.stringify(exported)).toContain('"offerClaims"');
    expect(JSON.stringify(exported)).toContain(winter.id);
    const benId = contactIds.get('ben@mail.test') as string;
    expect((await api('DELETE', `/api/contacts/${benId}`)).statusCode).toBe(200);
    const left = await spoor.storage.db
      .selectFrom('offer_claims')
      .select('contact_id')
      .where('offer_id', '=', winter.id)
      .execute();
    expect(left.map((row) => row.contact_id)).toEqual([adaId]);
    expect((await api('GET', `/api/offers/${winter.id}`)).json().claimed).toBe(2);
    // Ben's link now names no one: it is no longer a link.
    expect((await follow(ben)).statusCode).toBe(404);
  });

  it("previews without tracking, and the offer's public link claims for no one", async () => {
    const open = await offer({ claimLimit: 1 });
    const message = await createVia<{ id: string }>(spoor, '/api/messages', {
      name: 'Preview',
      subject: 'Preview',
      html: `<a href='{{ offer "${open.id}" }}'>Claim</a>`,
    });
    const contactId = await createContact(spoor, { email: 'previewed@mail.test' });
    const preview = (await api('POST', `/api/messages/${message.id}/preview`, { contactId })).json();
    expect(preview.html).toContain(`#offer-${open.id}`);
    expect(preview.html).not.toContain('/o/');
    const res = await spoor.app.inject({ url: `/offers/${open.id}` });
    expect(res.statusCode).toBe(302);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.location).toBe(CLAIM);
    expect((await api('GET', `/api/offers/${open.id}`)).json().claimed).toBe(0);
    expect((await spoor.app.inject({ url: '/offers/NoSuchOffer123' })).statusCode).toBe(404);
  });

  it('limits how often one link is followed, so no link can fill the disk', async () => {
    const open = await offer();
    const fixture = await createSendFixture(spoor, { html: `<a href='{{ offer "${open.id}" }}'>Claim</a>` });
    const link = fixture.contacts[0]?.urls.offer?.(open.id) as string;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await follow(link)).statusCode);
    expect(statuses.slice(0, 30).every((status) => status === 302)).toBe(true);
    const over = await follow(link);
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const hits = await spoor.storage.db
      .selectFrom('offer_hits')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('offer_id', '=', open.id)
      .executeTakeFirstOrThrow();
    expect(Number(hits.n)).toBe(30);
  });

  it("gives a merged-away contact's claims and follows to the survivor, added up", async () => {
    const twice = await offer({ perContactLimit: 3 });
    const once = await offer();
    const fixture = await createSendFixture(spoor, {
      html: `<a href='{{ offer "${twice.id}" }}'>A</a> <a href='{{ offer "${once.id}" }}'>B</a>`,
      recipients: [{}, {}],
    });
    const [winner, loser] = fixture.contacts as [(typeof fixture.contacts)[0], (typeof fixture.contacts)[0]];
    for (const [contact, id] of [
      [winner, twice.id],
      [loser, twice.id],
      [loser, once.id],
    ] as const)
      expect((await follow(contact.urls.offer?.(id) as string)).headers['x-spoor-offer']).toBe('claimed');
    const db = spoor.storage.db;
    await db.transaction().execute((tx) =>
      offersPersonalData.merge({
        tx,
        engine,
        winnerId: winner.id,
        loserId: loser.id,
        now: Date.now(),
      }),
    );
    const claims = await db
      .selectFrom('offer_claims')
      .select(['offer_id', 'contact_id', 'claims'])
      .where('contact_id', 'in', [winner.id, loser.id])
      .orderBy('offer_id')
      .execute();
    expect(claims.map((c) => [c.offer_id, c.contact_id, Number(c.claims)]).sort()).toEqual(
      [
        [twice.id, winner.id, 2],
        [once.id, winner.id, 1],
      ].sort(),
    );
    const hits = await db
      .selectFrom('offer_hits')
      .select('contact_id')
      .where('contact_id', '=', loser.id)
      .execute();
    expect(hits).toEqual([]);
  });

  describe('a burst of concurrent follows', () => {
    it('never takes more claims than the limit, and no contact claims twice', async () => {
      const limited = await offer({ claimLimit: 7 });
      const fixture = await createSendFixture(spoor, {
        html: `<a href='{{ offer "${limited.id}" }}'>Claim</a>`,
        recipients: Array.from({ length: 30 }, () => ({})),
      });
      const links = fixture.contacts.map((contact) => contact.urls.offer?.(limited.id) as string);
      // Every contact follows four times at once: 120 requests in flight together.
      const answers = await Promise.all(links.flatMap((link) => [1, 2, 3, 4].map(() => follow(link))));
      // A redirect each, or (a machine too busy for PostgreSQL's pool wait) the documented 503 that took nothing.
      expect(answers.filter((res) => res.statusCode !== 302 && res.statusCode !== 503)).toEqual([]);
      const redirected = answers.filter((res) => res.statusCode === 302);
      const reasons = redirected.map((res) => res.headers['x-spoor-offer']);
      expect(reasons.filter((reason) => reason === 'claimed')).toHaveLength(7);
      expect(new Set(reasons)).toEqual(new Set(['claimed', 'already_claimed', 'exhausted']));
      const claims = await spoor.storage.db
        .selectFrom('offer_claims')
        .select(['contact_id', 'claims'])
        .where('offer_id', '=', limited.id)
        .execute();
      expect(claims).toHaveLength(7);
      expect(claims.every((row) => Number(row.claims) === 1)).toBe(true);
      const after = (await api('GET', `/api/offers/${limited.id}`)).json();
      expect(after).toMatchObject({ claimed: 7, remaining: 0, state: 'exhausted' });
      const insights = (await api('GET', `/api/offers/${limited.id}/insights`)).json();
      expect(insights.claimed + insights.refused.already_claimed + insights.refused.exhausted).toBe(
        redirected.length,
      );
    });
  });
});
