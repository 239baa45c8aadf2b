// The admin API's one door: routes mounted through adminApi carry the access check on the route itself (so
// no spelling of a URL can skip it) and declare it in the OpenAPI document; any other /api route stops startup.
// A request is let in by an API key (Authorization: Bearer) or by the session cookie of a signed-in user
// (then every change must also pass the forgery check: Origin and X-CSRF-Token). Each route carries its
// admin area (adminArea), which the key's scopes or the user's role are checked against (scopes.ts).
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, withResponses } from '../api-contract.ts';
import { SESSION_COOKIE } from '../cookies/definitions.ts';
import { AppError } from '../lib/errors.ts';
import type { Database } from '../storage/schema.ts';
import { readCookie } from '../tracking/tracking-cookies.ts';
import { apiKeyFromHeaders, authenticateApiKey } from './api-keys.ts';
import { grantOf, type Principal } from './principal.ts';
import { type AdminArea, accessOf, describeRefusal, grantAllows } from './scopes.ts';
import { forgeryRefusal, type SessionTimeouts } from './sessions/session-rules.ts';
import { authenticateSession } from './sessions/sessions.ts';

/** The OpenAPI security requirement of every admin route: a key or the session cookie (either). */
export const ADMIN_SECURITY: Record<string, string[]>[] = [{ apiKey: [] }, { sessionCookie: [] }];
/** Routes about the signed-in user's own session: the cookie only. */
export const SESSION_SECURITY: Record<string, string[]>[] = [{ sessionCookie: [] }];
/** @deprecated name kept for callers written before sessions: the same requirement. */
export const API_KEY_SECURITY = ADMIN_SECURITY;

export interface AccessDeps {
  db: Kysely<Database>;
  sessions: SessionTimeouts;
  /** SPOOR_PUBLIC_URL's origin: the one origin a cookie-authenticated change may come from. */
  publicOrigin: string;
}

/** Every access check adminApi has attached (and every public /api route), to recognise them at startup. */
const accessChecks = new WeakSet<onRequestHookHandler>();

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

interface AdminRouteConfig {
  adminArea?: AdminArea;
  /** The route is about the caller's own session: any signed-in user, never an API key. */
  ownSession?: true;
}

function routeConfigOf(config: unknown): AdminRouteConfig {
  return (config as AdminRouteConfig | undefined) ?? {};
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The origins a browser request to Spoor's own pages carries: the public URL's, and the one this request
 * was addressed to (its Host; X-Forwarded-Host behind a trusted proxy) — the same server under another
 * name (an address on the LAN, a test server's port). A cross-site page can choose neither.
 */
export function ownOrigins(request: FastifyRequest, publicOrigin: string): string[] {
  return [publicOrigin, `${request.protocol}://${request.host}`];
}

/** The principal a request's key or cookie names; throws 401 (neither, or not valid) or 403 (forgery). */
export async function authenticate(request: FastifyRequest, deps: AccessDeps): Promise<Principal> {
  const key = apiKeyFromHeaders(request.headers);
  const cookie = readCookie(header(request, 'cookie'), SESSION_COOKIE);
  if (key !== undefined || cookie === null) {
    const found = await authenticateApiKey(deps.db, key);
    return { kind: 'apiKey', ...found };
  }
  const session = await authenticateSession(deps.db, cookie, deps.sessions);
  if (accessOf(request.method) === 'write') {
    const refusal = forgeryRefusal(
      {
        origin: header(request, 'origin'),
        secFetchSite: header(request, 'sec-fetch-site'),
        csrfHeader: header(request, 'x-csrf-token'),
      },
      ownOrigins(request, deps.publicOrigin),
      session.csrfToken,
    );
    if (refusal) throw new AppError('forbidden', refusal);
  }
  return { kind: 'user', session };
}

/** Whether the principal may use this route; throws 401/403 with a sentence otherwise. */
function authorise(principal: Principal, config: AdminRouteConfig, method: string): void {
  if (config.ownSession) {
    if (principal.kind !== 'user')
      throw new AppError(
        'unauthorized',
        'This endpoint is about a signed-in user: send the spoor_session cookie (POST /api/session signs in); an API key has no session.',
      );
    return;
  }
  const grant = grantOf(principal);
  if (!grantAllows(grant, config.adminArea, accessOf(method)))
    throw new AppError('forbidden', describeRefusal(grant, config.adminArea, method));
}

/**
 * Registers `mount`'s routes in an encapsulated scope whose onRoute hook puts the access check first in
 * each route's own onRequest hooks.
 */
export function adminApi(
  app: FastifyInstance,
  deps: AccessDeps,
  mount: (admin: FastifyInstance) => void | Promise<void>,
): void {
  // The principal is kept before the rights are checked: a refusal is recorded with who was refused.
  const requireAccess: onRequestHookHandler = (request, _reply, done) => {
    authenticate(request, deps).then((principal) => {
      request.principal = principal;
      try {
        authorise(principal, routeConfigOf(request.routeOptions.config), request.method);
      } catch (error) {
        return done(error as Error);
      }
      done();
    }, done);
  };
  accessChecks.add(requireAccess);
  app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      route.onRequest = [requireAccess, ...asArray(route.onRequest)];
      const schema = { ...route.schema, security: ADMIN_SECURITY };
      // Every admin route can refuse the caller (401) or its rights (403): said once here, not per route.
      route.schema = schema.response ? withResponses(schema, errors(401, 403)) : schema;
    });
    await mount(admin);
  });
}

/**
 * Mounts `register`'s routes (inside adminApi's mount) as routes of one admin area: the area goes into
 * each route's own config, where the access check reads it. A route mounted outside any area stops startup.
 */
export function adminArea(
  admin: FastifyInstance,
  area: AdminArea,
  register: (scope: FastifyInstance) => void | Promise<void>,
): void {
  withRouteConfig(admin, { adminArea: area }, register);
}

/** Mounts routes (inside adminApi's mount) about the caller's own session: any signed-in user, no key. */
export function ownSessionArea(
  admin: FastifyInstance,
  register: (scope: FastifyInstance) => void | Promise<void>,
): void {
  withRouteConfig(admin, { ownSession: true }, register);
}

function withRouteConfig(
  parent: FastifyInstance,
  extra: AdminRouteConfig,
  register: (scope: FastifyInstance) => void | Promise<void>,
): void {
  parent.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, ...extra } as typeof route.config;
      // The document names each route's area too, so clients (and the role tests) need no table of their own.
      // (This hook runs after adminApi's, which cannot know the route is an own-session one: said here.)
      if (route.schema)
        route.schema = {
          ...route.schema,
          'x-spoor-area': extra.adminArea ?? 'own session',
          ...(extra.ownSession ? { security: SESSION_SECURITY } : {}),
        } as typeof route.schema;
    });
    await register(scope);
  });
}

/**
 * Mounts routes under /api that anyone may call (signing in): said here, on purpose, so the startup check
 * still catches an /api route left public by accident.
 */
export function publicApi(
  app: FastifyInstance,
  mount: (scope: FastifyInstance) => void | Promise<void>,
): void {
  const openOnPurpose: onRequestHookHandler = (_request, _reply, done) => done();
  accessChecks.add(openOnPurpose);
  app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.onRequest = [openOnPurpose, ...asArray(route.onRequest)];
      route.config = { ...route.config, publicApi: true } as typeof route.config;
    });
    await mount(scope);
  });
}

/** Whether a route pattern is under /api in any letter case (the router is case-sensitive; the rule is not). */
export function isAdminPath(url: string): boolean {
  return /^\/api(?:[/;?]|$)/i.test(url);
}

/** Makes `ready()` fail when a route under /api was registered outside adminApi: none is public by accident. */
export function refuseUnguardedAdminRoutes(app: FastifyInstance): void {
  const adminRoutes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    if (isAdminPath(route.url)) adminRoutes.push(route);
  });
  app.addHook('onReady', (done) => {
    const open = adminRoutes.filter(
      (route) => !asArray(route.onRequest).some((hook) => accessChecks.has(hook)),
    );
    const names = (routes: RouteOptions[]) =>
      routes.map((route) => `${route.method} ${route.url}`).join(', ');
    if (open.length > 0)
      return done(
        new Error(
          `Routes under /api must be mounted through adminApi (src/access/admin-api.ts): ${names(open)}.`,
        ),
      );
    const unplaced = adminRoutes.filter((route) => {
      const config = routeConfigOf(route.config) as AdminRouteConfig & { publicApi?: true };
      return config.adminArea === undefined && !config.ownSession && !config.publicApi;
    });
    if (unplaced.length > 0)
      return done(
        new Error(
          `Admin routes must be mounted in an admin area (adminArea in src/app.ts): ${names(unplaced)}.`,
        ),
      );
    done();
  });
}
