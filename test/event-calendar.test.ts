// Confirmation emails with calendar invitations over real SMTP, on SQLite and PostgreSQL: registering
// through the API sends an iMIP message (text, HTML, text/calendar; method=REQUEST, invite.ics) whose
// calendar a real parser (ical.js) reads with the right local times in the event's zone (New York and
// Tokyo); changing the event's times sends a REQUEST with a higher SEQUENCE, a change that does not
// matter sends nothing, cancelling the event or the registration sends a CANCEL with the same UID; the public and the
// portal's .ics downloads parse, and the public one carries nothing personal.
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { expect, it } from 'vitest';
import { enqueueRegistrationMail } from '../src/events/calendar/mail.ts';
import { describeEachEngine } from './helpers/engines.ts';
import { EVENT_ORIGIN as ORIGIN, useEventServer } from './support/event-server.ts';
import { waitFor } from './support/wait-for.ts';

function parseCalendar(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const vevent = root.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  const event = new ICAL.Event(vevent);
  return {
    method: root.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue('status'),
    summary: event.summary,
    description: event.description,
    location: event.location,
    tzid: event.startDate.zone?.tzid,
    /** The wall time in the event's zone, as the invitation states it. */
    localStart: event.startDate.toString(),
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    attendee: vevent.getFirstPropertyValue('attendee'),
    partstat: vevent.getFirstProperty('attendee')?.getParameter('partstat'),
    organizer: vevent.getFirstPropertyValue('organizer'),
  };
}

/** The iMIP parts of a received message: the text/calendar alternative and the invite.ics attachment. */
function calendarParts(mail: ParsedMail) {
  const raw = mail.attachments;
  const alternative = raw.find((a) => a.contentType === 'text/calendar');
  const attachment = raw.find((a) => a.filename === 'invite.ics');
  return { alternative, attachment };
}

describeEachEngine('event calendar invitations', (engine) => {
  const server = useEventServer(engine, { emailFrom: 'Spoor Events <events@spoor.test>' });

  const { api, form } = server;

  /** Runs the due jobs until `count` more messages reached `address`; answers the new ones. */
  async function mailsTo(address: string, count: number): Promise<ParsedMail[]> {
    const before = server.sink.receivedBy(address).length;
    await waitFor(`${count} email(s) to ${address}`, async () => {
      await server.spoor.runDueJobs();
      return server.sink.receivedBy(address).length >= before + count;
    });
    return server.sink
      .receivedBy(address)
      .slice(before)
      .map((m) => m.parsed);
  }

  const newEvent = (slug: string, fields: object) => server.newEvent({ slug, ...fields });

  it('confirms a registration with an invitation in the event zone, updates it on a change, cancels it with the event', async () => {
    const event = await newEvent('nyc-summit', {
      name: { en: 'NYC summit, day one; talks', fr: 'Sommet de New York' },
      description: { en: 'Talks and workshops.', fr: 'Conférences et ateliers.' },
      timeZone: 'America/New_York',
      start: '2027-11-10T09:00',
      end: '2027-11-10T17:30',
      venue: 'Hall 3, 1 Main St',
      languages: ['en', 'fr'],
    });
    const withSession = (
      await api('POST', `/api/events/${event.id}/sessions`, {
        name: { en: 'Keynote', fr: 'Ouverture' },
        start: '2027-11-10T09:30',
        end: '2027-11-10T10:30',
        room: 'A',
      })
    ).json();
    const sessionId = withSession.sessions[0].id;
    const passId = (
      await api('POST', `/api/events/${event.id}/passes`, { name: { en: 'Day pass', fr: 'Billet jour' } })
    ).json().passes[0].id;
    const contact = (
      await api('POST', '/api/contacts', { email: 'zoe@example.com', firstName: 'Zoé', lastName: 'Martin' })
    ).json();

    // A language the event does not have is refused, and nothing is taken.
    const wrong = await api('POST', `/api/events/${event.id}/registrations`, {
      contactId: contact.id,
      passId,
      language: 'de',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().message).toContain('en, fr');

    const registered = await api('POST', `/api/events/${event.id}/registrations`, {
      contactId: contact.id,
      passId,
      sessionIds: [sessionId],
      language: 'fr',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const registrationId = registered.json().id;

    const [confirmation] = await mailsTo('zoe@example.com', 1);
    expect(confirmation!.subject).toBe('Vous êtes inscrit·e : Sommet de New York');
    expect(confirmation!.text).toContain('America/New_York (UTC-05:00)');
    expect(confirmation!.text).toContain(`${ORIGIN}/events/portal`);
    expect(confirmation!.text).toContain('Billet jour');
    expect(confirmation!.text).toContain('Ouverture');
    expect(confirmation!.html).toContain('<html lang="fr">');
    // iMIP: the calendar as a text/calendar alternative with its method, and as invite.ics.
    const raw = server.sink.receivedBy('zoe@example.com').at(-1)!.raw.toString();
    expect(raw).toMatch(/Content-Type: multipart\/mixed/);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    expect(raw).toMatch(/Content-Type: application\/ics; name=invite\.ics/);
    const parts = calendarParts(confirmation!);
    expect(parts.attachment).toBeDefined();
    const first = parseCalendar(parts.attachment!.content.toString('utf8'));
    if (parts.alternative)
      expect(parseCalendar(parts.alternative.content.toString('utf8')).uid).toBe(first.uid);
    expect(first).toMatchObject({
      method: 'REQUEST',
      uid: `registration-${registrationId}@spoor.test`,
      sequence: 0,
      status: 'CONFIRMED',
      summary: 'Sommet de New York',
      location: 'Hall 3, 1 Main St',
      tzid: 'America/New_York',
      localStart: '2027-11-10T09:00:00',
      start: '2027-11-10T14:00:00.000Z',
      end: '2027-11-10T22:30:00.000Z',
      attendee: 'mailto:zoe@example.com',
      partstat: 'ACCEPTED',
      organizer: 'mailto:events@spoor.test',
    });
    expect(first.description).toContain('Conférences et ateliers.');

    // A change that does not touch times or place sends nothing; a new time sends a higher SEQUENCE.
    expect(
      (await api('PATCH', `/api/events/${event.id}`, { description: { en: 'More talks.', fr: 'Plus.' } }))
        .statusCode,
    ).toBe(200);
    await server.spoor.runDueJobs();
    await server.spoor.runDueJobs();
    const beforeChange = server.sink.receivedBy('zoe@example.com').length;
    expect(beforeChange).toBe(1);
    const moved = await api('PATCH', `/api/events/${event.id}`, {
      start: '2027-11-10T08:00',
      end: '2027-11-10T18:00',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const [update] = await mailsTo('zoe@example.com', 1);
    expect(update!.subject).toBe('Modifié : Sommet de New York');
    const second = parseCalendar(calendarParts(update!).attachment!.content.toString('utf8'));
    expect(second).toMatchObject({
      method: 'REQUEST',
      uid: first.uid,
      localStart: '2027-11-10T08:00:00',
      start: '2027-11-10T13:00:00.000Z',
    });
    expect(second.sequence).toBeGreaterThan(first.sequence);

    // The public download: the event's own UID, nothing personal, and the same times.
    const ics = await server.spoor.app.inject({ url: '/events/nyc-summit/calendar.ics?lang=en' });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.body).not.toContain('zoe');
    expect(ics.body).not.toContain('ATTENDEE');
    const download = parseCalendar(ics.body);
    expect(download).toMatchObject({
      method: 'PUBLISH',
      uid: `event-${event.id}@spoor.test`,
      summary: 'NYC summit, day one; talks',
      localStart: '2027-11-10T08:00:00',
      start: '2027-11-10T13:00:00.000Z',
      sequence: second.sequence,
    });
    // The page links to it and shows the same local time with the zone named.
    const page = await server.spoor.app.inject({ url: '/events/nyc-summit?lang=en' });
    expect(page.body).toContain('href="/events/nyc-summit/calendar.ics"');
    expect(page.body).toContain('datetime="2027-11-10T08:00:00-05:00"');
    expect(page.body).toContain('America/New_York (UTC-05:00)');

    // Cancelling the event withdraws the invitation: CANCEL, same UID, a higher SEQUENCE.
    expect((await api('POST', `/api/events/${event.id}/cancel`)).statusCode).toBe(200);
    const [cancel] = await mailsTo('zoe@example.com', 1);
    expect(cancel!.subject).toBe('Annulé : Sommet de New York');
    expect(server.sink.receivedBy('zoe@example.com').at(-1)!.raw.toString()).toMatch(/method=CANCEL/i);
    const third = parseCalendar(calendarParts(cancel!).attachment!.content.toString('utf8'));
    expect(third).toMatchObject({ method: 'CANCEL', uid: first.uid, status: 'CANCELLED' });
    expect(third.sequence).toBeGreaterThan(second.sequence);
    // Repeated runs send nothing more; the public file says cancelled.
    await server.spoor.runDueJobs();
    await server.spoor.runDueJobs();
    expect(server.sink.receivedBy('zoe@example.com')).toHaveLength(3);
    const cancelledIcs = parseCalendar(
      (await server.spoor.app.inject({ url: '/events/nyc-summit/calendar.ics' })).body,
    );
    expect(cancelledIcs.status).toBe('CANCELLED');
    expect(cancelledIcs.sequence).toBe(third.sequence);
  });

  it('an event in Tokyo: the invitation, the page and the portal download show 09:00 Tokyo time', async () => {
    const event = await newEvent('tokyo-meetup', {
      name: { en: 'Tokyo meetup' },
      timeZone: 'Asia/Tokyo',
      start: '2027-04-02T09:00',
      end: '2027-04-02T12:00',
      onlineUrl: 'https://meet.example/tokyo',
      languages: ['en'],
    });
    const contact = (await api('POST', '/api/contacts', { email: 'ken@example.com' })).json();
    const registered = await api('POST', `/api/events/${event.id}/registrations`, { contactId: contact.id });
    expect(registered.statusCode, registered.body).toBe(201);
    const [mail] = await mailsTo('ken@example.com', 1);
    expect(mail!.subject).toBe('You are registered: Tokyo meetup');
    expect(mail!.text).toContain('Asia/Tokyo (UTC+09:00)');
    expect(mail!.text).toContain('09:00');
    const invitation = parseCalendar(calendarParts(mail!).attachment!.content.toString('utf8'));
    expect(invitation).toMatchObject({
      tzid: 'Asia/Tokyo',
      localStart: '2027-04-02T09:00:00',
      start: '2027-04-02T00:00:00.000Z',
      location: 'https://meet.example/tokyo',
    });
    const page = await server.spoor.app.inject({ url: '/events/tokyo-meetup' });
    expect(page.body).toContain('datetime="2027-04-02T09:00:00+09:00"');

    // The portal offers the registration's own file (the invitation's UID), to its contact only.
    await form('/events/portal/sign-in', { email: 'ken@example.com' });
    const [signInMail] = await mailsTo('ken@example.com', 1);
    const token = new URL(/https:\/\/spoor\.test\/\S+/.exec(signInMail!.text ?? '')![0]).searchParams.get(
      'token',
    )!;
    const cookie = String((await form('/events/portal/sign-in/link', { token })).headers['set-cookie']).split(
      ';',
    )[0]!;
    const portal = await server.spoor.app.inject({ url: '/events/portal', headers: { cookie } });
    const path = `/events/portal/registrations/${registered.json().id}/calendar.ics`;
    expect(portal.body).toContain(`href="${path}"`);
    const own = await server.spoor.app.inject({ url: path, headers: { cookie } });
    expect(own.statusCode).toBe(200);
    const file = parseCalendar(own.body);
    expect(file).toMatchObject({ method: 'PUBLISH', uid: invitation.uid, localStart: '2027-04-02T09:00:00' });
    // Signed out or someone else's: 404, nothing disclosed.
    expect((await server.spoor.app.inject({ url: path })).statusCode).toBe(404);
    expect(
      (
        await server.spoor.app.inject({
          url: '/events/portal/registrations/nope/calendar.ics',
          headers: { cookie },
        })
      ).statusCode,
    ).toBe(404);
    // Cancelling the registration (as the cancelling code does: the change and the mail in one
    // transaction) withdraws the invitation: CANCEL, same UID, one above the last SEQUENCE.
    await server.spoor.storage.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('event_registrations')
        .set({ status: 'cancelled', cancelled_at: Date.now() })
        .where('id', '=', registered.json().id)
        .execute();
      await enqueueRegistrationMail(tx, registered.json().id, 'cancel');
    });
    const [withdrawn] = await mailsTo('ken@example.com', 1);
    expect(withdrawn!.subject).toBe('Registration cancelled: Tokyo meetup');
    const cancel = parseCalendar(calendarParts(withdrawn!).attachment!.content.toString('utf8'));
    expect(cancel).toMatchObject({
      method: 'CANCEL',
      uid: invitation.uid,
      status: 'CANCELLED',
      partstat: 'DECLINED',
    });
    expect(cancel.sequence).toBe(invitation.sequence + 1);
    await server.spoor.runDueJobs();
    expect(server.sink.receivedBy('ken@example.com')).toHaveLength(3);
    const after = await server.spoor.app.inject({ url: '/events/portal', headers: { cookie } });
    expect(after.body).not.toContain(`href="${path}"`);
    expect(
      parseCalendar((await server.spoor.app.inject({ url: path, headers: { cookie } })).body).status,
    ).toBe('CANCELLED');

    // A draft has no public file.
    const draft = (
      await api('POST', '/api/events', {
        slug: 'draft-one',
        name: { en: 'Draft' },
        timeZone: 'UTC',
        start: '2027-01-01T10:00',
        end: '2027-01-01T11:00',
        languages: ['en'],
      })
    ).json();
    expect(draft.status).toBe('draft');
    expect((await server.spoor.app.inject({ url: '/events/draft-one/calendar.ics' })).statusCode).toBe(404);
  });
});
