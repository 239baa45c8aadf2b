// Forward to a friend over HTTP on SQLite and PostgreSQL, sending through a loopback SMTP sink: the link in
// a sent email opens the form (GET changes nothing); a post logs each address and the job runner sends
// each friend a copy that carries none of the forwarder's links or merge fields (the received mail is
// parsed); suppressed and unsubscribed friends get nothing while the forwarder sees the same page; the
// per-post, per-forwarder and per-address limits and the honeypot refuse; the copies' opens and clicks are
// attributed to the send and the forwarder, never to a contact; only a keyed hash of the address is
// kept once sent; the send's insights, the forwarder's history, export and erasure show it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forwardToken } from '../src/email/forwards/forward-links.ts';
import { DAY_MS } from '../src/lib/time.ts';
import { applyRetention } from '../src/privacy/apply-retention.ts';
import { loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import { pathOf } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type ReceivedMessage, type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { CHROME_UA, type RunningSpoor, sendFinished, startSpoor } from './helpers/spoor.ts';
import {
  addToList,
  createContact,
  createContactField,
  createList,
  createMessage,
  createVia,
} from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

const HTML = `<html><body><p>Hi {{ contact.first_name | default: "there" }} ({{ contact.email }}), plan {{ contact.custom.plan }}</p>
<p><a href="https://www.shop.test/sale">See the sale</a></p>
<p><a href="https://www.shop.test/new">New arrivals</a></p>
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> <a href="{{ subscription_center_url }}">Preferences</a> <a href="{{ forward_url }}">Forward to a friend</a></p></body></html>`;
const PEOPLE = {
  ada: 'ada@mail.test',
  bob: 'bob@mail.test',
  cat: 'cat@mail.test',
  dan: 'dan@mail.test',
  eve: 'eve@mail.test',
  gone: 'gone@mail.test',
};

describeEachEngine('forward to a friend', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let sendId: string;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // gone@ does not exist: its bounce puts it on the suppression list.
    sink = await startSmtpSink({ refuse: { [PEOPLE.gone]: { code: 550, message: '5.1.1 No such user' } } });
    spoor = await startSpoor(
      database,
      {
        publicUrl: 'https://track.spoor.test',
        sendPollMs: 50,
        formRateLimit: 100_000,
        smtp: smtpConfigFor(sink),
        forwards: { perPost: 5, perForwarderPerSend: 6, perAddressPerDay: 2 },
      },
      { workers: true },
    );
    await createContactField(spoor, { key: 'plan', label: 'Plan', type: 'text' });
    const listId = await createList(spoor, 'News');
    for (const [name, email] of Object.entries(PEOPLE))
      ids.set(
        email,
        await createContact(spoor, {
          email,
          firstName: name[0]!.toUpperCase() + name.slice(1),
          plan: `plan-of-${name}`,
        }),
      );
    await addToList(spoor, listId, [...ids.values()]);
    const messageId = await createMessage(spoor, {
      subject: 'Spring sale for {{ contact.first_name }}',
      html: HTML,
    });
    sendId = (await createVia<{ id: string }>(spoor, '/api/sends', { messageId, listIds: [listId] }, 202)).id;
    await sendFinished(spoor, sendId);
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  const db = () => spoor.storage.db;
  const api = (method: 'GET' | 'DELETE', url: string) =>
    spoor.app.inject({ method, url, headers: spoor.auth });
  const hrefOf = (mail: ReceivedMessage, text: string) => {
    const href = new RegExp(`href="([^"]+)"[^>]*>${text}<`).exec(String(mail.parsed.html))?.[1];
    expect(href, `a link "${text}"`).toBeDefined();
    return href!.replaceAll('&amp;', '&');
  };
  const received = (email: string) => sink.receivedBy(email)[0]!;
  const formUrl = (email: string) => pathOf(hrefOf(received(email), 'Forward to a friend'));
  const tokenOf = (email: string) => new URL(`https://x${formUrl(email)}`).searchParams.get('token')!;
  const post = (token: string, emails: string[], extra: [string, string][] = []) =>
    spoor.app.inject({
      method: 'POST',
      url: '/forward',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': CHROME_UA },
      payload: new URLSearchParams([
        ['token', token],
        ...emails.map((e) => ['email', e] as [string, string]),
        ...extra,
      ]).toString(),
    });
  const counters = async () =>
    new Map(
      (
        await db()
          .selectFrom('send_counters')
          .select(['name', 'value'])
          .where('send_id', '=', sendId)
          .where('name', 'like', 'forward:%')
          .execute()
      ).map((row) => [row.name, Number(row.value)]),
    );
  const copiesOf = (email: string) =>
    db()
      .selectFrom('forward_copies')
      .selectAll()
      .where('contact_id', '=', ids.get(email)!)
      .orderBy('created_at')
      .execute();
  /** Every copy job has run (none left), then the runner made one more pass. */
  const copiesSettled = async () => {
    await waitFor('the copy jobs to finish', async () => {
      const left = await db()
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', 'email.forward-copy')
        .execute();
      return left.length === 0;
    });
    await spoor.runDueJobs();
  };

  it('the link in the email opens the form; a GET (a person or a scanner) changes nothing', async () => {
    const url = formUrl(PEOPLE.ada);
    expect(url).toMatch(/^\/forward\?token=/);
    for (const userAgent of [CHROME_UA, 'Mozilla/5.0 (compatible; Barracuda scanner)']) {
      const res = await spoor.app.inject({ method: 'GET', url, headers: { 'user-agent': userAgent } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.body).toContain('Forward this email to a friend');
      expect(res.body).toContain('Spring sale for Ada');
      expect(res.body.match(/name="email"/g)).toHaveLength(5);
      expect(res.body).not.toContain('<script');
    }
    expect(await db().selectFrom('forwards').selectAll().execute()).toEqual([]);
  });

  it("sends each friend a copy with none of the forwarder's links or merge fields, keeping only a hash", async () => {
    const res = await post(tokenOf(PEOPLE.ada), ['Friend.One@Other.test', 'friend2@other.test', '']);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('Thank you for forwarding');
    await sink.waitForMessages(Object.keys(PEOPLE).length - 1 + 2);
    await copiesSettled();

    const ownLinks = [
      hrefOf(received(PEOPLE.ada), 'Unsubscribe'),
      hrefOf(received(PEOPLE.ada), 'Preferences'),
      hrefOf(received(PEOPLE.ada), 'Forward to a friend'),
      hrefOf(received(PEOPLE.ada), 'See the sale'),
    ];
    for (const friend of ['Friend.One@other.test', 'friend2@other.test']) {
      const [mail, ...more] = sink.receivedBy(friend);
      expect(more).toEqual([]);
      const all = `${mail!.parsed.subject}\n${mail!.parsed.html}\n${mail!.parsed.text}\n${mail!.raw.toString()}`;
      expect(mail!.parsed.subject).toBe('Spring sale for');
      expect(String(mail!.parsed.html)).toContain('Hi there (), plan </p>');
      expect(mail!.parsed.text).toMatch(/^Someone who receives our emails forwarded this one to you/);
      for (const theirs of [
        'Ada',
        PEOPLE.ada,
        'plan-of-ada',
        '/e/o/',
        '/e/c/',
        '/e/u/',
        '/subscriptions?',
        '/forward?',
        ...ownLinks,
      ])
        expect(all).not.toContain(theirs);
      expect(mail!.parsed.headers.get('list-unsubscribe')).toBeUndefined();
      expect(hrefOf(mail!, 'Unsubscribe')).toBe('#unsubscribe');
      expect(hrefOf(mail!, 'Forward to a friend')).toBe('#forward');
      expect(hrefOf(mail!, 'See the sale')).toMatch(/^https:\/\/track\.spoor\.test\/e\/fc\//);
      expect(String(mail!.parsed.html)).toMatch(/src="https:\/\/track\.spoor\.test\/e\/fo\/[^"]+\.gif"/);
    }

    const copies = await copiesOf(PEOPLE.ada);
    expect(copies.map((c) => c.status)).toEqual(['sent', 'sent']);
    // Once sent, no table holds the address: the copy keeps a keyed hash, the job is gone.
    for (const copy of copies) {
      expect(copy.email).toBeNull();
      expect(copy.friend_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(copy.friend_hash.toLowerCase()).not.toContain('friend');
    }
    const stored = JSON.stringify([
      await db().selectFrom('forward_copies').selectAll().execute(),
      await db().selectFrom('forwards').selectAll().execute(),
      await db().selectFrom('jobs').selectAll().execute(),
    ]).toLowerCase();
    expect(stored).not.toContain('other.test');
    const forwards = await db()
      .selectFrom('forwards')
      .selectAll()
      .where('contact_id', '=', ids.get(PEOPLE.ada)!)
      .execute();
    expect(forwards.map((f) => [f.send_id, Number(f.addresses)])).toEqual([[sendId, 2]]);
  });

  it('suppressed and unsubscribed friends get nothing, and the forwarder sees the same page', async () => {
    // gone@ bounced (suppressed); bob leaves the list through his own unsubscribe link.
    const unsubscribe = pathOf(hrefOf(received(PEOPLE.bob), 'Unsubscribe'));
    const left = await spoor.app.inject({
      method: 'POST',
      url: unsubscribe,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(left.statusCode).toBe(200);
    const before = sink.messages.length;

    const blocked = await post(tokenOf(PEOPLE.cat), [PEOPLE.gone, PEOPLE.bob]);
    const open = await post(tokenOf(PEOPLE.cat), ['friend3@other.test']);
    expect(blocked.statusCode).toBe(200);
    expect(blocked.body).toBe(open.body);
    await sink.waitForMessages(before + 1);
    await copiesSettled();
    expect(sink.messages.slice(before).map((m) => m.envelope.rcptTo)).toEqual([['friend3@other.test']]);
    const copies = await copiesOf(PEOPLE.cat);
    expect(copies.map((c) => [c.status, c.detail, c.email]).sort()).toEqual(
      [
        ['blocked', 'suppressed', null],
        ['blocked', 'unsubscribed', null],
        ['sent', null, null],
      ].sort(),
    );
  });

  it('the honeypot and the limits refuse: per post, per forwarder and email, per address and day', async () => {
    const start = sink.messages.length;
    const dan = tokenOf(PEOPLE.dan);
    const logged = async () => (await copiesOf(PEOPLE.dan)).length;

    const bot = await post(dan, ['bot-target@other.test'], [['website', 'https://spam.example']]);
    expect(bot.statusCode).toBe(200);
    expect(bot.body).toContain('Thank you for forwarding');
    expect(await logged()).toBe(0);

    const six = await post(dan, ['a@o.test', 'b@o.test', 'c@o.test', 'd@o.test', 'e@o.test', 'f@o.test']);
    expect(six.statusCode).toBe(422);
    expect(six.body).toContain('Enter at most 5 addresses at a time.');
    expect(six.body).toContain('value="a@o.test"');
    const invalid = await post(dan, ['a@o.test', 'not an address']);
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('is not an email address');
    expect(await logged()).toBe(0);

    expect((await post(dan, ['a@o.test', 'b@o.test', 'c@o.test', 'd@o.test'])).statusCode).toBe(200);
    const over = await post(dan, ['e@o.test', 'f@o.test', 'g@o.test']);
    expect(over.statusCode).toBe(422);
    expect(over.body).toContain('You can forward this email to 2 more addresses.');
    expect((await post(dan, ['e@o.test', 'f@o.test'])).statusCode).toBe(200);
    const done = await post(dan, ['g@o.test']);
    expect(done.statusCode).toBe(422);
    expect(done.body).toContain('already forwarded this email to 6 addresses');
    expect(await logged()).toBe(6);

    // popular@ gets two copies a day, whoever forwards: the third is logged, not sent, answered alike.
    const first = await post(tokenOf(PEOPLE.ada), ['popular@other.test']);
    expect((await post(tokenOf(PEOPLE.cat), ['Popular@other.test'])).body).toBe(first.body);
    expect((await post(tokenOf(PEOPLE.eve), ['popular@other.test'])).body).toBe(first.body);
    await sink.waitForMessages(start + 6 + 2);
    await copiesSettled();
    expect(sink.receivedBy('popular@other.test')).toHaveLength(2);
    const limited = await copiesOf(PEOPLE.eve);
    expect(limited.map((c) => [c.status, c.email])).toEqual([['limited', null]]);
  });

  it("a copy's opens and clicks are the send's and the forwarder's, never a contact's", async () => {
    const mail = sink.receivedBy('friend2@other.test')[0]!;
    const copy = (await copiesOf(PEOPLE.ada)).find((c) => c.status === 'sent')!;
    // Read an hour after it arrived: outside the windows where opens and clicks are a machine's.
    await db()
      .updateTable('forward_copies')
      .set({ sent_at: Date.now() - 3_600_000 })
      .where('forward_id', '=', copy.forward_id)
      .execute();
    const eventsBefore = await db()
      .selectFrom('email_events')
      .select('id')
      .where('send_id', '=', sendId)
      .execute();
    const pixel = pathOf(/src="([^"]+\/e\/fo\/[^"]+)"/.exec(String(mail.parsed.html))![1]!);
    const click = pathOf(hrefOf(mail, 'See the sale'));
    const get = (url: string, userAgent = CHROME_UA, method: 'GET' | 'HEAD' = 'GET') =>
      spoor.app.inject({ method, url, headers: { 'user-agent': userAgent } });

    const opened = await get(pixel);
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['content-type']).toBe('image/gif');
    await get(pixel);
    await get(pixel, 'Mozilla/5.0'); // Apple's privacy proxy: a machine open
    const clicked = await get(click);
    expect(clicked.statusCode).toBe(302);
    expect(clicked.headers.location).toBe('https://www.shop.test/sale');
    expect(clicked.headers['set-cookie']).toBeUndefined();
    const scanned = await get(click, CHROME_UA, 'HEAD');
    expect(scanned.statusCode).toBe(302);
    // A forged or altered token chooses nothing: the pixel still answers, the link is a 404 page.
    expect((await get(`${click.slice(0, -3)}AAA`)).statusCode).toBe(404);
    expect((await get('/e/fo/nonsense.gif')).statusCode).toBe(200);
    // A contact's own click token is no copy's, and a copy's is no contact's.
    const adaClick = pathOf(hrefOf(received(PEOPLE.ada), 'See the sale'));
    expect((await get(adaClick.replace('/e/c/', '/e/fc/'))).statusCode).toBe(404);
    expect((await get(click.replace('/e/fc/', '/e/c/'))).statusCode).toBe(404);

    const events = await db()
      .selectFrom('forward_events')
      .select(['copy_id', 'kind', 'machine', 'machine_reason', 'implied', 'link_position'])
      .where('send_id', '=', sendId)
      .execute();
    expect(new Set(events.map((e) => e.copy_id)).size).toBe(1);
    const copyOfEvents = await db()
      .selectFrom('forward_copies')
      .selectAll()
      .where('id', '=', events[0]!.copy_id)
      .executeTakeFirstOrThrow();
    expect(copyOfEvents.contact_id).toBe(ids.get(PEOPLE.ada));
    expect(events.map((e) => [e.kind, Number(e.machine), e.machine_reason]).sort()).toEqual(
      [
        ['open', 0, null],
        ['open', 0, null],
        ['open', 1, 'apple-mpp'],
        ['click', 0, null],
        ['click', 1, 'head'],
      ].sort(),
    );
    // Nothing became a contact's event (no open or click of Ada's, none attached to anyone).
    expect(
      await db().selectFrom('email_events').select('id').where('send_id', '=', sendId).execute(),
    ).toEqual(eventsBefore);

    const figures = await counters();
    expect(Object.fromEntries([...figures].filter(([name]) => /open|click/.test(name)))).toEqual({
      'forward:open:human': 2,
      'forward:unique_open:human': 1,
      // The scanner's click implies no second machine open: the copy had one (Apple's).
      'forward:open:machine': 1,
      'forward:unique_open:machine': 1,
      'forward:click:human': 1,
      'forward:unique_click:human': 1,
      'forward:click:machine': 1,
      'forward:unique_click:machine': 1,
    });
  });

  it("the send's insights count forwards, copies, forwarded opens and clicks", async () => {
    const res = await api('GET', `/api/sends/${sendId}/insights`);
    expect(res.statusCode).toBe(200);
    expect(res.json().forwards).toEqual({
      // ada 2 + 1, cat 3 + 1, dan 6, eve 1
      forwards: 14,
      forwarders: 4,
      copies: { sent: 11, blocked: 2, limited: 1, failed: 0, pending: 0 },
      opens: { human: { total: 2, unique: 1 }, machine: { total: 1, unique: 1 } },
      clicks: { human: { total: 1, unique: 1 }, scanner: { total: 1, unique: 1 } },
    });
  });

  it('a garbled, forged or expired form link is a page saying so, and a post with it changes nothing', async () => {
    const token = tokenOf(PEOPLE.cat);
    for (const url of ['/forward', '/forward?token=garbage', `/forward?token=${token.slice(0, -2)}AA`]) {
      const res = await spoor.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('This link is not valid');
    }
    const secrets = await loadInstallSecrets(db(), spoor.config.tokenKeys);
    const old = forwardToken(secrets.seal, sendId, ids.get(PEOPLE.cat)!, Date.now() - 91 * 86_400_000);
    const expired = await spoor.app.inject({
      method: 'GET',
      url: `/forward?token=${encodeURIComponent(old)}`,
    });
    expect(expired.statusCode).toBe(410);
    expect((await post(old, ['x@other.test'])).statusCode).toBe(410);
    const forged = await post(`${token.slice(0, -2)}AA`, ['x@other.test']);
    expect(forged.statusCode).toBe(404);
    const notForm = await spoor.app.inject({
      method: 'POST',
      url: '/forward',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ token, email: 'x@other.test' }),
    });
    expect(notForm.statusCode).toBe(400);
    expect(sink.receivedBy('x@other.test')).toEqual([]);
  });

  it("the forwarder's history shows each forward; export has them; erasure removes them", async () => {
    const ada = ids.get(PEOPLE.ada)!;
    const history = (await api('GET', `/api/contacts/${ada}/history`)).json() as {
      items: {
        type: string;
        kind?: string;
        attributes?: { addresses?: number };
        subjects?: { send?: { id: string } };
      }[];
    };
    const forwarded = history.items.filter((item) => item.kind === 'email_forwarded');
    expect(forwarded.map((item) => [item.attributes?.addresses, item.subjects?.send?.id])).toEqual([
      [1, sendId],
      [2, sendId],
    ]);
    const exported = (await api('GET', `/api/contacts/${ada}/export`)).json();
    const section = JSON.stringify(exported);
    expect(section).toContain('emailForwards');
    expect(section).not.toContain('other.test');
    expect(section).not.toContain((await copiesOf(PEOPLE.ada))[0]!.friend_hash);

    expect((await api('DELETE', `/api/contacts/${ada}`)).statusCode).toBeLessThan(300);
    expect(await db().selectFrom('forwards').select('id').where('contact_id', '=', ada).execute()).toEqual(
      [],
    );
    expect(await copiesOf(PEOPLE.ada)).toEqual([]);
    // The form link of an erased forwarder names no one any more.
    const gone = await spoor.app.inject({ method: 'GET', url: formUrl(PEOPLE.ada) });
    expect(gone.statusCode).toBe(404);
  });

  it("the retention pass forgets friends' address hashes after 30 days and keeps the copies for the figures", async () => {
    const copies = () =>
      db().selectFrom('forward_copies').select(['id', 'friend_hash', 'status']).orderBy('id').execute();
    const before = await copies();
    expect(before.filter((copy) => copy.friend_hash !== '').length).toBeGreaterThan(0);

    // Within 30 days nothing is forgotten (the per-address limit still needs them).
    expect((await applyRetention(spoor.storage, Date.now() + 29 * DAY_MS)).forwardFriendHashes).toBe(0);
    expect(await copies()).toEqual(before);

    const later = await applyRetention(spoor.storage, Date.now() + 31 * DAY_MS, { batchSize: 2 });
    expect(later.forwardFriendHashes).toBe(before.filter((copy) => copy.friend_hash !== '').length);
    expect(await copies()).toEqual(before.map((copy) => ({ ...copy, friend_hash: '' })));
  });
});
