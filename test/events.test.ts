// The event website over HTTP on SQLite and PostgreSQL: events, sessions and passes through the admin API
// (validation answered with clear 422s), publishing; the public pages (404 until published, times in the
// event's zone, the language cookie, the tracking script); the contact sign-in by an emailed link over
// real SMTP (same answer for unknown addresses, GET signs no one in, single use, forged links refused),
// the portal session cookie's attributes, sign-out; and the contact's data in export and erasure.
import { expect, it } from 'vitest';
import { describeEachEngine } from './helpers/engines.ts';
import { EVENT_ORIGIN as ORIGIN, useEventServer } from './support/event-server.ts';
import { createWebsite } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

const EVENT = {
  name: { en: 'Spring summit', fr: 'Sommet de printemps' },
  description: { en: 'A day of talks.', fr: 'Une journée de conférences.' },
  timeZone: 'Europe/Paris',
  start: '2027-09-14T09:00',
  end: '2027-09-14T18:00',
  venue: 'Palais des congrès',
  languages: ['en', 'fr'],
  capacity: 300,
};

describeEachEngine('event website', (engine) => {
  const server = useEventServer(engine);

  const { api, form } = server;

  it('creates an event with sessions and passes, times in its zone, and publishes it', async () => {
    const created = await api('POST', '/api/events', EVENT);
    expect(created.statusCode, created.body).toBe(201);
    const event = created.json();
    expect(event).toMatchObject({
      slug: 'spring-summit',
      status: 'draft',
      start: '2027-09-14T09:00:00+02:00',
      end: '2027-09-14T18:00:00+02:00',
      name: EVENT.name,
      publicUrl: `${ORIGIN}/events/spring-summit`,
    });
    const withSession = await api('POST', `/api/events/${event.id}/sessions`, {
      name: { en: 'Keynote', fr: "Discours d'ouverture" },
      start: '2027-09-14T09:30',
      end: '2027-09-14T10:30',
      room: 'Hall A',
      speakers: ['Ada Lovelace'],
      capacity: 100,
    });
    expect(withSession.statusCode, withSession.body).toBe(201);
    const sessionId = withSession.json().sessions[0].id;
    const withPass = await api('POST', `/api/events/${event.id}/passes`, {
      name: { en: 'Day pass' },
      capacity: 200,
      sessionIds: [sessionId],
    });
    expect(withPass.statusCode, withPass.body).toBe(201);
    expect(withPass.json().passes[0]).toMatchObject({ name: { en: 'Day pass' }, sessionIds: [sessionId] });

    expect((await server.spoor.app.inject({ url: '/events/spring-summit' })).statusCode).toBe(404);
    const published = await api('POST', `/api/events/${event.id}/publish`);
    expect(published.json().status).toBe('published');
    expect((await api('POST', `/api/events/${event.id}/publish`)).statusCode).toBe(409);
    const list = await api('GET', '/api/events');
    expect(list.json().events.map((e: { id: string }) => e.id)).toContain(event.id);
  });

  it('refuses invalid events, sessions and passes with a 422 naming the problem', async () => {
    const cases: [object, string, RegExp][] = [
      [{ ...EVENT, end: '2027-09-14T08:00' }, 'end', /end after it starts/],
      [{ ...EVENT, timeZone: 'Mars/Olympus' }, 'timeZone', /not a time zone/],
      [{ ...EVENT, start: 'tomorrow' }, 'start', /date and time like/],
      [{ ...EVENT, languages: ['en', 'fr', 'xx-!!'] }, 'languages', /not a language code/],
      [{ ...EVENT, name: { en: 'Only English' } }, 'name', /name in fr/],
      [{ ...EVENT, start: '2027-03-28T02:30', end: '2027-03-28T05:00' }, 'start', /clocks skip/],
      [{ ...EVENT, slug: 'portal' }, 'slug', /event website itself/],
      [{ ...EVENT, onlineUrl: 'javascript:alert(1)' }, 'onlineUrl', /http or https/],
      [
        { ...EVENT, registrationCloses: '2027-09-20T00:00' },
        'registrationCloses',
        /by the time the event ends/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const res = await api('POST', '/api/events', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json().details.fields[field]).toMatch(message);
    }
    const a = (await api('POST', '/api/events', { ...EVENT, slug: 'a-event' })).json();
    const b = (await api('POST', '/api/events', { ...EVENT, slug: 'b-event' })).json();
    const outside = await api('POST', `/api/events/${a.id}/sessions`, {
      name: { en: 'Late' },
      start: '2027-09-14T17:00',
      end: '2027-09-14T19:00',
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().message).toMatch(/within the event's start and end/);
    const bSession = (
      await api('POST', `/api/events/${b.id}/sessions`, {
        name: { en: 'B talk' },
        start: '2027-09-14T10:00',
        end: '2027-09-14T11:00',
      })
    ).json().sessions[0].id;
    const foreign = await api('POST', `/api/events/${a.id}/passes`, {
      name: { en: 'Pass' },
      sessionIds: [bSession],
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().message).toMatch(/not a session of this event/);
    const shrink = await api('PATCH', `/api/events/${b.id}`, { end: '2027-09-14T10:30' });
    expect(shrink.statusCode).toBe(422);
    expect(shrink.json().message).toMatch(/outside the event/);
    expect((await api('POST', '/api/events', { ...EVENT, slug: 'a-event' })).statusCode).toBe(409);
    expect((await api('GET', '/api/events/nope')).statusCode).toBe(404);
    // Nothing stored by the refusals: only the events made on purpose.
    const count = await server.spoor.storage.db
      .selectFrom('events')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(3);
  });

  it('shows the published event in its zone and languages, keeping the chosen language in the cookie', async () => {
    const websiteId = await createWebsite(server.spoor, ['https://www.shop.test']);
    const event = (
      await api('POST', '/api/events', { ...EVENT, slug: 'tokyo-day', timeZone: 'Asia/Tokyo', websiteId })
    ).json();
    await api('POST', `/api/events/${event.id}/publish`);
    const english = await server.spoor.app.inject({
      url: '/events/tokyo-day',
      headers: { 'accept-language': 'en-GB' },
    });
    expect(english.statusCode).toBe(200);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Spring summit');
    expect(english.body).toContain('09:00');
    expect(english.body).toContain('Asia/Tokyo (UTC+09:00)');
    expect(english.body).toContain('datetime="2027-09-14T09:00:00+09:00"');
    expect(english.body).toContain(`<script async src="/s/${websiteId}.js"></script>`);
    expect(english.headers['set-cookie']).toBeUndefined();

    const french = await server.spoor.app.inject({ url: '/events/tokyo-day?lang=fr' });
    expect(french.body).toContain('<html lang="fr">');
    expect(french.body).toContain('Sommet de printemps');
    expect(french.headers['set-cookie']).toBe(
      'spoor_lang=fr; Max-Age=31536000; Path=/events; Secure; HttpOnly; SameSite=Lax',
    );
    const kept = await server.spoor.app.inject({
      url: '/events/tokyo-day',
      headers: { cookie: 'spoor_lang=fr', 'accept-language': 'en' },
    });
    expect(kept.body).toContain('Sommet de printemps');
    // A language the event does not have is ignored.
    const unknown = await server.spoor.app.inject({
      url: '/events/tokyo-day?lang=ja',
      headers: { 'accept-language': 'fr' },
    });
    expect(unknown.body).toContain('<html lang="fr">');

    const listed = await server.spoor.app.inject({ url: '/events' });
    expect(listed.body).toContain('/events/tokyo-day');
    expect(listed.body).not.toContain('/events/a-event');
    await api('POST', `/api/events/${event.id}/unpublish`);
    expect((await server.spoor.app.inject({ url: '/events/tokyo-day' })).statusCode).toBe(404);
    await api('POST', `/api/events/${event.id}/publish`);
    await api('POST', `/api/events/${event.id}/cancel`);
    const cancelled = await server.spoor.app.inject({ url: '/events/tokyo-day' });
    expect(cancelled.body).toContain('This event is cancelled.');
    expect((await api('PATCH', `/api/events/${event.id}`, { capacity: 5 })).statusCode).toBe(409);
  });

  it('escapes what marketers wrote', async () => {
    const event = (
      await api('POST', '/api/events', {
        ...EVENT,
        slug: 'xss',
        languages: ['en'],
        name: { en: '<script>alert(1)</script>' },
        description: { en: '"><img src=x onerror=alert(1)>' },
      })
    ).json();
    await api('POST', `/api/events/${event.id}/publish`);
    const page = await server.spoor.app.inject({ url: '/events/xss' });
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<img src=x');
  });

  it('signs a contact in by an emailed link: same answer for strangers, GET changes nothing, one use', async () => {
    await api('POST', '/api/contacts', { email: 'ann@example.com', firstName: 'Ann' });
    const before = server.sink.messages.length;
    const stranger = await form('/events/portal/sign-in', { email: 'nobody@example.com' });
    const known = await form('/events/portal/sign-in', { email: 'Ann@Example.com' });
    expect(stranger.statusCode).toBe(200);
    expect(known.statusCode).toBe(200);
    expect(known.body).toBe(stranger.body);
    await server.spoor.runDueJobs();
    await waitFor('the sign-in email', () => server.sink.messages.length > before);
    expect(server.sink.messages.length).toBe(before + 1);
    const mail = server.sink.messages.at(-1)!;
    expect(mail.envelope.rcptTo).toEqual(['ann@example.com']);
    const link = /https:\/\/spoor\.test\/events\/portal\/sign-in\/link\?token=[^\s]+/.exec(
      mail.parsed.text ?? '',
    )?.[0];
    expect(link).toBeDefined();
    const path = link!.slice(ORIGIN.length);
    const token = new URL(link!).searchParams.get('token')!;

    const shown = await server.spoor.app.inject({ url: path });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('ann@example.com');
    expect(shown.headers['set-cookie']).toBeUndefined();
    const altered = `${token.slice(0, -3)}${token.endsWith('A') ? 'BBB' : 'AAA'}`;
    expect((await form('/events/portal/sign-in/link', { token: altered })).statusCode).toBe(404);
    // An altered link and one never issued get the same page, naming no address and setting no cookie.
    const linkPage = (t: string) =>
      server.spoor.app.inject({ url: `/events/portal/sign-in/link?token=${encodeURIComponent(t)}` });
    const alteredPage = await linkPage(altered);
    const unknownPage = await linkPage('bm9ib2R5.AAAAAAAAAAAAAAAAAAAAAAAA');
    for (const refused of [alteredPage, unknownPage]) {
      expect(refused.statusCode).toBe(404);
      expect(refused.body).toContain('This sign-in link is not valid');
      expect(refused.body).not.toContain('ann@example.com');
      expect(refused.headers['set-cookie']).toBeUndefined();
    }
    expect(unknownPage.body).toBe(alteredPage.body);
    expect(
      (await form('/events/portal/sign-in/link', { token: 'bm9ib2R5.AAAAAAAAAAAAAAAAAAAAAAAA' })).statusCode,
    ).toBe(404);
    expect(
      (await form('/events/portal/sign-in/link', { token }, { origin: 'https://evil.test' })).statusCode,
    ).toBe(403);

    const signedIn = await form('/events/portal/sign-in/link', { token });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/events/portal');
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^spoor_portal=[^;]+; Path=\/events; Secure; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie.split(';')[0]!;
    expect((await form('/events/portal/sign-in/link', { token })).statusCode).toBe(404);

    const portal = await server.spoor.app.inject({ url: '/events/portal', headers: { cookie } });
    expect(portal.statusCode).toBe(200);
    expect(portal.body).toContain('Signed in as ann@example.com.');
    expect(portal.body).toContain('You have no registrations yet.');
    // Once registered, the portal lists the event.
    const summit = (await api('GET', '/api/events'))
      .json()
      .events.find((e: { slug: string }) => e.slug === 'spring-summit');
    const whole = (await api('GET', `/api/events/${summit.id}`)).json();
    const ann = (await api('GET', '/api/contacts?q=ann%40example.com')).json().contacts[0];
    const registered = await api('POST', `/api/events/${summit.id}/registrations`, {
      contactId: ann.id,
      passId: whole.passes[0].id,
      sessionIds: [whole.sessions[0].id],
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const listed = await server.spoor.app.inject({ url: '/events/portal', headers: { cookie } });
    expect(listed.body).toContain('href="/events/spring-summit">Spring summit</a>');
    expect(listed.body).not.toContain('You have no registrations yet.');
    const forged = await server.spoor.app.inject({
      url: '/events/portal',
      headers: { cookie: `${cookie.slice(0, -2)}xx` },
    });
    expect(forged.statusCode).toBe(303);

    const out = await form('/events/portal/sign-out', {}, { cookie });
    expect(out.statusCode).toBe(200);
    expect(out.body).toContain('You are signed out');
    expect(String(out.headers['set-cookie'])).toMatch(/^spoor_portal=; Max-Age=0/);
    expect((await server.spoor.app.inject({ url: '/events/portal', headers: { cookie } })).statusCode).toBe(
      303,
    );
  });

  it("puts the contact's sign-ins and sessions in export and erasure", async () => {
    const contact = (await api('POST', '/api/contacts', { email: 'bob@example.com' })).json();
    await form('/events/portal/sign-in', { email: 'bob@example.com' });
    const exported = (await api('GET', `/api/contacts/${contact.id}/export`)).json();
    expect(exported.eventSignIns).toHaveLength(1);
    expect(exported.eventSignIns[0].email).toBe('bob@example.com');
    const erased = await api('DELETE', `/api/contacts/${contact.id}`);
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    const left = await server.spoor.storage.db
      .selectFrom('event_sign_ins')
      .selectAll()
      .where('contact_id', '=', contact.id)
      .execute();
    expect(left).toEqual([]);
  });
});
