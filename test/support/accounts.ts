// Users and signed-in sessions for tests: a user made straight in the database (as `spoor users create`
// does), and a session opened through POST /api/session the way the dashboard opens one.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Role } from '../../src/access/scopes.ts';
import { createUser as createUserRecord, type User } from '../../src/access/users/manage-users.ts';
import type { Database } from '../../src/storage/schema.ts';

export interface NewTestUser {
  email: string;
  password: string;
  role: Role;
  name?: string;
}

/** A user with this password (at least 12 characters), active. */
export function createUser(db: Kysely<Database>, user: NewTestUser): Promise<User> {
  return createUserRecord(db, user);
}

export interface SignedInSession {
  /** `spoor_session=…`, for a Cookie header. */
  cookie: string;
  csrfToken: string;
  user: { id: string; email: string; name: string; role: Role };
  /**
   * Headers for a request made with this session: the cookie, plus for every method but GET and HEAD the
   * X-CSRF-Token header and the Origin a browser on Spoor's own pages sends.
   */
  headers(method?: string): Record<string, string>;
}

function sessionFrom(
  setCookie: string | string[] | undefined,
  body: unknown,
  origin: string,
): SignedInSession {
  const header = Array.isArray(setCookie) ? setCookie.join('\n') : (setCookie ?? '');
  const value = /spoor_session=([^;\s]+)/.exec(header)?.[1];
  if (!value) throw new Error(`sign-in set no spoor_session cookie: ${header}`);
  const session = body as { csrfToken: string; user: SignedInSession['user'] };
  const cookie = `spoor_session=${value}`;
  return {
    cookie,
    csrfToken: session.csrfToken,
    user: session.user,
    headers: (method = 'GET'): Record<string, string> =>
      ['GET', 'HEAD'].includes(method.toUpperCase())
        ? { cookie }
        : { cookie, 'x-csrf-token': session.csrfToken, origin },
  };
}

/**
 * Signs in over HTTP (fetch) at `baseUrl`, sending `baseUrl`'s origin as Origin (as a browser on that
 * address does; Spoor accepts its public URL's origin and the one a request is addressed to), or `origin`.
 */
export async function signInApi(
  baseUrl: string,
  email: string,
  password: string,
  options: { origin?: string } = {},
): Promise<SignedInSession> {
  const origin = options.origin ?? new URL(baseUrl).origin;
  const res = await fetch(new URL('/api/session', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${JSON.stringify(body)}`);
  return sessionFrom(res.headers.getSetCookie(), body, origin);
}

/** The same through `app.inject` (no listening server); `origin` is the app's public URL's origin. */
export async function signInInject(
  app: FastifyInstance,
  email: string,
  password: string,
  origin: string,
): Promise<SignedInSession> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/session',
    headers: { origin },
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in answered ${res.statusCode}: ${res.body}`);
  return sessionFrom(res.headers['set-cookie'], res.json(), origin);
}
