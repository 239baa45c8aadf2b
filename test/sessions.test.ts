// Dashboard sessions over HTTP on both engines: signing in and out, the cookie's attributes, fixation, the
// forgery checks on changes made with the cookie, timeouts, sign-in limits, and a disabled user refused
// on a second node at once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authenticateSession } from '../src/access/sessions/sessions.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createUser, signInApi, signInInject } from './support/accounts.ts';

const PUBLIC_URL = 'https://spoor.test';
const ORIGIN = 'https://spoor.test';
const PASSWORD = 'correct horse battery';

describeEachEngine('sessions', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let second: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const overrides = { publicUrl: PUBLIC_URL, signInAttemptsPerAccount: 3, signInAttemptsPerAddress: 1000 };
    spoor = await startSpoor(database, overrides);
    second = await startSpoor(database, overrides);
    await createUser(spoor.storage.db, {
      email: 'Ada@Example.com',
      password: PASSWORD,
      role: 'marketer',
      name: 'Ada',
    });
    await createUser(spoor.storage.db, { email: 'lin@example.com', password: PASSWORD, role: 'analyst' });
  });
  afterAll(async () => {
    await second.close();
    await spoor.close();
    await database.drop();
  });

  const signIn = (email: string, password = PASSWORD, headers: Record<string, string> = {}) =>
    spoor.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: ORIGIN, ...headers },
      payload: { email, password },
    });

  it('signs in (email in any case), sets the declared cookie and answers the session', async () => {
    const res = await signIn('ada@EXAMPLE.com');
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^spoor_session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'Ada@Example.com', name: 'Ada', role: 'marketer' });
    expect(body.permissions.email).toEqual({ read: true, write: true });
    expect(body.permissions.administration).toEqual({ read: false, write: false });
    const session = await spoor.app.inject({
      url: '/api/session',
      headers: { cookie: cookie.split(';')[0] as string },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual(body);
  });

  it('works over real HTTP with fetch (test/support/accounts.ts signInApi)', async () => {
    await spoor.app.listen({ port: 0, host: '127.0.0.1' });
    const address = spoor.app.server.address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const ada = await signInApi(base, 'ada@example.com', PASSWORD, { origin: ORIGIN });
    const created = await fetch(`${base}/api/lists`, {
      method: 'POST',
      headers: { ...ada.headers('POST'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Over HTTP' }),
    });
    expect(created.status).toBe(201);
    const session = await fetch(`${base}/api/session`, { headers: ada.headers('GET') });
    expect((await session.json()).csrfToken).toBe(ada.csrfToken);
  });

  it('gives the same answer to a wrong password and an unknown email', async () => {
    const wrong = await signIn('lin@example.com', 'not the password at all');
    const unknown = await signIn('nobody@example.com', 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a sign-in posted from another site', async () => {
    const res = await signIn('lin@example.com', PASSWORD, { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(403);
  });

  it('limits sign-in attempts per account, then answers 429 with Retry-After', async () => {
    await createUser(spoor.storage.db, { email: 'limited@example.com', password: PASSWORD, role: 'analyst' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await signIn('limited@example.com', 'wrong password here')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await signIn('LIMITED@example.com');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('gives a new session id at sign-in: an id planted before is not the one after, and is dead', async () => {
    const planted = await signInInject(spoor.app, 'lin@example.com', PASSWORD, ORIGIN);
    const res = await signIn('ada@example.com', PASSWORD, { cookie: planted.cookie });
    const after = String(res.headers['set-cookie']).split(';')[0] as string;
    expect(after).not.toBe(planted.cookie);
    const old = await spoor.app.inject({ url: '/api/session', headers: { cookie: planted.cookie } });
    expect(old.statusCode).toBe(401);
    const fresh = await spoor.app.inject({ url: '/api/session', headers: { cookie: after } });
    expect(fresh.json().user.email).toBe('Ada@Example.com');
  });

  it('lets a session use the admin API, and checks Origin and X-CSRF-Token on every change', async () => {
    const ada = await signInInject(spoor.app, 'ada@example.com', PASSWORD, ORIGIN);
    const list = await spoor.app.inject({ url: '/api/lists', headers: ada.headers('GET') });
    expect(list.statusCode).toBe(200);
    const post = (headers: Record<string, string>) =>
      spoor.app.inject({ method: 'POST', url: '/api/lists', headers, payload: { name: 'News' } });
    expect((await post(ada.headers('POST'))).statusCode).toBe(201);
    const crossSite = await post({ ...ada.headers('POST'), origin: 'https://evil.example' });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().message).toMatch(/cross-site request forgery/);
    const { 'x-csrf-token': _, ...withoutToken } = ada.headers('POST');
    const noToken = await post(withoutToken);
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().message).toMatch(/X-CSRF-Token/);
    expect((await post({ ...ada.headers('POST'), 'x-csrf-token': 'x'.repeat(32) })).statusCode).toBe(403);
    const { origin: __, ...withoutOrigin } = ada.headers('POST');
    expect((await post(withoutOrigin)).statusCode).toBe(403);
    expect((await post({ ...withoutOrigin, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    expect((await post({ ...withoutOrigin, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    // The origin the request was addressed to (the same server under another name) is Spoor's own too.
    const addressed = { ...ada.headers('POST'), host: 'spoor.lan:8080', origin: 'http://spoor.lan:8080' };
    expect((await post(addressed)).statusCode).toBe(201);
    expect((await post({ ...addressed, origin: 'http://spoor.lan:9090' })).statusCode).toBe(403);
  });

  it("applies the user's role: an analyst reads and cannot change anything", async () => {
    const lin = await signInInject(spoor.app, 'lin@example.com', PASSWORD, ORIGIN);
    expect((await spoor.app.inject({ url: '/api/lists', headers: lin.headers('GET') })).statusCode).toBe(200);
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/api/lists',
      headers: lin.headers('POST'),
      payload: { name: 'Nope' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/role \(analyst\)/);
  });

  it('still takes API keys, and a key has no session', async () => {
    expect((await spoor.app.inject({ url: '/api/lists', headers: spoor.auth })).statusCode).toBe(200);
    expect((await spoor.app.inject({ url: '/api/session', headers: spoor.auth })).statusCode).toBe(401);
    expect((await spoor.app.inject({ url: '/api/session' })).statusCode).toBe(401);
  });

  it('signs out one session, and everywhere', async () => {
    const one = await signInInject(spoor.app, 'ada@example.com', PASSWORD, ORIGIN);
    const two = await signInInject(spoor.app, 'ada@example.com', PASSWORD, ORIGIN);
    const three = await signInInject(spoor.app, 'ada@example.com', PASSWORD, ORIGIN);
    const noCsrf = await spoor.app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: one.headers('GET'),
    });
    expect(noCsrf.statusCode).toBe(403);
    const out = await spoor.app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: one.headers('DELETE'),
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^spoor_session=; Max-Age=0/);
    const alive = async (s: { headers(m?: string): Record<string, string> }) =>
      (await spoor.app.inject({ url: '/api/session', headers: s.headers() })).statusCode;
    expect([await alive(one), await alive(two), await alive(three)]).toEqual([401, 200, 200]);
    const everywhere = await spoor.app.inject({
      method: 'DELETE',
      url: '/api/sessions',
      headers: two.headers('DELETE'),
    });
    expect(everywhere.statusCode).toBe(204);
    expect([await alive(two), await alive(three)]).toEqual([401, 401]);
  });

  it("refuses a disabled user's session on another node at once", async () => {
    await createUser(spoor.storage.db, {
      email: 'boss@example.com',
      password: PASSWORD,
      role: 'administrator',
    });
    await createUser(spoor.storage.db, { email: 'gone@example.com', password: PASSWORD, role: 'marketer' });
    const gone = await signInInject(spoor.app, 'gone@example.com', PASSWORD, ORIGIN);
    // The second node has served this session already (nothing it could have cached is stale-proof).
    expect((await second.app.inject({ url: '/api/lists', headers: gone.headers() })).statusCode).toBe(200);
    const boss = await signInInject(spoor.app, 'boss@example.com', PASSWORD, ORIGIN);
    const disabled = await spoor.app.inject({
      method: 'PATCH',
      url: `/api/users/${gone.user.id}`,
      headers: boss.headers('PATCH'),
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    expect((await second.app.inject({ url: '/api/lists', headers: gone.headers() })).statusCode).toBe(401);
    const again = await second.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: ORIGIN },
      payload: { email: 'gone@example.com', password: PASSWORD },
    });
    expect(again.statusCode).toBe(403);
  });

  it('ends a session after the idle timeout and after the absolute timeout', async () => {
    const timeouts = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
    const db = spoor.storage.db;
    const ada = await signInInject(spoor.app, 'ada@example.com', PASSWORD, ORIGIN);
    const id = ada.cookie.slice('spoor_session='.length);
    const start = Date.now();
    // Used every 20 minutes: alive past the idle timeout, until the absolute one.
    let now = start;
    for (; now + 20 * 60_000 < start + timeouts.absoluteMs; now += 20 * 60_000)
      await expect(authenticateSession(db, id, timeouts, now + 20 * 60_000)).resolves.toMatchObject({
        user: { email: 'Ada@Example.com' },
      });
    await expect(authenticateSession(db, id, timeouts, start + timeouts.absoluteMs)).rejects.toThrow(
      'Your session has ended',
    );
    const idle = await signInInject(spoor.app, 'ada@example.com', PASSWORD, ORIGIN);
    const idleId = idle.cookie.slice('spoor_session='.length);
    const signedInAt = Date.now();
    await expect(
      authenticateSession(db, idleId, timeouts, signedInAt + timeouts.idleMs + 1000),
    ).rejects.toThrow('Your session has ended');
    // Ended sessions are deleted: the id does not come back to life.
    expect((await spoor.app.inject({ url: '/api/session', headers: idle.headers() })).statusCode).toBe(401);
  });
});
