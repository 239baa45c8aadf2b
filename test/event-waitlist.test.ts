// Registering on the event website and the waitlist, over HTTP on SQLite and PostgreSQL: the event page's
// form goes through Spoor's forms (a new contact made, a known one matched), refusals store nothing, the
// portal cancels (origin-checked), a freed place is held for the next waitlisted person and emailed over
// real SMTP with an offer link (GET changes nothing; accept, decline, expiry on the job runner moving it
// on), the leave link, the changes in the contact's timeline, and the counters equal to the rows.
import { expect, it } from 'vitest';
import { countersOf } from '../src/events/store.ts';
import { describeEachEngine } from './helpers/engines.ts';
import { EVENT_ORIGIN as ORIGIN, useEventServer } from './support/event-server.ts';
import { waitFor } from './support/wait-for.ts';

const EVENT = {
  name: { en: 'Garden day' },
  timeZone: 'Europe/Paris',
  start: '2027-09-14T09:00',
  end: '2027-09-14T18:00',
  languages: ['en'],
};

describeEachEngine('event registration and waitlist', (engine) => {
  const server = useEventServer(engine, { eventWaitlistOfferHours: 2 });

  const { api, form } = server;
  const db = () => server.spoor.storage.db;
  const count = async (table: 'contacts' | 'form_submissions' | 'event_registrations') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const stored = async () => [
    await count('contacts'),
    await count('form_submissions'),
    await count('event_registrations'),
  ];
  const newEvent = (slug: string, extra: object = {}) =>
    server.newEvent({ ...EVENT, slug, ...extra }, { publish: false });
  const publish = (id: string) => api('POST', `/api/events/${id}/publish`);
  const registrations = async (eventId: string) =>
    (await api('GET', `/api/events/${eventId}/registrations`)).json().registrations as Array<{
      id: string;
      contactId: string;
      status: string;
    }>;
  async function mailTo(address: string, subject: RegExp) {
    await server.spoor.runDueJobs();
    await waitFor(`mail to ${address}`, () =>
      server.sink.messages.some(
        (m) => m.envelope.rcptTo.includes(address) && subject.test(m.parsed.subject ?? ''),
      ),
    );
    return server.sink.messages
      .filter((m) => m.envelope.rcptTo.includes(address) && subject.test(m.parsed.subject ?? ''))
      .at(-1)!;
  }
  /** Waits for a calendar invitation with this METHOD (REQUEST, CANCEL) to the address. */
  async function invitationTo(address: string, method: 'REQUEST' | 'CANCEL') {
    await server.spoor.runDueJobs();
    await waitFor(`a ${method} invitation to ${address}`, () =>
      server.sink.messages.some(
        (m) => m.envelope.rcptTo.includes(address) && m.raw.toString().includes(`METHOD:${method}`),
      ),
    );
  }
  const linkIn = (text: string, path: string) =>
    new RegExp(`${ORIGIN}${path}\\?token=[^\\s]+`).exec(text)?.[0]?.slice(ORIGIN.length);
  /** The counters equal the rows: registered and held places each hold one of each counter they name. */
  async function expectCountersMatchRows(eventId: string) {
    const rows = await db()
      .selectFrom('event_registrations')
      .select(['id', 'pass_id', 'status', 'offered_at'])
      .where('event_id', '=', eventId)
      .execute();
    const holding = rows.filter(
      (r) => r.status === 'registered' || (r.status === 'waitlisted' && r.offered_at !== null),
    );
    const counters = await countersOf(db(), eventId);
    expect(counters.event).toBe(holding.length);
    for (const [passId, taken] of Object.entries(counters.passes))
      expect(taken).toBe(holding.filter((r) => r.pass_id === passId).length);
    return holding.length;
  }
  async function signIn(email: string): Promise<string> {
    await form('/events/portal/sign-in', { email });
    const mail = await mailTo(email, /sign/i);
    const token = new URL(
      `${ORIGIN}${linkIn(mail.parsed.text ?? '', '/events/portal/sign-in/link')}`,
    ).searchParams.get('token')!;
    const signed = await form('/events/portal/sign-in/link', { token });
    return String(signed.headers['set-cookie']).split(';')[0]!;
  }

  it('registers from the event page through its form: a new contact made, a known one matched, then the waitlist', async () => {
    const event = await newEvent(`garden-${engine}`, { capacity: 2 });
    await publish(event.id);
    const page = await server.spoor.app.inject({ url: `/events/${event.slug}` });
    expect(page.body).toContain(`action="/events/${event.slug}/register"`);
    expect(page.body).toContain('>Register</button>');

    const ann = await form(`/events/${event.slug}/register`, {
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@garden.test',
    });
    expect(ann.statusCode, ann.body).toBe(200);
    expect(ann.body).toContain('You are registered for Garden day.');
    const bob = (await api('POST', '/api/contacts', { email: 'bob@garden.test', firstName: 'Bob' })).json();
    const bobPost = await form(`/events/${event.slug}/register`, {
      firstName: 'Robert',
      email: 'Bob@Garden.test',
    });
    expect(bobPost.statusCode).toBe(200);
    const rows = await registrations(event.id);
    expect(rows.map((r) => r.status)).toEqual(['registered', 'registered']);
    expect(rows[1]!.contactId).toBe(bob.id); // matched by the form's rule (email), not a new contact
    const annContact = (await api('GET', `/api/contacts/${rows[0]!.contactId}`)).json();
    expect(annContact).toMatchObject({ email: 'ann@garden.test', firstName: 'Ann', lastName: 'Lee' });
    // The form is a Spoor form like any other, with its submissions.
    const forms = (await api('GET', '/api/forms')).json();
    const eventForm = (forms.forms ?? forms).find(
      (f: { name: string }) => f.name === 'Event registration: Garden day',
    );
    expect(eventForm).toBeDefined();
    const submissions = (await api('GET', `/api/forms/${eventForm.id}/submissions`)).json().submissions;
    expect(submissions).toHaveLength(2);

    // Full: the page offers the waitlist; a post without it stores nothing and offers the waitlist.
    const fullPage = await server.spoor.app.inject({ url: `/events/${event.slug}` });
    expect(fullPage.body).toContain('Join the waitlist');
    const before = await stored();
    const carolFull = await form(`/events/${event.slug}/register`, { email: 'carol@garden.test' });
    expect(carolFull.statusCode).toBe(409);
    expect(carolFull.body).toContain('This event is full; no place was taken.');
    expect(carolFull.body).toContain('<input type="hidden" name="waitlist" value="1">');
    expect(await stored()).toEqual(before);
    const carol = await form(`/events/${event.slug}/register`, { email: 'carol@garden.test', waitlist: '1' });
    expect(carol.statusCode).toBe(200);
    expect(carol.body).toContain('You are on the waitlist for Garden day.');
    const mail = await mailTo('carol@garden.test', /On the waitlist/);
    expect(linkIn(mail.parsed.text ?? '', '/events/waitlist/leave')).toBeDefined();
    expect((await registrations(event.id)).map((r) => r.status)).toEqual([
      'registered',
      'registered',
      'waitlisted',
    ]);
    expect(await expectCountersMatchRows(event.id)).toBe(2);
  });

  it('registers a signed-in portal contact without retyping anything', async () => {
    const event = await newEvent(`signed-${engine}`);
    await publish(event.id);
    const fay = (await api('POST', '/api/contacts', { email: `fay@signed-${engine}.test` })).json().id;
    const cookie = await signIn(`fay@signed-${engine}.test`);
    const page = await server.spoor.app.inject({ url: `/events/${event.slug}`, headers: { cookie } });
    expect(page.body).toContain(`Registering as fay@signed-${engine}.test.`);
    expect(page.body).not.toContain('name="email"');
    const submissions = await count('form_submissions');
    const posted = await form(`/events/${event.slug}/register`, {}, { cookie });
    expect(posted.statusCode, posted.body).toBe(200);
    expect((await registrations(event.id)).map((r) => r.contactId)).toEqual([fay]);
    expect(await count('form_submissions')).toBe(submissions);
    const again = await server.spoor.app.inject({ url: `/events/${event.slug}`, headers: { cookie } });
    expect(again.body).toContain('You are registered for this event.');
    const portal = await server.spoor.app.inject({ url: '/events/portal', headers: { cookie } });
    expect(portal.body).toContain('Cancel my registration');
  });

  it('refuses with a page saying why and stores nothing', async () => {
    const open = await newEvent(`open-${engine}`, { capacity: 10 });
    const lab = (
      await api('POST', `/api/events/${open.id}/sessions`, {
        name: { en: 'Lab' },
        start: '2027-09-14T10:00',
        end: '2027-09-14T11:00',
      })
    ).json().sessions[0].id;
    const talk = (
      await api('POST', `/api/events/${open.id}/sessions`, {
        name: { en: 'Talk' },
        start: '2027-09-14T12:00',
        end: '2027-09-14T13:00',
      })
    )
      .json()
      .sessions.find((s: { id: string }) => s.id !== lab).id;
    const labPass = (
      await api('POST', `/api/events/${open.id}/passes`, { name: { en: 'Lab pass' }, sessionIds: [lab] })
    ).json().passes[0].id;
    await publish(open.id);
    const other = await newEvent(`other-${engine}`);
    const otherPass = (await api('POST', `/api/events/${other.id}/passes`, { name: { en: 'Other' } })).json()
      .passes[0].id;
    await publish(other.id);
    const draft = await newEvent(`draft-${engine}`);
    const closed = await newEvent(`closed-${engine}`, { registrationOpens: '2027-09-01T00:00' });
    expect((await publish(closed.id)).statusCode).toBe(200);
    const over = await newEvent(`over-${engine}`, { registrationCloses: '2026-01-01T00:00' });
    expect((await publish(over.id)).statusCode).toBe(200);
    const full = await newEvent(`full-${engine}`, { capacity: 1 });
    await publish(full.id);
    const taken = (await api('POST', '/api/contacts', { email: `first@full-${engine}.test` })).json().id;
    expect((await api('POST', `/api/events/${full.id}/registrations`, { contactId: taken })).statusCode).toBe(
      201,
    );
    const cancelled = await newEvent(`cancelled-${engine}`);
    await publish(cancelled.id);
    await api('POST', `/api/events/${cancelled.id}/cancel`);
    const who = { email: 'dora@refused.test', firstName: 'Dora' };

    const before = await stored();
    const cases: Array<[string, Record<string, string | string[]>, number, RegExp]> = [
      [draft.slug, { ...who }, 404, /does not exist/],
      [cancelled.slug, { ...who }, 422, /This event is cancelled\./],
      [open.slug, { ...who, pass: labPass, session: talk }, 422, /is not one the pass opens/],
      [open.slug, { ...who, pass: otherPass }, 422, /is not a pass of this event/],
      [open.slug, { ...who }, 422, /Choose a pass/],
      [open.slug, { pass: labPass }, 422, /Please give your email address/],
    ];
    cases.push([closed.slug, { ...who }, 422, /has not opened yet/]);
    cases.push([over.slug, { ...who }, 422, /Registration for this event is closed\./]);
    cases.push([full.slug, { ...who }, 409, /This event is full; no place was taken\./]);
    for (const [slug, fields, status, message] of cases) {
      const answer = await form(`/events/${slug}/register`, fields);
      expect(answer.statusCode, `${slug} ${JSON.stringify(fields)}`).toBe(status);
      expect(answer.body).toMatch(message);
      expect(answer.headers['content-type']).toMatch(/text\/html/);
    }
    expect(await stored()).toEqual(before);
    // The same refusals through the API (a known contact): a clear 4xx each, nothing stored.
    const dora = (await api('POST', '/api/contacts', who)).json().id;
    const storedBefore = await stored();
    const apiCases: Array<[string, object, number, RegExp]> = [
      [draft.id, {}, 422, /not published/],
      [cancelled.id, {}, 422, /cancelled/],
      [closed.id, {}, 422, /has not opened yet/],
      [over.id, {}, 422, /is closed/],
      [full.id, {}, 409, /is full/],
      [open.id, { passId: labPass, sessionIds: [talk] }, 422, /is not one the pass opens/],
      [open.id, { passId: otherPass }, 422, /is not a pass of this event/],
      [open.id, { passId: labPass, sessionIds: ['no-such-session'] }, 422, /is not a session of this event/],
    ];
    for (const [eventId, ask, status, message] of apiCases) {
      const answer = await api('POST', `/api/events/${eventId}/registrations`, { contactId: dora, ...ask });
      expect(answer.statusCode, `${eventId} ${JSON.stringify(ask)}: ${answer.body}`).toBe(status);
      expect(answer.json().message).toMatch(message);
    }
    expect(await stored()).toEqual(storedBefore);
    // Posted from another site: refused before anything.
    expect(
      (
        await form(
          `/events/${open.slug}/register`,
          { ...who, pass: labPass },
          { origin: 'https://evil.test' },
        )
      ).statusCode,
    ).toBe(403);
    expect(await stored()).toEqual(storedBefore);
  });

  it('cancels from the portal, holds the freed place for the next waitlisted, and accepts, declines and expires offers', async () => {
    const event = await newEvent(`queue-${engine}`, { capacity: 1 });
    await publish(event.id);
    const people: Record<string, string> = {};
    for (const name of ['ann', 'bob', 'cat', 'dan', 'eve'])
      people[name] = (
        await api('POST', '/api/contacts', { email: `${name}@queue-${engine}.test` })
      ).json().id;
    const register = (name: string) =>
      api('POST', `/api/events/${event.id}/registrations`, { contactId: people[name], waitlist: true });
    expect((await register('ann')).json().status).toBe('registered');
    for (const name of ['bob', 'cat', 'dan']) expect((await register(name)).json().status).toBe('waitlisted');
    const rowOf = async (name: string) =>
      (await registrations(event.id)).find((r) => r.contactId === people[name])!;

    // Ann, signed in, sees her registration and cancels it (from Spoor's pages only).
    const cookie = await signIn(`ann@queue-${engine}.test`);
    const portal = await server.spoor.app.inject({ url: '/events/portal', headers: { cookie } });
    expect(portal.body).toContain('Cancel my registration');
    const annRow = await rowOf('ann');
    expect(
      (
        await form(
          '/events/portal/cancel',
          { registration: annRow.id },
          { cookie, origin: 'https://evil.test' },
        )
      ).statusCode,
    ).toBe(403);
    const signedOut = await form('/events/portal/cancel', { registration: annRow.id });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe('/events/portal/sign-in');
    expect((await rowOf('ann')).status).toBe('registered');
    const cancelled = await form('/events/portal/cancel', { registration: annRow.id }, { cookie });
    expect(cancelled.statusCode).toBe(303);
    expect((await rowOf('ann')).status).toBe('cancelled');
    expect((await form('/events/portal/cancel', { registration: annRow.id }, { cookie })).statusCode).toBe(
      404,
    );

    // The place is Bob's to take: held (the counter stays taken), emailed with an offer link.
    expect(await expectCountersMatchRows(event.id)).toBe(1);
    const stranger = await api('POST', `/api/events/${event.id}/registrations`, { contactId: people['eve'] });
    expect(stranger.statusCode).toBe(409); // nobody else can grab the held place
    const offerMail = await mailTo(`bob@queue-${engine}.test`, /A place is held for you/);
    const offerPath = linkIn(offerMail.parsed.text ?? '', '/events/waitlist/offer')!;
    expect(linkIn(offerMail.parsed.text ?? '', '/events/waitlist/leave')).toBeDefined();
    const shown = await server.spoor.app.inject({ url: offerPath });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Take the place');
    expect((await rowOf('bob')).status).toBe('waitlisted'); // a GET (a link scanner) accepts nothing
    const token = new URL(`${ORIGIN}${offerPath}`).searchParams.get('token')!;
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await form('/events/waitlist/offer/accept', { token: altered })).statusCode).toBe(404);
    const accepted = await form('/events/waitlist/offer/accept', { token });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.body).toContain('The place at Garden day is yours.');
    expect((await rowOf('bob')).status).toBe('registered');
    await invitationTo(`bob@queue-${engine}.test`, 'REQUEST'); // the place taken: a calendar invitation
    expect((await form('/events/waitlist/offer/decline', { token })).statusCode).toBe(410);
    expect(await expectCountersMatchRows(event.id)).toBe(1);

    // Bob cancels (the API): Cat is offered the place and declines it: it goes to Dan.
    expect(
      (await api('POST', `/api/events/${event.id}/registrations/${(await rowOf('bob')).id}/cancel`))
        .statusCode,
    ).toBe(204);
    await invitationTo(`bob@queue-${engine}.test`, 'CANCEL'); // his calendar drops it
    const catMail = await mailTo(`cat@queue-${engine}.test`, /A place is held/);
    const catToken = new URL(
      `${ORIGIN}${linkIn(catMail.parsed.text ?? '', '/events/waitlist/offer')}`,
    ).searchParams.get('token')!;
    const declined = await form('/events/waitlist/offer/decline', { token: catToken });
    expect(declined.statusCode).toBe(200);
    expect((await rowOf('cat')).status).toBe('cancelled');
    expect((await form('/events/waitlist/offer/accept', { token: catToken })).statusCode).toBe(410);
    await mailTo(`dan@queue-${engine}.test`, /A place is held/);
    expect(await expectCountersMatchRows(event.id)).toBe(1);

    // Eve joins the queue; Dan lets his offer run out: the expiry job (on the runner, when due) moves it to Eve.
    expect((await register('eve')).json().status).toBe('waitlisted');
    const danRow = await rowOf('dan');
    const early = await server.spoor.runDueJobs();
    expect(early).toBeGreaterThanOrEqual(0);
    expect((await rowOf('dan')).status).toBe('waitlisted'); // not due yet
    // The clock moves on: the offer's end and its job's due time are now past.
    const past = Date.now() - 1;
    await db()
      .updateTable('event_registrations')
      .set({ offer_expires_at: past })
      .where('id', '=', danRow.id)
      .execute();
    await db()
      .updateTable('jobs')
      .set({ run_at: past })
      .where('kind', '=', 'events.waitlist-offer-expiry')
      .where('status', '=', 'pending')
      .execute();
    await server.spoor.runDueJobs();
    expect((await rowOf('dan')).status).toBe('cancelled');
    expect((await rowOf('eve')).status).toBe('waitlisted');
    const eveMail = await mailTo(`eve@queue-${engine}.test`, /A place is held/);
    expect(await expectCountersMatchRows(event.id)).toBe(1);

    // Eve leaves by her email's link (a GET shows a button; the POST leaves): the place is free again.
    const leavePath = linkIn(eveMail.parsed.text ?? '', '/events/waitlist/leave')!;
    expect((await server.spoor.app.inject({ url: leavePath })).body).toContain('Leave the waitlist');
    expect((await rowOf('eve')).status).toBe('waitlisted');
    const leaveToken = new URL(`${ORIGIN}${leavePath}`).searchParams.get('token')!;
    expect((await form('/events/waitlist/leave', { token: leaveToken })).statusCode).toBe(200);
    expect((await form('/events/waitlist/leave', { token: leaveToken })).statusCode).toBe(410);
    expect(await expectCountersMatchRows(event.id)).toBe(0);

    // Each change is in the contact's timeline.
    const kinds = async (name: string) =>
      (await api('GET', `/api/contacts/${people[name]}/history`))
        .json()
        .items.filter((i: { type: string }) => i.type === 'event_registration')
        .map((i: { kind: string }) => i.kind);
    expect(await kinds('ann')).toEqual(['event_cancelled', 'event_registered']);
    expect(await kinds('bob')).toEqual([
      'event_cancelled',
      'event_offer_accepted',
      'event_place_offered',
      'event_waitlisted',
    ]);
    expect(await kinds('cat')).toEqual(['event_offer_declined', 'event_place_offered', 'event_waitlisted']);
    expect(await kinds('dan')).toEqual(['event_offer_expired', 'event_place_offered', 'event_waitlisted']);
    expect(await kinds('eve')).toEqual(['event_left_waitlist', 'event_place_offered', 'event_waitlisted']);
  });

  it('gives the places of an erased contact back, and exports their registration history', async () => {
    const event = await newEvent(`erase-${engine}`, { capacity: 1 });
    await publish(event.id);
    const zoe = (await api('POST', '/api/contacts', { email: `zoe@erase-${engine}.test` })).json().id;
    await api('POST', `/api/events/${event.id}/registrations`, { contactId: zoe });
    const exported = (await api('GET', `/api/contacts/${zoe}/export`)).json();
    expect(JSON.stringify(exported)).toContain('"change":"registered"');
    expect(
      (
        await server.spoor.app.inject({
          method: 'DELETE',
          url: `/api/contacts/${zoe}`,
          headers: server.spoor.auth,
        })
      ).statusCode,
    ).toBeLessThan(300);
    expect((await countersOf(db(), event.id)).event).toBe(0);
    expect(await registrations(event.id)).toEqual([]);
  });
});
