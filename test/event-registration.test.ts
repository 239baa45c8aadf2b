// Registration for an event with exact capacity, on SQLite and on PostgreSQL with two Spoor nodes: a burst
// of concurrent registrations across both never takes more places than the event, its pass or a session
// holds, no contact registers twice, and a refusal (full, not the event's pass, a draft) stores nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const EVENT = {
  name: { en: 'Workshop' },
  timeZone: 'Europe/Paris',
  start: '2027-09-14T09:00',
  end: '2027-09-14T18:00',
  languages: ['en'],
};

describeEachEngine('event registration', (engine) => {
  let database: TestDatabase;
  let nodes: RunningSpoor[];

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // Two nodes on one database (SQLite: two connections to one file).
    nodes = [await startSpoor(database), await startSpoor(database)];
  });
  afterAll(async () => {
    for (const node of nodes ?? []) await node.close();
    await database?.drop();
  });

  const api = (node: RunningSpoor, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    node.app.inject({ method, url, headers: node.auth, ...(payload ? { payload } : {}) });

  async function contacts(n: number, tag: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1)
      ids.push(
        (await api(nodes[0]!, 'POST', '/api/contacts', { email: `${tag}-${i}@example.com` })).json().id,
      );
    return ids;
  }

  it('never goes past the capacity of the event, its pass or a session under a burst across two nodes', async () => {
    const [a] = nodes as [RunningSpoor, RunningSpoor];
    const event = (
      await api(a, 'POST', '/api/events', { ...EVENT, slug: `burst-${engine}`, capacity: 12 })
    ).json();
    const session = (
      await api(a, 'POST', `/api/events/${event.id}/sessions`, {
        name: { en: 'Lab' },
        start: '2027-09-14T10:00',
        end: '2027-09-14T11:00',
        capacity: 5,
      })
    ).json().sessions[0].id;
    const withPasses = await api(a, 'POST', `/api/events/${event.id}/passes`, {
      name: { en: 'Lab pass' },
      capacity: 8,
      sessionIds: [session],
    });
    const labPass = withPasses.json().passes[0].id;
    const dayPass = (await api(a, 'POST', `/api/events/${event.id}/passes`, { name: { en: 'Day pass' } }))
      .json()
      .passes.find((p: { id: string }) => p.id !== labPass).id;
    await api(a, 'POST', `/api/events/${event.id}/publish`);
    const people = await contacts(60, `burst-${engine}`);

    // Every contact asks twice (once on each node) for the lab pass with the lab, or the day pass.
    const asks = people.flatMap((contactId, i) => {
      const body =
        i % 2 === 0 ? { contactId, passId: labPass, sessionIds: [session] } : { contactId, passId: dayPass };
      return nodes.map((node) => api(node, 'POST', `/api/events/${event.id}/registrations`, body));
    });
    const answers = await Promise.all(asks);
    const statuses = answers.map((r) => r.statusCode);
    expect(
      statuses.filter((s) => s !== 201 && s !== 409),
      JSON.stringify(answers.find((r) => r.statusCode >= 500)?.body),
    ).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(12);
    for (const refused of answers.filter((r) => r.statusCode === 409))
      expect(refused.json().message).toMatch(/is full; no place was taken|registered for this event already/);

    const after = (await api(nodes[1]!, 'GET', `/api/events/${event.id}`)).json();
    expect(after.taken).toBe(12);
    const lab = after.sessions[0];
    const passTaken = Object.fromEntries(
      after.passes.map((p: { id: string; taken: number }) => [p.id, p.taken]),
    );
    expect(lab.taken).toBeLessThanOrEqual(5);
    expect(passTaken[labPass]).toBe(lab.taken);
    expect(passTaken[labPass] + passTaken[dayPass]).toBe(12);
    const registrations = (await api(a, 'GET', `/api/events/${event.id}/registrations`)).json().registrations;
    expect(registrations).toHaveLength(12);
    expect(new Set(registrations.map((r: { contactId: string }) => r.contactId)).size).toBe(12);
    expect(
      registrations.filter((r: { sessionIds: string[] }) => r.sessionIds.includes(session)),
    ).toHaveLength(lab.taken);
  }, 120_000);

  it('refuses with a clear answer and stores nothing: full, a draft, a pass of another event, twice', async () => {
    const [a] = nodes as [RunningSpoor, RunningSpoor];
    const [ann, bob] = await contacts(2, `refuse-${engine}`);
    const draft = (await api(a, 'POST', '/api/events', { ...EVENT, slug: `draft-${engine}` })).json();
    const small = (
      await api(a, 'POST', '/api/events', { ...EVENT, slug: `small-${engine}`, capacity: 1 })
    ).json();
    await api(a, 'POST', `/api/events/${small.id}/publish`);
    const other = (await api(a, 'POST', `/api/events/${draft.id}/passes`, { name: { en: 'Other' } })).json()
      .passes[0].id;

    const toDraft = await api(a, 'POST', `/api/events/${draft.id}/registrations`, {
      contactId: ann,
      passId: other,
    });
    expect(toDraft.statusCode).toBe(422);
    expect(toDraft.json().message).toBe('This event is not published.');
    const foreign = await api(a, 'POST', `/api/events/${small.id}/registrations`, {
      contactId: ann,
      passId: other,
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().message).toMatch(/not a pass of this event/);
    expect(
      (await api(a, 'POST', `/api/events/${small.id}/registrations`, { contactId: ann })).statusCode,
    ).toBe(201);
    const twice = await api(a, 'POST', `/api/events/${small.id}/registrations`, { contactId: ann });
    expect(twice.statusCode).toBe(409);
    const full = await api(a, 'POST', `/api/events/${small.id}/registrations`, { contactId: bob });
    expect(full.statusCode).toBe(409);
    expect(full.json().message).toBe('This event is full; no place was taken.');
    expect((await api(a, 'GET', `/api/events/${small.id}`)).json().taken).toBe(1);
    expect((await api(a, 'GET', `/api/events/${draft.id}/registrations`)).json().registrations).toEqual([]);
  });
});
