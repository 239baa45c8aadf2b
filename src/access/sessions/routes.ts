// Signing in and out of the dashboard: POST /api/session (public), GET and DELETE /api/session and
// DELETE /api/sessions (the signed-in user's own; mounted through adminApi's ownSessionArea).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, noContent } from '../../api-contract.ts';
import { SESSION_COOKIE } from '../../cookies/definitions.ts';
import { sessionCookieSetter } from '../../cookies/set-cookie.ts';
import { AppError } from '../../lib/errors.ts';
import { rateLimited } from '../../lib/rate-limited.ts';
import { WindowCounter } from '../../lib/window-counter.ts';
import type { Database } from '../../storage/schema.ts';
import { readCookie } from '../../tracking/tracking-cookies.ts';
import { ownOrigins } from '../admin-api.ts';
import { recordAudit } from '../audit/record.ts';
import { ADMIN_AREAS, type AdminArea, permissionsOf, ROLES } from '../scopes.ts';
import { emailKey } from '../users/store.ts';
import { type SessionTimeouts, signInOriginRefusal } from './session-rules.ts';
import { type ActiveSession, signIn, signOut, signOutEverywhere } from './sessions.ts';

const Permission = Type.Object({ read: Type.Boolean(), write: Type.Boolean() });

export const SessionSchema = Type.Object(
  {
    user: Type.Object({
      id: Type.String(),
      email: Type.String(),
      name: Type.String(),
      role: Type.Union([Type.Literal(ROLES[0]), Type.Literal(ROLES[1]), Type.Literal(ROLES[2])]),
    }),
    csrfToken: Type.String({
      description: 'Send it as the X-CSRF-Token header on every change made with the session cookie.',
    }),
    permissions: Type.Object(
      Object.fromEntries(ADMIN_AREAS.map((area) => [area, Permission])) as Record<
        AdminArea,
        typeof Permission
      >,
      {
        description: 'What the role may read and write in each admin area (hide what it may not do).',
      },
    ),
  },
  {
    $id: 'Session',
    title: 'Session',
    examples: [
      {
        user: { id: 'u3Jd9QeR1vX2bN7mT0aZpw', email: 'ada@example.com', name: 'Ada', role: 'marketer' },
        csrfToken: 'Zq3…',
        permissions: {
          tracking: { read: true, write: true },
          contacts: { read: true, write: true },
          email: { read: true, write: true },
          administration: { read: false, write: false },
        },
      },
    ],
  },
);

const Credentials = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { examples: [{ email: 'ada@example.com', password: 'correct horse battery staple' }] },
);

/** Attempts per window before sign-in answers 429 (per node, like every limit Spoor keeps). */
const SIGN_IN_WINDOW_MS = 15 * 60_000;

export interface SessionRouteDeps {
  db: Kysely<Database>;
  timeouts: SessionTimeouts;
  publicUrl: string;
  attemptsPerAccount: number;
  attemptsPerAddress: number;
}

export function describeSession(session: Pick<ActiveSession, 'user' | 'csrfToken'>) {
  return {
    user: session.user,
    csrfToken: session.csrfToken,
    permissions: permissionsOf({ role: session.user.role }),
  };
}

/** The sign-in route: public, so mounted with publicApi (src/access/admin-api.ts). */
export function signInRoutes(scope: FastifyInstance, deps: SessionRouteDeps) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const publicOrigin = new URL(deps.publicUrl).origin;
  const cookie = sessionCookieSetter(
    SESSION_COOKIE,
    'first-party (Spoor host)',
    deps.publicUrl.startsWith('https:'),
  );
  const perAccount = new WindowCounter(deps.attemptsPerAccount, SIGN_IN_WINDOW_MS);
  const perAddress = new WindowCounter(deps.attemptsPerAddress, SIGN_IN_WINDOW_MS);

  app.post(
    '/api/session',
    {
      schema: {
        operationId: 'signIn',
        tags: ['accounts'],
        summary: 'Sign in with email and password.',
        description:
          'Opens a session and sets the `spoor_session` cookie (HttpOnly, SameSite=Strict, Secure when the public URL is https; a browser-session cookie). The session gets a new id at every sign-in. Wrong email and wrong password get the same answer. Failed attempts are limited per account and per client address (SPOOR_SIGN_IN_ATTEMPTS_PER_ACCOUNT, …_PER_ADDRESS per 15 minutes); past the limit every attempt gets 429.',
        body: Credentials,
        response: {
          200: SessionSchema,
          ...errors(
            [401, 'The email or the password is wrong (the same answer for both).'],
            [403, 'The account is disabled, or the request comes from another site.'],
            429,
            503,
          ),
        },
      },
    },
    async (request, reply) => {
      const refusal = signInOriginRefusal(headerOf(request, 'origin'), ownOrigins(request, publicOrigin));
      if (refusal) throw new AppError('forbidden', refusal);
      // Failed attempts are counted (a person who signs in often is not slowed down); past the limit
      // even the right password waits, so guessing gets no faster by being lucky at the end.
      const address = request.ip ?? '';
      const account = emailKey(request.body.email);
      if (!perAddress.hasRoom(address))
        throw rateLimited(reply, perAddress.secondsLeft(), 'failed sign-ins from this address');
      if (!perAccount.hasRoom(account))
        throw rateLimited(reply, perAccount.secondsLeft(), 'failed sign-ins for this account');
      const signedIn = await signIn(deps.db, request.body, deps.timeouts, {
        previousSessionId: readCookie(headerOf(request, 'cookie'), SESSION_COOKIE),
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'unauthorized') {
          perAddress.allow(address);
          perAccount.allow(account);
        }
        throw error;
      });
      await recordAudit(deps.db, {
        actor: { kind: 'user', id: signedIn.user.id, label: signedIn.user.email },
        action: 'signIn',
        targetId: signedIn.user.id,
        outcome: 'ok',
        status: 200,
      });
      reply.header('set-cookie', cookie.set(signedIn.sessionId)).header('cache-control', 'no-store');
      return describeSession(signedIn);
    },
  );
}

/** The signed-in user's own session (mounted with ownSessionArea inside adminApi). */
export function ownSessionRoutes(scope: FastifyInstance, deps: Pick<SessionRouteDeps, 'db' | 'publicUrl'>) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const cookie = sessionCookieSetter(
    SESSION_COOKIE,
    'first-party (Spoor host)',
    deps.publicUrl.startsWith('https:'),
  );

  app.get(
    '/api/session',
    {
      schema: {
        operationId: 'getSession',
        tags: ['accounts'],
        summary: 'The signed-in user, the CSRF token and what the role may do.',
        description: 'Answers 401 when the session cookie is missing, unknown or ended.',
        response: { 200: SessionSchema, ...errors(503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return describeSession(sessionOf(request));
    },
  );

  app.delete(
    '/api/session',
    {
      schema: {
        operationId: 'signOut',
        tags: ['accounts'],
        summary: 'Sign out (this session).',
        description: 'Ends the session and deletes the cookie. Needs the X-CSRF-Token header.',
        response: { 204: noContent('Signed out.'), ...errors(503) },
      },
    },
    async (request, reply) => {
      await signOut(deps.db, sessionOf(request));
      return reply.code(204).header('set-cookie', cookie.clear()).send();
    },
  );

  app.delete(
    '/api/sessions',
    {
      schema: {
        operationId: 'signOutEverywhere',
        tags: ['accounts'],
        summary: 'Sign out everywhere (every session of the signed-in user, on every device).',
        description:
          'Ends every session of this user and deletes this cookie. Needs the X-CSRF-Token header.',
        response: { 204: noContent('Signed out everywhere.'), ...errors(503) },
      },
    },
    async (request, reply) => {
      await signOutEverywhere(deps.db, sessionOf(request).user.id);
      return reply.code(204).header('set-cookie', cookie.clear()).send();
    },
  );
}

function sessionOf(request: FastifyRequest): ActiveSession {
  const principal = request.principal;
  if (principal?.kind !== 'user') throw new AppError('unauthorized', 'Sign in first (POST /api/session).');
  return principal.session;
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
