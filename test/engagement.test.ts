// Email engagement over HTTP on SQLite and PostgreSQL: the open pixel, the click redirect and one-click
// unsubscribe with genuine and forged tokens, machine opens and scanner clicks, tracking consent, the
// visitor cookie of a tracked click, insights from counters, history, export and erasure, rate limits.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER } from '../src/email/counters/counter-names.ts';
import { addToCounters } from '../src/email/counters/store.ts';
import { TokenSigner } from '../src/lib/tokens.ts';
import { rotateStoredTokenKey } from '../src/secrets/install-secrets.ts';
import {
  createSendFixture,
  type FixtureRecipient,
  pathOf,
  type SendFixture,
  type SendFixtureOptions,
} from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { nextMillisecond } from './support/wait-for.ts';

const GIF_BYTES = 43;
const SALE = 'https://www.shop.test/spring-sale?utm_source=email&utm_campaign=spring';
const ARRIVALS = 'https://www.shop.test/new-arrivals';
const STORES = 'https://www.shop.test/stores';
const APPLE_MAIL_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';

let ipCounter = 0;
/** A client address of its own per test, so rate limits and bursts never mix tests. */
const nextIp = () => {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
};

/** The token in a tracking URL (the last path segment, without ".gif"). */
const tokenOf = (url: string) => (new URL(url).pathname.split('/').pop() as string).replace(/\.gif$/, '');

describeEachEngine('email engagement', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const db = () => spoor.storage.db;
  const send = (options: SendFixtureOptions = {}) => createSendFixture(spoor, options);
  const recipients = (...list: FixtureRecipient[]) => ({ recipients: list });

  function get(
    url: string,
    options: { ip?: string; ua?: string | null; cookie?: string; method?: 'GET' | 'HEAD' } = {},
  ) {
    return spoor.app.inject({
      method: options.method ?? 'GET',
      url: url.startsWith('/') ? url : pathOf(url),
      remoteAddress: options.ip ?? nextIp(),
      headers: {
        // light-my-request sends a user agent of its own unless given one; '' stands for none.
        'user-agent': options.ua === null ? '' : (options.ua ?? CHROME_UA),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
    });
  }

  function post(url: string, payload: string | undefined, contentType: string | undefined, ip = nextIp()) {
    return spoor.app.inject({
      method: 'POST',
      url: pathOf(url),
      remoteAddress: ip,
      headers: { 'user-agent': CHROME_UA, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(payload === undefined ? {} : { payload }),
    });
  }

  const oneClick = (url: string, ip?: string) => {
    const boundary = `----spoor${randomBytes(6).toString('hex')}`;
    return post(
      url,
      `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
      `multipart/form-data; boundary=${boundary}`,
      ip,
    );
  };

  const eventsOf = (sendId: string) =>
    db()
      .selectFrom('email_events')
      .selectAll()
      .where('send_id', '=', sendId)
      .orderBy('occurred_at')
      .orderBy('kind')
      .execute();

  async function insights(sendId: string) {
    const res = await spoor.app.inject({
      method: 'GET',
      url: `/api/sends/${sendId}/insights`,
      headers: spoor.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    // The figures, without when they were read (asOf).
    const { asOf, ...figures } = res.json();
    expect(Date.parse(asOf)).not.toBeNaN();
    return figures;
  }

  const expectGif = (res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }) => {
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.rawPayload.length).toBe(GIF_BYTES);
    expect(res.rawPayload.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(String(res.headers['cache-control'])).toContain('no-store');
    expect(String(res.headers['cache-control'])).toContain('no-cache');
    expect(res.headers['set-cookie']).toBeUndefined();
  };

  const expectInvalidLink = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    expect(res.statusCode).toBe(404);
    expect(res.headers['location']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(String(res.headers['content-type'])).toContain('text/html');
    expect(res.body).toContain('This link is not valid');
  };

  /** Forged variants of a genuine token: none may be accepted. */
  function forgeries(fixture: SendFixture, token: string, kind: 'open' | 'click' | 'unsubscribe') {
    const raw = Buffer.from(token, 'base64url');
    const flip = (at: number) => {
      const copy = Buffer.from(raw);
      copy[at] = (copy[at] as number) ^ 0x01;
      return copy.toString('base64url');
    };
    const [first, second] = fixture.contacts;
    const otherContact = Buffer.from(raw);
    // Same layout, another contact's id in place of this one's (both 22 characters), the MAC kept.
    const contactAt = raw.indexOf(Buffer.from(first!.id));
    if (second && contactAt > 0) Buffer.from(second.id).copy(otherContact, contactAt);
    const wrongKey = new TokenSigner([{ version: 1, secret: randomBytes(32) }]);
    const claims = { kind, sendId: fixture.sendId, contactId: first!.id, position: kind === 'click' ? 0 : 0 };
    return {
      'one byte of the body altered': flip(3),
      'one byte of the MAC altered': flip(raw.length - 1),
      "another contact's id with this token's MAC": otherContact.toString('base64url'),
      'truncated by one character': token.slice(0, -1),
      'truncated to half': token.slice(0, Math.floor(token.length / 2)),
      'an extra character': `${token}A`,
      're-signed with a wrong key': wrongKey.sign(claims),
      'signed with an unknown key version': new TokenSigner([{ version: 77, secret: randomBytes(32) }]).sign(
        claims,
      ),
      'upper-cased': token.toUpperCase(),
      'a sequential id': '1',
      'another sequential id': '2',
      'a guessable id': fixture.sendId,
    };
  }

  describe('open pixel', () => {
    it('answers a 43-byte transparent GIF with no-cache headers and records the open against send and contact', async () => {
      const fixture = await send();
      const [contact] = fixture.contacts;
      const res = await get(contact!.urls.pixel, { ua: APPLE_MAIL_UA });
      expectGif(res);
      const events = await eventsOf(fixture.sendId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        kind: 'open',
        contact_id: contact!.id,
        machine: 0,
        implied: 0,
        recipient_key: fixture.secrets.hash(fixture.sendId, contact!.id),
        user_agent: APPLE_MAIL_UA,
      });
      // The address is never stored, only its keyed hash.
      expect(events[0]!.source_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(JSON.stringify(events[0])).not.toContain('198.51.');
      const report = await insights(fixture.sendId);
      expect(report.opens).toEqual({ human: { total: 1, unique: 1 }, machine: { total: 0, unique: 0 } });
    });

    it('answers the GIF to every bad token and records nothing', async () => {
      const fixture = await send(recipients({}, {}));
      const genuine = fixture.contacts[0]!.urls.pixel;
      const token = tokenOf(genuine);
      const clickToken = tokenOf(fixture.contacts[0]!.urls.click(0));
      const bad = [
        ...Object.values(forgeries(fixture, token, 'open')).map((t) => `/e/o/${t}.gif`),
        `/e/o/${clickToken}.gif`,
        `/e/o/${tokenOf(fixture.contacts[0]!.urls.unsubscribe)}.gif`,
        `/e/o/${token}`,
        `/e/o/${token}.png`,
        `/e/o/${token}.gif/extra`,
        '/e/o/',
        '/e/o/.gif',
        `/e/o/${'A'.repeat(5000)}.gif`,
        '/e/o/%00%01.gif',
        '/e/o/..%2F..%2Fetc%2Fpasswd.gif',
        '/e/o/%ff%fe.gif',
        '/e/o/%zz.gif',
        ...Array.from({ length: 5 }, (_, i) => `/e/o/${i + 1}.gif`),
      ];
      for (const url of bad) expectGif(await get(url));
      expect(await eventsOf(fixture.sendId)).toEqual([]);
    });

    it.each([
      { name: "Apple's proxy user agent", ua: 'Mozilla/5.0', ip: undefined, reason: 'apple-mpp' },
      {
        name: 'an address in the shipped Apple ranges',
        ua: APPLE_MAIL_UA,
        ip: '17.58.100.7',
        reason: 'apple-mpp',
      },
      {
        name: "Google's image proxy",
        ua: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
        ip: undefined,
        reason: 'google-image-proxy',
      },
      { name: 'a security gateway network', ua: CHROME_UA, ip: '40.107.235.9', reason: 'security-gateway' },
      { name: 'a self-declared bot', ua: 'python-requests/2.32.3', ip: undefined, reason: 'bot-user-agent' },
      { name: 'no user agent', ua: null, ip: undefined, reason: 'no-user-agent' },
    ])('labels a machine open: $name', async ({ ua, ip, reason }) => {
      const fixture = await send();
      expectGif(await get(fixture.contacts[0]!.urls.pixel, { ua, ...(ip ? { ip } : {}) }));
      const [event] = await eventsOf(fixture.sendId);
      expect(event).toMatchObject({ kind: 'open', machine: 1, machine_reason: reason });
      const report = await insights(fixture.sendId);
      expect(report.opens).toEqual({ human: { total: 0, unique: 0 }, machine: { total: 1, unique: 1 } });
      expect(report.rates.openRate).toBeNull(); // nothing delivered in this fixture's counters
    });

    it('counts concurrent opens exactly: one unique per recipient, every open in the total', async () => {
      const fixture = await send({ recipients: Array.from({ length: 30 }, () => ({})) });
      const requests = fixture.contacts.flatMap((contact) =>
        [1, 2, 3].map(() => get(contact.urls.pixel, { ip: '203.0.113.50' })),
      );
      for (const res of await Promise.all(requests)) expectGif(res);
      expect(await eventsOf(fixture.sendId)).toHaveLength(90);
      const report = await insights(fixture.sendId);
      expect(report.opens.human).toEqual({ total: 90, unique: 30 });
    });
  });

  describe('click redirect', () => {
    it('answers 302 to the stored destination, records the click and its implied open, sets the visitor cookie', async () => {
      const fixture = await send();
      const [contact] = fixture.contacts;
      const res = await get(contact!.urls.click(0));
      expect(res.statusCode).toBe(302);
      expect(res.headers['location']).toBe(SALE);
      expect(res.headers['cache-control']).toBe('no-store');
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(
        /^spoor_vid=[A-Za-z0-9_-]{22}; Max-Age=34560000; Path=\/; Secure; HttpOnly; SameSite=None$/,
      );
      const visitorId = /^spoor_vid=([^;]+)/.exec(cookie)![1]!;
      const visitor = await db()
        .selectFrom('visitors')
        .selectAll()
        .where('id', '=', visitorId)
        .executeTakeFirst();
      expect(visitor?.contact_id).toBe(contact!.id);

      const events = await eventsOf(fixture.sendId);
      expect(events.map((e) => [e.kind, e.link_position, e.machine, e.implied, e.contact_id])).toEqual([
        ['click', 0, 0, 0, contact!.id],
        ['open', null, 0, 1, contact!.id],
      ]);
      const report = await insights(fixture.sendId);
      expect(report.clicks).toEqual({ human: { total: 1, unique: 1 }, scanner: { total: 0, unique: 0 } });
      expect(report.opens.human).toEqual({ total: 1, unique: 1 });
      expect(report.links).toEqual([
        { position: 0, url: SALE, human: { total: 1, unique: 1 }, scanner: { total: 0, unique: 0 } },
        { position: 1, url: ARRIVALS, human: { total: 0, unique: 0 }, scanner: { total: 0, unique: 0 } },
        { position: 2, url: STORES, human: { total: 0, unique: 0 }, scanner: { total: 0, unique: 0 } },
      ]);
      expect(report.honeypot).toEqual({ position: 3, scanner: { total: 0, unique: 0 } });
    });

    it("keeps the browser's visitor id when it has one and maps it to the contact", async () => {
      const fixture = await send();
      const existing = 'existingVisitor_1234567';
      await db()
        .insertInto('visitors')
        .values({
          id: existing,
          created_at: Date.now() - 1000,
          last_seen_at: Date.now() - 1000,
          contact_id: null,
        })
        .execute();
      const res = await get(fixture.contacts[0]!.urls.click(1), { cookie: `spoor_vid=${existing}; other=1` });
      expect(res.statusCode).toBe(302);
      expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^spoor_vid=${existing};`));
      const visitor = await db()
        .selectFrom('visitors')
        .selectAll()
        .where('id', '=', existing)
        .executeTakeFirst();
      expect(visitor?.contact_id).toBe(fixture.contacts[0]!.id);
    });

    it('accepts no forged, altered, truncated, re-signed or other-kind token: 404 page, no redirect, nothing recorded', async () => {
      const fixture = await send(recipients({}, {}));
      const genuine = tokenOf(fixture.contacts[0]!.urls.click(1));
      const cases: Record<string, string> = {
        ...forgeries(fixture, genuine, 'click'),
        'an open token': tokenOf(fixture.contacts[0]!.urls.pixel),
        'an unsubscribe token': tokenOf(fixture.contacts[0]!.urls.unsubscribe),
        'a signed token for a link position the email does not have': fixture.secrets.signer.sign({
          kind: 'click',
          sendId: fixture.sendId,
          contactId: fixture.contacts[0]!.id,
          position: 40,
        }),
        'a signed token for a send that does not exist': fixture.secrets.signer.sign({
          kind: 'click',
          sendId: 'no-such-send-0000000000',
          contactId: fixture.contacts[0]!.id,
          position: 0,
        }),
      };
      for (const [name, token] of Object.entries(cases)) {
        const res = await get(`/e/c/${token}`);
        expect(res.statusCode, name).toBe(404);
        expectInvalidLink(res);
      }
      for (let id = 0; id < 20; id++) expectInvalidLink(await get(`/e/c/${id}`));
      for (const path of ['/e/c/', `/e/c/${genuine}/${genuine}`, `/e/c/${genuine}/https://evil.test/`])
        expectInvalidLink(await get(path));
      expect(await eventsOf(fixture.sendId)).toEqual([]);
    });

    it('no request parameter, header or path can choose the redirect target', async () => {
      const fixture = await send();
      const url = fixture.contacts[0]!.urls.click(2);
      const evil = encodeURIComponent('https://evil.test/phish');
      for (const query of [
        `?url=${evil}`,
        `?redirect=${evil}&to=${evil}&dest=${evil}&destination=${evil}&u=${evil}&next=${evil}`,
        `?position=0&p=1&link=0`,
        `?${evil}`,
      ]) {
        const res = await get(`${pathOf(url)}${query}`);
        expect(res.statusCode).toBe(302);
        expect(res.headers['location']).toBe(STORES);
      }
      const res = await spoor.app.inject({
        method: 'GET',
        url: pathOf(url),
        headers: {
          'user-agent': CHROME_UA,
          host: 'evil.test',
          referer: 'https://evil.test/',
          'x-forwarded-host': 'evil.test',
          'x-original-url': '/e/c/x?url=https://evil.test',
        },
      });
      expect(res.headers['location']).toBe(STORES);
    });

    it('without tracking consent: redirects and counts, but attaches nothing to the contact and sets no cookie', async () => {
      const fixture = await send(recipients({ tracking: false }));
      const [contact] = fixture.contacts;
      const click = await get(contact!.urls.click(0));
      expect(click.statusCode).toBe(302);
      expect(click.headers['location']).toBe(SALE);
      expect(click.headers['set-cookie']).toBeUndefined();
      expectGif(await get(contact!.urls.pixel));
      const events = await eventsOf(fixture.sendId);
      expect(events).toHaveLength(3);
      expect(events.every((e) => e.contact_id === null)).toBe(true);
      expect(new Set(events.map((e) => e.recipient_key))).toEqual(
        new Set([fixture.secrets.hash(fixture.sendId, contact!.id)]),
      );
      const visitors = await db()
        .selectFrom('visitors')
        .select('id')
        .where('contact_id', '=', contact!.id)
        .execute();
      expect(visitors).toEqual([]);
      const report = await insights(fixture.sendId);
      expect(report.clicks.human).toEqual({ total: 1, unique: 1 });
      expect(report.opens.human).toEqual({ total: 2, unique: 1 });
      const history = await spoor.app.inject({
        method: 'GET',
        url: `/api/contacts/${contact!.id}/history`,
        headers: spoor.auth,
      });
      // The email having been sent is the sender's fact, not tracking: it is the only item.
      expect(history.json().items.map((item: { type: string }) => item.type)).toEqual(['email_sent']);
    });

    it('the install default decides for contacts who never chose; their own choice wins', async () => {
      const database2 = database;
      const strict = await startSpoor(database2, { emailTrackingDefault: false, collectRateLimit: 100_000 });
      try {
        const fixture = await createSendFixture(strict, recipients({ tracking: null }, { tracking: true }));
        for (const contact of fixture.contacts) {
          const res = await strict.app.inject({
            method: 'GET',
            url: pathOf(contact.urls.click(0)),
            remoteAddress: nextIp(),
            headers: { 'user-agent': CHROME_UA },
          });
          expect(res.statusCode).toBe(302);
        }
        const clicks = (await eventsOf(fixture.sendId)).filter((e) => e.kind === 'click');
        expect(clicks.map((e) => e.contact_id).sort()).toEqual([null, fixture.contacts[1]!.id].sort());
      } finally {
        await strict.app.close();
        await strict.storage.close();
      }
    });
  });

  describe('key rotation', () => {
    it('a node started before another rotated the key accepts links signed with the new key', async () => {
      const own = await createTestDatabase(engine);
      const running = await startSpoor(own);
      try {
        // Another node rotates and restarts: it signs with version 2, which the running node has not loaded.
        await rotateStoredTokenKey(running.storage.db);
        const fixture = await createSendFixture(running);
        const url = fixture.contacts[0]!.urls.click(0);
        expect(Buffer.from(tokenOf(url), 'base64url')[0]).toBe(2);
        const res = await running.app.inject({
          method: 'GET',
          url: pathOf(url),
          headers: { 'user-agent': CHROME_UA },
        });
        expect(res.statusCode).toBe(302);
        expect(res.headers['location']).toBe(SALE);
        // A version no node has stays refused.
        const unknown = Buffer.from(tokenOf(url), 'base64url');
        unknown[0] = 9;
        const forged = await running.app.inject({
          method: 'GET',
          url: `/e/c/${unknown.toString('base64url')}`,
        });
        expect(forged.statusCode).toBe(404);
      } finally {
        await running.close();
        await own.drop();
      }
    });
  });

  describe('scanner clicks', () => {
    it('a HEAD request answers the redirect but is a scanner click, with no cookie', async () => {
      const fixture = await send();
      const res = await get(fixture.contacts[0]!.urls.click(0), { method: 'HEAD' });
      expect(res.statusCode).toBe(302);
      expect(res.headers['location']).toBe(SALE);
      expect(res.headers['set-cookie']).toBeUndefined();
      const events = await eventsOf(fixture.sendId);
      expect(events.map((e) => [e.kind, e.machine, e.machine_reason, e.implied])).toEqual([
        ['click', 1, 'head', 0],
        ['open', 1, 'head', 1],
      ]);
      const report = await insights(fixture.sendId);
      expect(report.clicks).toEqual({ human: { total: 0, unique: 0 }, scanner: { total: 1, unique: 1 } });
      expect(report.opens).toEqual({ human: { total: 0, unique: 0 }, machine: { total: 1, unique: 1 } });
    });

    it.each([
      {
        name: 'a self-declared bot',
        ua: 'Mozilla/5.0 (compatible; bingbot/2.0)',
        ip: undefined,
        reason: 'bot-user-agent',
      },
      {
        name: 'Defender Safe Links with a browser user agent',
        ua: CHROME_UA,
        ip: '40.107.235.12',
        reason: 'security-gateway',
      },
      {
        name: 'Exchange Online Protection over IPv6',
        ua: CHROME_UA,
        ip: '2a01:111:f403::1',
        reason: 'security-gateway',
      },
    ])('labels $name', async ({ ua, ip, reason }) => {
      const fixture = await send();
      const res = await get(fixture.contacts[0]!.urls.click(1), { ua, ...(ip ? { ip } : {}) });
      expect(res.statusCode).toBe(302);
      expect(res.headers['set-cookie']).toBeUndefined();
      const [click] = (await eventsOf(fixture.sendId)).filter((e) => e.kind === 'click');
      expect(click).toMatchObject({ machine: 1, machine_reason: reason });
    });

    it('a click from an Apple address is a person (iCloud Private Relay), not a scanner', async () => {
      const fixture = await send();
      const res = await get(fixture.contacts[0]!.urls.click(1), { ip: '17.58.100.8' });
      expect(String(res.headers['set-cookie'])).toMatch(/^spoor_vid=/);
      const [click] = (await eventsOf(fixture.sendId)).filter((e) => e.kind === 'click');
      expect(click).toMatchObject({ machine: 0, machine_reason: null });
    });

    it('a click within a minute of delivery is a scanner click', async () => {
      const fixture = await send({ sentAgoMs: 0 });
      const res = await get(fixture.contacts[0]!.urls.click(0));
      expect(res.statusCode).toBe(302);
      expect(res.headers['set-cookie']).toBeUndefined();
      const [click] = (await eventsOf(fixture.sendId)).filter((e) => e.kind === 'click');
      expect(click).toMatchObject({ machine: 1, machine_reason: 'at-delivery' });
    });

    it('a burst of links from one source makes the whole burst scanner clicks', async () => {
      const fixture = await send();
      const ip = nextIp();
      const { urls } = fixture.contacts[0]!;
      const first = await get(urls.click(0), { ip });
      expect(String(first.headers['set-cookie'])).toMatch(/^spoor_vid=/);
      await get(urls.click(1), { ip });
      const third = await get(urls.click(2), { ip });
      expect(third.statusCode).toBe(302);
      expect(third.headers['set-cookie']).toBeUndefined();
      const clicks = (await eventsOf(fixture.sendId)).filter((e) => e.kind === 'click');
      expect(clicks.map((e) => e.machine_reason)).toEqual(['burst', 'burst', 'burst']);
      const report = await insights(fixture.sendId);
      expect(report.clicks).toEqual({ human: { total: 0, unique: 0 }, scanner: { total: 3, unique: 1 } });
      expect(report.opens).toEqual({ human: { total: 0, unique: 0 }, machine: { total: 1, unique: 1 } });
      expect(report.links.map((l: { scanner: unknown }) => l.scanner)).toEqual([
        { total: 1, unique: 1 },
        { total: 1, unique: 1 },
        { total: 1, unique: 1 },
      ]);
    });

    it('the honeypot link answers a blank page (no redirect) and turns the clicks around it into scanner clicks', async () => {
      const fixture = await send(recipients({}, {}));
      const [scanned, reader] = fixture.contacts;
      await get(reader!.urls.click(0));
      await get(scanned!.urls.click(0), { ip: nextIp() });
      expect((await insights(fixture.sendId)).clicks.human).toEqual({ total: 2, unique: 2 });
      // The hidden link is in every email, after the visible ones.
      expect(scanned!.html).toContain(pathOf(scanned!.urls.click(fixture.honeypotPosition)));
      const trap = await get(scanned!.urls.click(fixture.honeypotPosition));
      expect(trap.statusCode).toBe(200);
      expect(trap.headers['location']).toBeUndefined();
      expect(trap.headers['set-cookie']).toBeUndefined();
      const after = await get(scanned!.urls.click(1));
      expect(after.headers['set-cookie']).toBeUndefined();

      const clicks = (await eventsOf(fixture.sendId)).filter((e) => e.kind === 'click');
      const byContact = (id: string) =>
        clicks.filter((e) => e.contact_id === id).map((e) => e.machine_reason);
      expect(byContact(reader!.id)).toEqual([null]);
      expect(byContact(scanned!.id)).toEqual(['near-honeypot', 'honeypot', 'near-honeypot']);
      const report = await insights(fixture.sendId);
      expect(report.clicks).toEqual({ human: { total: 1, unique: 1 }, scanner: { total: 3, unique: 1 } });
      expect(report.opens.human).toEqual({ total: 1, unique: 1 });
      expect(report.honeypot).toEqual({
        position: fixture.honeypotPosition,
        scanner: { total: 1, unique: 1 },
      });
      expect(report.links.map((l: { position: number }) => l.position)).toEqual([0, 1, 2]);
    });
  });

  describe('one-click unsubscribe', () => {
    const membership = (listId: string, contactId: string) =>
      db()
        .selectFrom('list_members')
        .selectAll()
        .where('list_id', '=', listId)
        .where('contact_id', '=', contactId)
        .executeTakeFirstOrThrow();

    it('GET shows a confirm page and changes nothing', async () => {
      const fixture = await send();
      const res = await get(fixture.contacts[0]!.urls.unsubscribe);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<form method="post">');
      expect(res.body).toContain('name="List-Unsubscribe" value="One-Click"');
      expect((await membership(fixture.listIds[0]!, fixture.contacts[0]!.id)).status).toBe('subscribed');
      expect(await eventsOf(fixture.sendId)).toEqual([]);
    });

    it('POST (RFC 8058 multipart) unsubscribes from the send lists, answers 200 without redirect or cookie, once', async () => {
      const fixture = await send({ ...recipients({}, {}), listCount: 2 });
      const [leaving, staying] = fixture.contacts;
      const res = await oneClick(leaving!.urls.unsubscribe);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['location']).toBeUndefined();
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).toContain('You are unsubscribed');
      for (const listId of fixture.listIds) {
        expect(await membership(listId, leaving!.id)).toMatchObject({
          status: 'unsubscribed',
          unsubscribed_send_id: fixture.sendId,
        });
        expect((await membership(listId, staying!.id)).status).toBe('subscribed');
      }
      // Mail providers retry; a person may press twice.
      expect((await oneClick(leaving!.urls.unsubscribe)).statusCode).toBe(200);
      const events = await eventsOf(fixture.sendId);
      expect(events.map((e) => [e.kind, e.contact_id])).toEqual([['unsubscribe', leaving!.id]]);
      expect((await insights(fixture.sendId)).unsubscribes).toBe(1);
    });

    it.each([
      {
        name: 'url-encoded one-click body',
        payload: 'List-Unsubscribe=One-Click',
        type: 'application/x-www-form-urlencoded',
      },
      { name: 'the confirm page form (empty body)', payload: '', type: 'application/x-www-form-urlencoded' },
      { name: 'no body at all', payload: undefined, type: undefined },
    ])('POST accepts $name', async ({ payload, type }) => {
      const fixture = await send(recipients({ tracking: false }));
      const res = await post(fixture.contacts[0]!.urls.unsubscribe, payload, type);
      expect(res.statusCode, res.body).toBe(200);
      expect((await membership(fixture.listIds[0]!, fixture.contacts[0]!.id)).status).toBe('unsubscribed');
      // Works without tracking consent (it is not tracking); the event names no one.
      expect((await eventsOf(fixture.sendId)).map((e) => [e.kind, e.contact_id])).toEqual([
        ['unsubscribe', null],
      ]);
    });

    it.each([
      {
        name: 'another value',
        payload: 'List-Unsubscribe=Yes',
        type: 'application/x-www-form-urlencoded',
        status: 400,
      },
      {
        name: 'extra fields',
        payload: 'List-Unsubscribe=One-Click&all=1',
        type: 'application/x-www-form-urlencoded',
        status: 400,
      },
      { name: 'JSON', payload: '{"List-Unsubscribe":"One-Click"}', type: 'application/json', status: 400 },
      { name: 'text', payload: 'unsubscribe', type: 'text/plain', status: 400 },
      { name: 'a multipart body without boundary', payload: 'x', type: 'multipart/form-data', status: 400 },
      { name: 'an unknown media type', payload: 'x', type: 'application/xml', status: 415 },
      {
        name: 'a body over the limit',
        payload: `List-Unsubscribe=${'x'.repeat(5000)}`,
        type: 'application/x-www-form-urlencoded',
        status: 413,
      },
    ])(
      'POST refuses $name with a clear $status and unsubscribes no one',
      async ({ payload, type, status }) => {
        const fixture = await send();
        const res = await post(fixture.contacts[0]!.urls.unsubscribe, payload, type);
        expect(res.statusCode, res.body).toBe(status);
        expect(String(res.headers['content-type'])).toContain('text/html');
        expect(res.body).toMatch(/<p>.{10,}<\/p>/);
        expect((await membership(fixture.listIds[0]!, fixture.contacts[0]!.id)).status).toBe('subscribed');
      },
    );

    it('refuses forged tokens on GET and POST alike', async () => {
      const fixture = await send(recipients({}, {}));
      const genuine = tokenOf(fixture.contacts[0]!.urls.unsubscribe);
      const cases = {
        ...forgeries(fixture, genuine, 'unsubscribe'),
        'a click token': tokenOf(fixture.contacts[0]!.urls.click(0)),
      };
      for (const [name, token] of Object.entries(cases)) {
        const url = `${spoor.config.publicUrl}/e/u/${token}`;
        const page = await get(url);
        expect(page.statusCode, name).toBe(404);
        expectInvalidLink(page);
        expectInvalidLink(await oneClick(url));
      }
      expect((await membership(fixture.listIds[0]!, fixture.contacts[0]!.id)).status).toBe('subscribed');
    });
  });

  describe('insights', () => {
    it('computes every figure and rate from the counters only', async () => {
      const fixture = await send({ recipients: Array.from({ length: 4 }, () => ({})) });
      const [a, b, c] = fixture.contacts;
      await get(a!.urls.pixel);
      await get(a!.urls.pixel);
      await get(b!.urls.pixel, { ua: 'Mozilla/5.0' });
      await get(c!.urls.click(1));
      await get(c!.urls.click(1));
      await oneClick(b!.urls.unsubscribe);
      // What the send job writes as it works through recipients (another part; simulated here).
      await addToCounters(
        db(),
        fixture.sendId,
        new Map([
          [COUNTER.recipients, 6],
          [COUNTER.duplicates, 1],
          [COUNTER.blocked('unsubscribed'), 1],
          [COUNTER.sent, 4],
          [COUNTER.hardBounces, 0],
          [COUNTER.softBounces, 0],
        ]),
      );
      const report = await insights(fixture.sendId);
      expect(report).toMatchObject({
        sendId: fixture.sendId,
        message: { id: fixture.messageId, name: fixture.messageName },
        recipients: 6,
        duplicates: 1,
        blocked: { total: 1, byReason: { unsubscribed: 1 } },
        sent: 4,
        delivered: 4,
        bounces: { hard: 0, soft: 0 },
        opens: { human: { total: 3, unique: 2 }, machine: { total: 1, unique: 1 } },
        clicks: { human: { total: 2, unique: 1 }, scanner: { total: 0, unique: 0 } },
        rates: { openRate: 0.5, clickThroughRate: 0.25, clickToOpenRate: 0.5 },
        unsubscribes: 1,
      });
      expect(report.links[1]).toEqual({
        position: 1,
        url: ARRIVALS,
        human: { total: 2, unique: 1 },
        scanner: { total: 0, unique: 0 },
      });
    });

    it('a 1,000,000-recipient send is answered from its counters, without reading events or recipients', async () => {
      const fixture = await send();
      await addToCounters(
        db(),
        fixture.sendId,
        new Map([
          [COUNTER.recipients, 1_000_000],
          [COUNTER.blocked('do_not_email'), 1_000],
          [COUNTER.blocked('hard_bounced'), 2_000],
          [COUNTER.sent, 997_000],
          [COUNTER.hardBounces, 4_000],
          [COUNTER.softBounces, 3_000],
          [COUNTER.uniqueOpens('human'), 198_000],
          [COUNTER.opens('human'), 310_000],
          [COUNTER.uniqueOpens('machine'), 400_000],
          [COUNTER.uniqueClicks('human'), 49_500],
        ]),
      );
      const report = await insights(fixture.sendId);
      expect(report).toMatchObject({
        recipients: 1_000_000,
        blocked: { total: 3_000, byReason: { do_not_email: 1_000, hard_bounced: 2_000 } },
        sent: 997_000,
        delivered: 990_000,
        bounces: { hard: 4_000, soft: 3_000 },
        rates: { openRate: 0.2, clickThroughRate: 0.05, clickToOpenRate: 0.25 },
      });
    });

    it('answers 404 for an unknown send and 401 without an API key', async () => {
      const unknown = await spoor.app.inject({
        method: 'GET',
        url: '/api/sends/nope/insights',
        headers: spoor.auth,
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'not_found', message: 'No send with id "nope".' });
      const fixture = await send();
      const anonymous = await spoor.app.inject({
        method: 'GET',
        url: `/api/sends/${fixture.sendId}/insights`,
      });
      expect(anonymous.statusCode).toBe(401);
      const long = await spoor.app.inject({
        method: 'GET',
        url: `/api/sends/${'x'.repeat(65)}/insights`,
        headers: spoor.auth,
      });
      expect(long.statusCode).toBe(400);
    });
  });

  describe('history, export and erasure', () => {
    it("shows the contact's opens, clicks (with the link) and unsubscribes, machine ones labelled", async () => {
      const fixture = await send();
      const [contact] = fixture.contacts;
      // History orders events of the same millisecond by their (random) ids; on a fast machine these
      // three requests can share one, so each waits for the clock to move on.
      await get(contact!.urls.pixel, { ua: 'Mozilla/5.0' });
      await nextMillisecond();
      await get(contact!.urls.click(1));
      await nextMillisecond();
      await oneClick(contact!.urls.unsubscribe);
      const res = await spoor.app.inject({
        method: 'GET',
        url: `/api/contacts/${contact!.id}/history`,
        headers: spoor.auth,
      });
      expect(res.statusCode).toBe(200);
      const items = res.json().items;
      // The unsubscribe ended the list membership: a consent event at the same instant (the same
      // instant's items are ordered by source).
      expect(
        items.map((i: { type: string; event?: string; kind?: string }) => [i.type, i.event ?? i.kind]),
      ).toEqual([
        ['email', 'unsubscribe'],
        ['consent', 'list_unsubscribed'],
        ['email', 'click'],
        ['email', 'open'],
        ['email_sent', undefined],
      ]);
      expect(items[1]).toMatchObject({
        subjects: { list: { id: fixture.listIds[0] }, send: { id: fixture.sendId } },
        attributes: { before: 'subscribed', after: 'unsubscribed', source: 'unsubscribe_link' },
      });
      expect(items[2]).toMatchObject({
        // The subject as the contact read it, rendered with their fields.
        send: { id: fixture.sendId, subject: 'Spring sale, Reader 0' },
        message: { id: fixture.messageId, name: fixture.messageName },
        link: { position: 1, url: ARRIVALS, honeypot: false },
        machine: null,
      });
      expect(items[3]).toMatchObject({ link: null, machine: 'apple-mpp' });
      // Paging goes through email items like any other.
      const first = await spoor.app.inject({
        method: 'GET',
        url: `/api/contacts/${contact!.id}/history?limit=2`,
        headers: spoor.auth,
      });
      const next = await spoor.app.inject({
        method: 'GET',
        url: `/api/contacts/${contact!.id}/history?limit=2&cursor=${first.json().nextCursor}`,
        headers: spoor.auth,
      });
      expect([...first.json().items, ...next.json().items].map((i: { id: string }) => i.id)).toEqual(
        items.slice(0, 4).map((i: { id: string }) => i.id),
      );
    });

    it('export holds the email events, list memberships and recipient rows; erasure deletes them, counters stay', async () => {
      const fixture = await send(recipients({}, {}));
      const [contact, other] = fixture.contacts;
      await get(contact!.urls.click(0));
      await get(other!.urls.click(0));
      await oneClick(contact!.urls.unsubscribe);

      const exported = await spoor.app.inject({
        method: 'GET',
        url: `/api/contacts/${contact!.id}/export`,
        headers: spoor.auth,
      });
      expect(exported.statusCode).toBe(200);
      const doc = exported.json();
      expect(doc.emailEvents.map((e: { kind: string; implied: boolean }) => [e.kind, e.implied])).toEqual([
        ['click', false],
        ['open', true],
        ['unsubscribe', false],
      ]);
      expect(doc.emailEvents[0]).toMatchObject({ sendId: fixture.sendId, link: { position: 0, url: SALE } });
      expect(doc.listMemberships).toEqual([
        expect.objectContaining({
          list: { id: fixture.listIds[0], name: expect.any(String) },
          status: 'unsubscribed',
          unsubscribedBySendId: fixture.sendId,
        }),
      ]);
      expect(doc.emailsSent).toEqual([
        expect.objectContaining({ sendId: fixture.sendId, email: contact!.email, status: 'sent' }),
      ]);

      const before = await insights(fixture.sendId);
      const erased = await spoor.app.inject({
        method: 'DELETE',
        url: `/api/contacts/${contact!.id}`,
        headers: spoor.auth,
      });
      expect(erased.statusCode, erased.body).toBe(200);
      expect(erased.json().deleted).toMatchObject({ emailEvents: 3, listMemberships: 1, sendRecipients: 1 });
      const left = await eventsOf(fixture.sendId);
      expect(left.some((e) => e.contact_id === contact!.id)).toBe(false);
      expect(left.filter((e) => e.contact_id === other!.id)).toHaveLength(2);
      const memberships = await db()
        .selectFrom('list_members')
        .selectAll()
        .where('contact_id', '=', contact!.id)
        .execute();
      expect(memberships).toEqual([]);
      expect(await insights(fixture.sendId)).toEqual(before);

      // The erased contact's links still lead where they did, and record nothing.
      const late = await get(contact!.urls.click(1));
      expect(late.statusCode).toBe(302);
      expect(late.headers['set-cookie']).toBeUndefined();
      expectGif(await get(contact!.urls.pixel));
      expect(await eventsOf(fixture.sendId)).toHaveLength(left.length);
    });
  });

  describe('rate limits', () => {
    it('limits per recipient, not per address: a mail proxy carrying many people is never throttled', async () => {
      const limited = await startSpoor(database, { collectRateLimit: 2, formRateLimit: 1 });
      try {
        const fixture = await createSendFixture(limited, { recipients: [{}, {}, {}, {}] });
        // Everyone's opens and clicks come through one proxy address, more of them than the per-address limit.
        const proxy = '192.0.2.77';
        const hit = (url: string, method: 'GET' | 'POST' = 'GET') =>
          limited.app.inject({
            method,
            url: pathOf(url),
            remoteAddress: proxy,
            headers: { 'user-agent': CHROME_UA },
          });
        for (const contact of fixture.contacts) {
          expectGif(await hit(contact.urls.pixel));
          expect((await hit(contact.urls.click(0))).statusCode).toBe(302);
        }
        const events = await eventsOf(fixture.sendId);
        expect(events.filter((e) => e.kind === 'open' && e.implied === 0)).toHaveLength(4);
        expect(events.filter((e) => e.kind === 'click')).toHaveLength(4);
      } finally {
        await limited.app.close();
        await limited.storage.close();
      }
    });

    it('one recipient hammering: answered (GIF, redirect) but recorded only up to the limit; unsubscribes get a 429', async () => {
      const fixture = await send(recipients({}));
      const { urls } = fixture.contacts[0]!;
      const hit = (url: string, method: 'GET' | 'POST' = 'GET') =>
        spoor.app.inject({ method, url: pathOf(url), headers: { 'user-agent': CHROME_UA } });
      for (let i = 0; i < 35; i++) expectGif(await hit(urls.pixel));
      for (let i = 0; i < 35; i++) expect((await hit(urls.click(0))).statusCode).toBe(302);
      const events = await eventsOf(fixture.sendId);
      expect(events.filter((e) => e.kind === 'open' && e.implied === 0)).toHaveLength(30);
      expect(events.filter((e) => e.kind === 'click')).toHaveLength(30);

      for (let i = 0; i < 10; i++) expect((await hit(urls.unsubscribe, 'POST')).statusCode).toBe(200);
      const again = await hit(urls.unsubscribe, 'POST');
      expect(again.statusCode).toBe(429);
      expect(again.headers['location']).toBeUndefined();
      expect(again.body).toContain('Too many requests');
    });

    it('invalid tokens are limited per address: guessing soon gets a 429', async () => {
      const limited = await startSpoor(database, { collectRateLimit: 2, formRateLimit: 1 });
      try {
        const hit = (url: string) => limited.app.inject({ method: 'GET', url, remoteAddress: '192.0.2.99' });
        expect((await hit('/e/c/AAAA')).statusCode).toBe(404);
        expect((await hit('/e/c/AAAB')).statusCode).toBe(404);
        const third = await hit('/e/c/AAAC');
        expect(third.statusCode).toBe(429);
        expect(third.body).toContain('Too many requests');
        expect((await hit('/e/u/AAAA')).statusCode).toBe(404);
        expect((await hit('/e/u/AAAB')).statusCode).toBe(429);
        // The pixel is never refused.
        for (let i = 0; i < 5; i++) expectGif(await hit('/e/o/AAAA.gif'));
      } finally {
        await limited.app.close();
        await limited.storage.close();
      }
    });
  });
});
