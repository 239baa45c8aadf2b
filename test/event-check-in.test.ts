// Check-in at the door over HTTP, on SQLite and PostgreSQL: every verdict (valid, already checked in with
// when and by whom, cancelled, waitlisted, wrong event, unknown for forged, altered and made-up codes), one
// check-in under a burst of scans of one code across two nodes, who may check in, and the check-in in the
// contact's timeline.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../src/access/api-keys.ts';
import { passCodeFor } from '../src/events/check-in/pass-code.ts';
import { loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createUser, type SignedInSession, signInInject } from './support/accounts.ts';

const ORIGIN = 'https://spoor.test';
const PASSWORD = 'a long enough password';
const EVENT = {
  timeZone: 'Europe/Paris',
  start: '2027-09-14T09:00',
  end: '2027-09-14T18:00',
  languages: ['en'],
};

describeEachEngine('event check-in', (engine) => {
  let database: TestDatabase;
  let nodes: [RunningSpoor, RunningSpoor];
  const sessions: Record<string, SignedInSession> = {};
  let summit: { id: string; passId: string; sessionId: string };
  let gala: { id: string };
  let code: (registrationId: string) => Promise<string>;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    nodes = [
      await startSpoor(database, { publicUrl: ORIGIN }),
      await startSpoor(database, { publicUrl: ORIGIN }),
    ];
    const db = nodes[0].storage.db;
    for (const role of ['administrator', 'marketer', 'analyst'] as const) {
      await createUser(db, { email: `${role}@example.com`, password: PASSWORD, role, name: `Ms ${role}` });
      sessions[role] = await signInInject(nodes[0].app, `${role}@example.com`, PASSWORD, ORIGIN);
    }
    const secrets = await loadInstallSecrets(db, nodes[0].config.tokenKeys);
    code = async (id) => passCodeFor(secrets, id);
    const a = nodes[0];
    const made = (
      await api(a, 'POST', '/api/events', { ...EVENT, name: { en: 'Summit' }, slug: `summit-${engine}` })
    ).json();
    const sessionId = (
      await api(a, 'POST', `/api/events/${made.id}/sessions`, {
        name: { en: 'Keynote' },
        start: '2027-09-14T09:30',
        end: '2027-09-14T10:30',
      })
    ).json().sessions[0].id;
    const passId = (
      await api(a, 'POST', `/api/events/${made.id}/passes`, {
        name: { en: 'Day pass' },
        sessionIds: [sessionId],
      })
    ).json().passes[0].id;
    await api(a, 'POST', `/api/events/${made.id}/publish`);
    summit = { id: made.id, passId, sessionId };
    gala = (
      await api(a, 'POST', '/api/events', { ...EVENT, name: { en: 'Gala' }, slug: `gala-${engine}` })
    ).json();
    await api(a, 'POST', `/api/events/${gala.id}/publish`);
  }, 60_000);
  afterAll(async () => {
    for (const node of nodes ?? []) await node.close();
    await database?.drop();
  });

  function api(node: RunningSpoor, method: 'GET' | 'POST', url: string, payload?: object) {
    return node.app.inject({ method, url, headers: node.auth, ...(payload ? { payload } : {}) });
  }
  const checkIn = (
    eventId: string,
    body: object,
    as: SignedInSession = sessions['marketer']!,
    node = nodes[0],
  ) =>
    node.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/check-ins`,
      headers: as.headers('POST'),
      payload: body,
    });

  async function registered(tag: string, eventId = summit.id, withPass = true) {
    const contact = (
      await api(nodes[0], 'POST', '/api/contacts', {
        email: `${tag}-${engine}@example.com`,
        firstName: 'Ada',
        lastName: tag,
      })
    ).json();
    const res = await api(nodes[0], 'POST', `/api/events/${eventId}/registrations`, {
      contactId: contact.id,
      ...(withPass ? { passId: summit.passId, sessionIds: [summit.sessionId] } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return { contactId: contact.id as string, registrationId: res.json().id as string };
  }

  it('answers valid once with the name, pass and sessions, then already checked in with when and by whom', async () => {
    const { contactId, registrationId } = await registered('valid');
    const first = await checkIn(summit.id, { code: await code(registrationId) });
    expect(first.statusCode, first.body).toBe(200);
    const answer = first.json();
    expect(answer.verdict).toBe('valid');
    expect(answer.message).toMatch(/^Valid/);
    expect(answer.registration).toMatchObject({
      id: registrationId,
      contactId,
      name: 'Ada valid',
      pass: { id: summit.passId, name: 'Day pass' },
      sessions: [{ id: summit.sessionId, name: 'Keynote' }],
      checkedInBy: 'Ms marketer',
    });
    // Typed with spaces and a line break (a code copied from an email): the same pass.
    const typed = (await code(registrationId)).replace(/(.{10})/g, '$1 ').replace(' ', '\n');
    const again = (await checkIn(summit.id, { code: typed }, sessions['administrator']!)).json();
    expect(again.verdict).toBe('already_checked_in');
    expect(again.message).toMatch(/^Already checked in/);
    expect(again.registration.checkedInAt).toBe(answer.registration.checkedInAt);
    expect(again.registration.checkedInBy).toBe('Ms marketer');

    const overview = (
      await nodes[0].app.inject({
        url: `/api/events/${summit.id}/check-ins`,
        headers: sessions['analyst']!.headers(),
      })
    ).json();
    expect(overview.checkedIn).toBeGreaterThanOrEqual(1);
    expect(
      overview.latest.find((l: { registrationId: string }) => l.registrationId === registrationId),
    ).toMatchObject({
      name: 'Ada valid',
      checkedInBy: 'Ms marketer',
    });

    // In the contact's timeline: one check-in, naming the event.
    const history = (await api(nodes[1], 'GET', `/api/contacts/${contactId}/history`)).json();
    const items = history.items.filter((i: { type: string }) => i.type === 'event_check_ins');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'event_check_in',
      subjects: { event: { id: summit.id, name: 'Summit' } },
    });
  });

  it('answers cancelled, waitlisted and wrong event without checking in', async () => {
    const cancelled = await registered('cancelled');
    await nodes[0].storage.db
      .updateTable('event_registrations')
      .set({ status: 'cancelled', cancelled_at: Date.now() })
      .where('id', '=', cancelled.registrationId)
      .execute();
    const c = (await checkIn(summit.id, { code: await code(cancelled.registrationId) })).json();
    expect(c).toMatchObject({
      verdict: 'cancelled',
      registration: { name: 'Ada cancelled', checkedInAt: null },
    });

    const waiting = await registered('waiting');
    await nodes[0].storage.db
      .updateTable('event_registrations')
      .set({ status: 'waitlisted' })
      .where('id', '=', waiting.registrationId)
      .execute();
    const w = (await checkIn(summit.id, { code: await code(waiting.registrationId) })).json();
    expect(w).toMatchObject({ verdict: 'waitlisted', registration: { checkedInAt: null } });

    const guest = await registered('gala-guest', gala.id, false);
    const wrong = (await checkIn(summit.id, { code: await code(guest.registrationId) })).json();
    expect(wrong).toMatchObject({
      verdict: 'wrong_event',
      message: 'Wrong event: this pass is for "Gala".',
      registration: null,
      otherEvent: { id: gala.id, name: 'Gala' },
    });
    // Still valid at its own event.
    expect((await checkIn(gala.id, { code: await code(guest.registrationId) })).json().verdict).toBe('valid');

    const rows = await nodes[0].storage.db
      .selectFrom('event_registrations')
      .select(['id', 'checked_in_at'])
      .where('id', 'in', [cancelled.registrationId, waiting.registrationId])
      .execute();
    expect(rows.map((r) => r.checked_in_at)).toEqual([null, null]);
  });

  it('refuses forged, altered and made-up codes as unknown, and checks no one in', async () => {
    const { registrationId } = await registered('forged');
    const genuine = await code(registrationId);
    const [id, tag] = genuine.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const otherKey = `${id}.${'A'.repeat(24)}`;
    for (const bad of [
      otherKey,
      `${flip(id, 3)}.${tag}`,
      `${id}.${flip(tag, 23)}`,
      `${id}.${flip(tag, 10)}`,
      registrationId,
      'hello',
      '🎟️',
    ]) {
      const res = await checkIn(summit.id, { code: bad });
      expect(res.statusCode, bad).toBe(200);
      expect(res.json(), bad).toMatchObject({ verdict: 'unknown', registration: null, otherEvent: null });
    }
    const row = await nodes[0].storage.db
      .selectFrom('event_registrations')
      .select('checked_in_at')
      .where('id', '=', registrationId)
      .executeTakeFirstOrThrow();
    expect(row.checked_in_at).toBeNull();
    expect((await checkIn(summit.id, { code: '' })).statusCode).toBe(400);
    expect((await checkIn('no-such-event', { code: genuine })).statusCode).toBe(404);
  });

  it('records one check-in under a burst of scans of one code across two nodes', async () => {
    const { contactId, registrationId } = await registered('burst');
    const pass = await code(registrationId);
    const scans = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        checkIn(
          summit.id,
          { code: pass },
          i % 2 ? sessions['marketer']! : sessions['administrator']!,
          nodes[i % 2]!,
        ),
      ),
    );
    expect(scans.map((s) => s.statusCode).filter((s) => s !== 200)).toEqual([]);
    const verdicts = scans.map((s) => s.json().verdict);
    expect(verdicts.filter((v) => v === 'valid')).toHaveLength(1);
    expect(verdicts.filter((v) => v === 'already_checked_in')).toHaveLength(29);
    const at = new Set(scans.map((s) => s.json().registration.checkedInAt));
    expect(at.size).toBe(1);
    const logged = await nodes[0].storage.db
      .selectFrom('interaction_log')
      .select('item_id')
      .where('source', '=', 'event_check_ins')
      .where('item_id', '=', registrationId)
      .execute();
    expect(logged).toHaveLength(1);
    const history = (await api(nodes[0], 'GET', `/api/contacts/${contactId}/history`)).json();
    expect(history.items.filter((i: { type: string }) => i.type === 'event_check_ins')).toHaveLength(1);
  });

  it('lets administrators, marketers and email keys check in; analysts and other keys read only', async () => {
    const { registrationId } = await registered('roles');
    const pass = await code(registrationId);
    expect((await checkIn(summit.id, { code: pass }, sessions['analyst']!)).statusCode).toBe(403);
    const db = nodes[0].storage.db;
    for (const scope of ['read-only', 'tracking'] as const) {
      const key = await createApiKey(db, `door-${scope}`, [scope]);
      const res = await nodes[0].app.inject({
        method: 'POST',
        url: `/api/events/${summit.id}/check-ins`,
        headers: { authorization: `Bearer ${key}` },
        payload: { code: pass },
      });
      expect(res.statusCode, scope).toBe(403);
    }
    const emailKey = await createApiKey(db, 'door scanner', ['email']);
    const byKey = await nodes[0].app.inject({
      method: 'POST',
      url: `/api/events/${summit.id}/check-ins`,
      headers: { authorization: `Bearer ${emailKey}` },
      payload: { code: pass },
    });
    expect(byKey.json()).toMatchObject({
      verdict: 'valid',
      registration: { checkedInBy: 'API key "door scanner"' },
    });
    const unsigned = await nodes[0].app.inject({
      method: 'POST',
      url: `/api/events/${summit.id}/check-ins`,
      payload: { code: pass },
    });
    expect(unsigned.statusCode).toBe(401);
  });
});
