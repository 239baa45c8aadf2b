// An event's insights on SQLite and PostgreSQL: registrations made through the API, then waitlist,
// cancellation and check-in states set in the database (those features land beside this one), and every
// figure checked exactly — for the event, per pass, per session, per day in the event's zone — with the
// registrants behind each number paged and exported as CSV (a formula in a name stays text).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const DAY = 86_400_000;

describeEachEngine('event insights', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
  });
  afterAll(async () => {
    await spoor?.close();
    await database?.drop();
  });

  const api = async (
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
    status = method === 'POST' ? 201 : 200,
  ) => {
    const res = await spoor.app.inject({ method, url, headers: spoor.auth, ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBe(status);
    return res;
  };
  const json = async (url: string, status = 200) => (await api('GET', url, undefined, status)).json();
  const db = () => spoor.storage.db;

  it('counts registered, waitlisted, cancelled, checked in and no-shows, and lists and exports who', async () => {
    const start = Date.now() + 30 * DAY;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + 'Z';
    const event = (
      await api('POST', '/api/events', {
        name: { en: 'Autumn summit' },
        slug: `summit-${engine}`,
        timeZone: 'America/New_York',
        start: iso(start),
        end: iso(start + 8 * 3_600_000),
        languages: ['en'],
        capacity: 10,
      })
    ).json();
    const id = event.id as string;
    const talk = (
      await api('POST', `/api/events/${id}/sessions`, {
        name: { en: 'Talk' },
        start: iso(start + 3_600_000),
        end: iso(start + 2 * 3_600_000),
        capacity: 5,
      })
    ).json().sessions[0].id as string;
    const lab = (
      await api('POST', `/api/events/${id}/sessions`, {
        name: { en: 'Lab' },
        start: iso(start + 3 * 3_600_000),
        end: iso(start + 4 * 3_600_000),
      })
    )
      .json()
      .sessions.find((s: { id: string }) => s.id !== talk).id as string;
    const day = (await api('POST', `/api/events/${id}/passes`, { name: { en: 'Day' }, capacity: 6 })).json()
      .passes[0].id as string;
    const labPass = (
      await api('POST', `/api/events/${id}/passes`, { name: { en: 'Lab pass' }, sessionIds: [lab] })
    )
      .json()
      .passes.find((p: { id: string }) => p.id !== day).id as string;
    await api('POST', `/api/events/${id}/publish`, undefined, 200);

    // Seven people: a formula for a name (the CSV must keep it text), registered through the API.
    const people: string[] = [];
    for (let i = 0; i < 7; i += 1)
      people.push(
        (
          await api('POST', '/api/contacts', {
            email: `person-${i}-${engine}@example.com`,
            firstName: i === 0 ? '=HYPERLINK("https://evil.example")' : `Person${i}`,
            lastName: 'Doe',
          })
        ).json().id,
      );
    const asks = [
      { passId: day, sessionIds: [talk, lab] }, // 0: checked in
      { passId: day, sessionIds: [talk] }, // 1: checked in
      { passId: day, sessionIds: [] }, // 2: registered
      { passId: labPass, sessionIds: [lab] }, // 3: registered
      { passId: labPass, sessionIds: [lab] }, // 4: cancelled
      { passId: day, sessionIds: [talk] }, // 5: waitlisted
      { passId: labPass, sessionIds: [] }, // 6: waitlisted
    ];
    const regs: string[] = [];
    for (const [i, ask] of asks.entries())
      regs.push(
        (await api('POST', `/api/events/${id}/registrations`, { contactId: people[i], ...ask })).json().id,
      );

    // Registration times across three New York days (02:30 UTC is still the day before there).
    const at = (d: number, h: number, m = 0) => Date.UTC(2027, 7, d, h, m);
    const created = [at(1, 14), at(1, 15), at(2, 2, 30), at(2, 13), at(2, 14), at(3, 12), at(3, 12, 30)];
    for (const [i, reg] of regs.entries())
      await db()
        .updateTable('event_registrations')
        .set({ created_at: created[i]! })
        .where('id', '=', reg)
        .execute();
    const set = (i: number, values: object) =>
      db().updateTable('event_registrations').set(values).where('id', '=', regs[i]!).execute();
    await set(4, { status: 'cancelled', cancelled_at: at(3, 3, 59) });
    await set(5, { status: 'waitlisted' });
    await set(6, { status: 'waitlisted' });
    await set(0, { checked_in_at: at(4, 13), checked_in_by: 'user-1' });
    await set(1, { checked_in_at: at(4, 13, 10), checked_in_by: 'user-1' });

    const taken = (await json(`/api/events/${id}`)).taken as number;
    const insights = await json(`/api/events/${id}/insights`);
    expect(insights).toMatchObject({
      eventId: id,
      name: 'Autumn summit',
      timeZone: 'America/New_York',
      ended: false,
      registered: 4,
      waitlisted: 2,
      cancelled: 1,
      checkedIn: 2,
      noShows: null,
      capacity: 10,
      taken,
      placesLeft: 10 - taken,
    });
    const byName = (rows: { name: string; noShows?: number | null }[], name: string) =>
      rows.find((r) => r.name === name) ?? { name, noShows: undefined };
    expect(byName(insights.passes, 'Day')).toMatchObject({
      id: day,
      registered: 3,
      waitlisted: 1,
      cancelled: 0,
      checkedIn: 2,
      noShows: null,
      capacity: 6,
    });
    expect(byName(insights.passes, 'Lab pass')).toMatchObject({
      registered: 1,
      waitlisted: 1,
      cancelled: 1,
      checkedIn: 0,
      capacity: null,
      placesLeft: null,
    });
    expect(byName(insights.sessions, 'Talk')).toMatchObject({
      id: talk,
      registered: 2,
      waitlisted: 1,
      cancelled: 0,
      checkedIn: 2,
      capacity: 5,
    });
    expect(byName(insights.sessions, 'Lab')).toMatchObject({ registered: 2, cancelled: 1, checkedIn: 1 });
    expect(insights.timeline).toEqual([
      { day: '2027-08-01', registrations: 3, cancellations: 0, checkIns: 0 },
      { day: '2027-08-02', registrations: 2, cancellations: 1, checkIns: 0 },
      { day: '2027-08-03', registrations: 2, cancellations: 0, checkIns: 0 },
      { day: '2027-08-04', registrations: 0, cancellations: 0, checkIns: 2 },
    ]);

    // The registrants behind a figure, two a page, in registration order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await json(
        `/api/events/${id}/registrants?figure=registered&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.label).toBe('Registered');
      seen.push(...page.registrants.map((r: { registrationId: string }) => r.registrationId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(regs.slice(0, 4));
    const waitlist = await json(`/api/events/${id}/registrants?figure=waitlisted`);
    expect(waitlist.registrants.map((r: { contactId: string }) => r.contactId)).toEqual([
      people[5],
      people[6],
    ]);
    const talkIn = await json(`/api/events/${id}/registrants?figure=checked_in&session=${talk}`);
    expect(talkIn.label).toBe('Checked in · Talk');
    expect(talkIn.eventName).toBe('Autumn summit');
    expect(talkIn.registrants).toHaveLength(2);
    expect(talkIn.registrants[0]).toMatchObject({
      registrationId: regs[0],
      contactId: people[0],
      email: `person-0-${engine}@example.com`,
      status: 'registered',
      pass: 'Day',
      sessions: expect.arrayContaining(['Talk', 'Lab']),
      registeredAt: '2027-08-01T10:00:00-04:00',
      checkedInAt: '2027-08-04T09:00:00-04:00',
      cancelledAt: null,
    });
    const cancelled = await json(`/api/events/${id}/registrants?figure=cancelled&pass=${labPass}`);
    expect(cancelled.registrants.map((r: { contactId: string }) => r.contactId)).toEqual([people[4]]);
    expect(cancelled.registrants[0].cancelledAt).toBe('2027-08-02T23:59:00-04:00');

    // Questions the list cannot answer: clear 4xx.
    expect((await json(`/api/events/${id}/registrants?figure=no_show`, 409)).message).toMatch(
      /not ended yet/,
    );
    expect((await json(`/api/events/${id}/registrants?figure=registered&pass=nope`, 400)).message).toMatch(
      /not a pass of this event/,
    );
    expect(
      (await json(`/api/events/${id}/registrants?figure=registered&session=${day}`, 400)).message,
    ).toMatch(/not a session of this event/);
    await json(`/api/events/${id}/registrants?figure=registered&cursor=garbage`, 400);
    await json(`/api/events/${id}/registrants?figure=everyone`, 400);
    await json('/api/events/no-such-event/insights', 404);
    await json('/api/events/no-such-event/registrants?figure=registered', 404);
    expect(
      (await api('GET', `/api/events/${id}/registrants.csv?figure=no_show`, undefined, 409)).body,
    ).toMatch(/not ended/);

    // CSV of the registered, in order; the formula in a name is text.
    const csv = await api('GET', `/api/events/${id}/registrants.csv?figure=registered`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(
      `event-${id.replace(/[^A-Za-z0-9_-]/g, '')}-registered.csv`,
    );
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'registration_id,contact_id,email,name,status,pass,sessions,registered_at,cancelled_at,checked_in_at',
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(
      `,person-0-${engine}@example.com,"'=HYPERLINK(""https://evil.example"") Doe",registered,Day,`,
    );
    expect(lines[1]).toMatch(/,(Talk; Lab|Lab; Talk),2027-08-01T10:00:00-04:00,,2027-08-04T09:00:00-04:00$/);
    expect(lines.slice(1).map((l) => l.split(',')[0]?.replace(/^'/, ''))).toEqual(regs.slice(0, 4));

    // Once the event has ended, the registered who did not check in are no-shows.
    await db()
      .updateTable('events')
      .set({ starts_at: Date.now() - 2 * DAY, ends_at: Date.now() - DAY })
      .where('id', '=', id)
      .execute();
    const after = await json(`/api/events/${id}/insights`);
    expect(after).toMatchObject({ ended: true, registered: 4, checkedIn: 2, noShows: 2 });
    expect(byName(after.passes, 'Lab pass').noShows).toBe(1);
    expect(byName(after.sessions, 'Talk').noShows).toBe(0);
    const noShows = await json(`/api/events/${id}/registrants?figure=no_show`);
    expect(noShows.registrants.map((r: { registrationId: string }) => r.registrationId)).toEqual([
      regs[2],
      regs[3],
    ]);
    const noShowCsv = (await api('GET', `/api/events/${id}/registrants.csv?figure=no_show&pass=${labPass}`))
      .body;
    expect(
      noShowCsv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l: string) => l.split(',')[1]?.replace(/^'/, '')),
    ).toEqual([people[3]]);
  });

  it('answers an event with no registrations with zeros', async () => {
    const event = (
      await api('POST', '/api/events', {
        name: { en: 'Quiet' },
        slug: `quiet-${engine}`,
        timeZone: 'Europe/Paris',
        start: '2030-01-10T09:00',
        end: '2030-01-10T17:00',
        languages: ['en'],
      })
    ).json();
    expect(await json(`/api/events/${event.id}/insights`)).toMatchObject({
      registered: 0,
      waitlisted: 0,
      cancelled: 0,
      checkedIn: 0,
      noShows: null,
      capacity: null,
      taken: 0,
      placesLeft: null,
      passes: [],
      sessions: [],
      timeline: [],
    });
    const csv = await api('GET', `/api/events/${event.id}/registrants.csv?figure=waitlisted`);
    expect(csv.body).toBe(
      'registration_id,contact_id,email,name,status,pass,sessions,registered_at,cancelled_at,checked_in_at\r\n',
    );
  });
});
