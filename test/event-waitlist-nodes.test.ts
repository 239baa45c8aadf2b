// The waitlist under concurrency with two Spoor nodes on one PostgreSQL (SQLite is one node's file: its
// single-node path is test/event-waitlist.test.ts): simultaneous cancellations on both nodes, accepts of the offers emailed
// (each posted on both nodes), offers running out while others are accepted and the expiry jobs run on
// both nodes at once. No place is lost or given twice: at every step the event's and each pass's counters
// equal the rows holding a place (registered, or waitlisted with a place held), never past a capacity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countersOf } from '../src/events/store.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { waitFor } from './support/wait-for.ts';

const ORIGIN = 'https://spoor.test';

describe.runIf(postgresUrl)('event waitlist on two nodes of one PostgreSQL', () => {
  const engine = 'postgres';
  let database: TestDatabase;
  let nodes: [RunningSpoor, RunningSpoor];
  let sink: SmtpSink;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    const config = { publicUrl: ORIGIN, formRateLimit: 100_000, smtp: smtpConfigFor(sink, { pool: 1 }) };
    nodes = [await startSpoor(database, config), await startSpoor(database, config)];
  });
  afterAll(async () => {
    for (const node of nodes ?? []) await node.close();
    await sink?.close();
    await database?.drop();
  });

  const api = (node: RunningSpoor, method: 'GET' | 'POST', url: string, payload?: object) =>
    node.app.inject({ method, url, headers: node.auth, ...(payload ? { payload } : {}) });
  const post = (node: RunningSpoor, url: string, token: string) =>
    node.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      payload: new URLSearchParams({ token }).toString(),
    });
  const db = () => nodes[0].storage.db;

  async function rows(eventId: string) {
    return db()
      .selectFrom('event_registrations')
      .select(['id', 'contact_id', 'pass_id', 'status', 'offered_at', 'offer_expires_at'])
      .where('event_id', '=', eventId)
      .execute();
  }
  async function expectExact(eventId: string, capacity: number, passId: string, passCapacity: number) {
    const all = await rows(eventId);
    const holding = all.filter(
      (r) => r.status === 'registered' || (r.status === 'waitlisted' && r.offered_at !== null),
    );
    const counters = await countersOf(db(), eventId);
    expect(counters.event).toBe(holding.length);
    expect(counters.event).toBeLessThanOrEqual(capacity);
    expect(counters.passes[passId]).toBe(holding.filter((r) => r.pass_id === passId).length);
    expect(counters.passes[passId]).toBeLessThanOrEqual(passCapacity);
    return { all, holding };
  }
  /** The offer link of the newest offer email to each address. */
  async function offerTokens(addresses: readonly string[]) {
    await Promise.all(nodes.map((n) => n.runDueJobs()));
    await waitFor('the offer emails', () =>
      addresses.every((a) =>
        sink.messages.some((m) => m.envelope.rcptTo.includes(a) && /held/.test(m.parsed.subject ?? '')),
      ),
    );
    return addresses.map((a) => {
      const mail = sink.messages
        .filter((m) => m.envelope.rcptTo.includes(a) && /held/.test(m.parsed.subject ?? ''))
        .at(-1)!;
      const link = /https:\/\/spoor\.test\/events\/waitlist\/offer\?token=[^\s]+/.exec(
        mail.parsed.text ?? '',
      )![0];
      return new URL(link).searchParams.get('token')!;
    });
  }

  it('never loses or double-gives a place: concurrent cancellations, accepts and expiring offers', async () => {
    const [a, b] = nodes;
    const event = (
      await api(a, 'POST', '/api/events', {
        name: { en: 'Busy day' },
        slug: `busy-${engine}`,
        timeZone: 'Europe/Paris',
        start: '2027-09-14T09:00',
        end: '2027-09-14T18:00',
        languages: ['en'],
        capacity: 6,
      })
    ).json();
    const small = (
      await api(a, 'POST', `/api/events/${event.id}/passes`, { name: { en: 'Lab' }, capacity: 3 })
    ).json().passes[0].id;
    const day = (await api(a, 'POST', `/api/events/${event.id}/passes`, { name: { en: 'Day' } }))
      .json()
      .passes.find((p: { id: string }) => p.id !== small).id;
    await api(a, 'POST', `/api/events/${event.id}/publish`);
    const emails: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      emails.push(`p${i}@busy-${engine}.test`);
      ids.push((await api(a, 'POST', '/api/contacts', { email: emails[i] })).json().id);
    }
    // In order: 6 registered (3 lab, 3 day), then 14 on the waitlist (lab and day in turn).
    for (let i = 0; i < 20; i += 1) {
      const answer = await api(i % 2 ? b : a, 'POST', `/api/events/${event.id}/registrations`, {
        contactId: ids[i],
        passId: (i < 6 ? i < 3 : i % 2 === 0) ? small : day,
        waitlist: true,
      });
      expect(answer.json().status).toBe(i < 6 ? 'registered' : 'waitlisted');
    }
    await expectExact(event.id, 6, small, 3);

    // Round 1: every registration and three waitlisted cancelled at once, each on both nodes.
    const first = await rows(event.id);
    const toCancel = first
      .filter((r) => r.status === 'registered')
      .concat(first.filter((r) => r.status === 'waitlisted').slice(0, 3));
    const cancels = await Promise.all(
      toCancel.flatMap((r) =>
        nodes.map((n) => api(n, 'POST', `/api/events/${event.id}/registrations/${r.id}/cancel`)),
      ),
    );
    expect(cancels.filter((c) => c.statusCode === 204)).toHaveLength(toCancel.length);
    expect(cancels.filter((c) => c.statusCode !== 204 && c.statusCode !== 404)).toEqual([]);
    const round1 = await expectExact(event.id, 6, small, 3);
    const offered = round1.all.filter((r) => r.status === 'waitlisted' && r.offered_at !== null);
    expect(offered).toHaveLength(6);

    // Round 2: two offers run out while every offer is accepted on both nodes and both nodes run the
    // expiry jobs, and two more waiting people cancel.
    const tokens = await offerTokens(offered.map((r) => emails[ids.indexOf(r.contact_id)]!));
    const expiring = offered.slice(0, 2).map((r) => r.id);
    const past = Date.now() - 1;
    await db()
      .updateTable('event_registrations')
      .set({ offer_expires_at: past })
      .where('id', 'in', expiring)
      .execute();
    await db()
      .updateTable('jobs')
      .set({ run_at: past })
      .where('kind', '=', 'events.waitlist-offer-expiry')
      .where('key', 'like', `${expiring[0]}.%`)
      .execute();
    await db()
      .updateTable('jobs')
      .set({ run_at: past })
      .where('kind', '=', 'events.waitlist-offer-expiry')
      .where('key', 'like', `${expiring[1]}.%`)
      .execute();
    const waiting = round1.all.filter((r) => r.status === 'waitlisted' && r.offered_at === null).slice(-2);
    const answers = await Promise.all([
      ...tokens.flatMap((token) => nodes.map((n) => post(n, '/events/waitlist/offer/accept', token))),
      ...nodes.map((n) => n.runDueJobs()),
      ...waiting.flatMap((r) =>
        nodes.map((n) => api(n, 'POST', `/api/events/${event.id}/registrations/${r.id}/cancel`)),
      ),
    ]);
    for (const answer of answers)
      if (typeof answer === 'object') expect([200, 204, 404, 410]).toContain(answer.statusCode);
    const round2 = await expectExact(event.id, 6, small, 3);
    for (const id of expiring) expect(round2.all.find((r) => r.id === id)!.status).toBe('cancelled');
    const registered = round2.all.filter((r) => r.status === 'registered').map((r) => r.id);
    for (const r of offered.slice(2)) expect(registered).toContain(r.id);

    // Round 3: every offer left runs out, on both nodes at once, until the queue is done.
    for (let round = 0; round < 10; round += 1) {
      const held = (await rows(event.id))
        .filter((r) => r.status === 'waitlisted' && r.offered_at !== null)
        .map((r) => r.id);
      if (held.length === 0) break;
      const then = Date.now() - 1;
      await db()
        .updateTable('event_registrations')
        .set({ offer_expires_at: then })
        .where('id', 'in', held)
        .execute();
      await db()
        .updateTable('jobs')
        .set({ run_at: then })
        .where('kind', '=', 'events.waitlist-offer-expiry')
        .where('status', '=', 'pending')
        .execute();
      await Promise.all(nodes.map((n) => n.runDueJobs()));
      await expectExact(event.id, 6, small, 3);
    }
    const end = await expectExact(event.id, 6, small, 3);
    expect(end.all.filter((r) => r.status === 'waitlisted')).toEqual([]);
    expect(end.holding.every((r) => r.status === 'registered')).toBe(true);
    const changes = await db()
      .selectFrom('event_registration_changes')
      .select(['registration_id', 'change'])
      .where('event_id', '=', event.id)
      .execute();
    // One ending per ended registration: nothing applied twice.
    const endings = changes.filter((c) =>
      ['cancelled', 'left_waitlist', 'offer_expired', 'offer_declined'].includes(c.change),
    );
    expect(endings).toHaveLength(end.all.filter((r) => r.status === 'cancelled').length);
    expect(new Set(endings.map((c) => c.registration_id)).size).toBe(endings.length);
  }, 180_000);
});
