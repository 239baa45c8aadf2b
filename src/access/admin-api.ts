// The admin API's one door: routes mounted through adminApi carry the key check on the route itself (so
// no spelling of a URL can skip it) and declare it in the OpenAPI document; any other /api route stops startup.
import type { FastifyInstance, onRequestHookHandler, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { apiKeyFromHeaders, authenticateApiKey } from './api-keys.ts';

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
    authenticateApiKey(db, apiKeyFromHeaders(request.headers)).then(() => done(), done);
  };
  keyChecks.add(requireApiKey);
  app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      route.onRequest = [requireApiKey, ...asArray(route.onRequest)];
      route.schema = { ...route.schema, security: API_KEY_SECURITY };
    });
    await mount(admin);
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
    if (open.length === 0) return done();
    const names = open.map((route) => `${route.method} ${route.url}`).join(', ');
    done(
      new Error(`Routes under /api must be mounted through adminApi (src/access/admin-api.ts): ${names}.`),
    );
  });
}
