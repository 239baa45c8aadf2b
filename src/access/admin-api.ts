// The admin API's one door: routes mounted through adminApi carry the key check on the route itself (so
// no spelling of a URL can skip it) and declare it in the OpenAPI document; any other /api route stops startup.
// Each route also carries its admin area (adminArea), which the key's scopes are checked against.
import type { FastifyInstance, onRequestHookHandler, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, withResponses } from '../api-contract.ts';
import { AppError } from '../lib/errors.ts';
import type { Database } from '../storage/schema.ts';
import { apiKeyFromHeaders, authenticateApiKey } from './api-keys.ts';
import { type AdminArea, describeRefusal, scopesAllow } from './scopes.ts';

/** The OpenAPI security requirement of every admin route (the scheme is declared in app.ts). */
export const API_KEY_SECURITY = [{ apiKey: [] }];

/** Every key check adminApi has attached, to recognise guarded routes at startup. */
const keyChecks = new WeakSet<onRequestHookHandler>();

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Registers `mount`'s routes in an encapsulated scope whose onRoute hook puts the key check first in each
 * route's own onRequest hooks (a callback hook: no promise per request on top of the key lookup).
 */
export function adminApi(
  app: FastifyInstance,
  db: Kysely<Database>,
  mount: (admin: FastifyInstance) => void | Promise<void>,
): void {
  const requireApiKey: onRequestHookHandler = (request, _reply, done) => {
    authenticateApiKey(db, apiKeyFromHeaders(request.headers)).then(({ scopes }) => {
      const area = areaOf(request.routeOptions.config);
      if (scopesAllow(scopes, area, request.method)) done();
      else done(new AppError('forbidden', describeRefusal(scopes, area, request.method)));
    }, done);
  };
  keyChecks.add(requireApiKey);
  app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      route.onRequest = [requireApiKey, ...asArray(route.onRequest)];
      const schema = { ...route.schema, security: API_KEY_SECURITY };
      // Every admin route can refuse the key (401) or its scopes (403): said once here, not per route.
      route.schema = schema.response ? withResponses(schema, errors(401, 403)) : schema;
    });
    await mount(admin);
  });
}

/** The admin area a route was mounted in (adminArea), kept in its config. */
function areaOf(config: unknown): AdminArea | undefined {
  return (config as { adminArea?: AdminArea } | undefined)?.adminArea;
}

/**
 * Mounts `register`'s routes (inside adminApi's mount) as routes of one admin area: the area goes into
 * each route's own config, where the key check reads it. A route mounted outside any area stops startup.
 */
export function adminArea(
  admin: FastifyInstance,
  area: AdminArea,
  register: (scope: FastifyInstance) => void | Promise<void>,
): void {
  admin.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, adminArea: area } as typeof route.config;
    });
    await register(scope);
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
    const open = adminRoutes.filter((route) => !asArray(route.onRequest).some((hook) => keyChecks.has(hook)));
    const names = (routes: RouteOptions[]) =>
      routes.map((route) => `${route.method} ${route.url}`).join(', ');
    if (open.length > 0)
      return done(
        new Error(
          `Routes under /api must be mounted through adminApi (src/access/admin-api.ts): ${names(open)}.`,
        ),
      );
    const unplaced = adminRoutes.filter((route) => areaOf(route.config) === undefined);
    if (unplaced.length > 0)
      return done(
        new Error(
          `Admin routes must be mounted in an admin area (adminArea in src/app.ts): ${names(unplaced)}.`,
        ),
      );
    done();
  });
}
