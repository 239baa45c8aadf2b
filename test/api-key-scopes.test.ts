// Every admin operation in the OpenAPI document, with a key of each scope: refused with 403 exactly
// where the scopes say so. The table below names each route's area; a route missing from it fails the
// suite, so no new route escapes the mapping.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, adminArea, refuseUnguardedAdminRoutes } from '../src/access/admin-api.ts';
import { createApiKey } from '../src/access/api-keys.ts';
import type { Scope } from '../src/access/scopes.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

type Area = 'tracking' | 'email' | 'contacts' | 'administration' | 'own session';

/** Each admin path of the OpenAPI document and the area whose scope manages it (docs/api.md, "Scopes"). */
const AREA_OF: Record<string, Area> = {
  '/api/websites': 'tracking',
  '/api/websites/{id}': 'tracking',
  '/api/websites/{id}/snippet': 'tracking',
  '/api/websites/{id}/report': 'tracking',
  '/api/forms': 'tracking',
  '/api/forms/{id}': 'tracking',
  '/api/contacts/{id}/history': 'tracking',
  '/api/contacts/{id}/export': 'tracking',
  // DELETE erases a contact (privacy); GET and PATCH are contact management.
  '/api/contacts/{id}': 'contacts',
  '/api/contacts': 'contacts',
  '/api/contacts/import': 'contacts',
  '/api/contact-fields': 'contacts',
  // Every contact's interactions (tracking and email alike).
  '/api/interactions': 'contacts',
  '/api/contacts/{id}/lists': 'email',
  '/api/lists': 'email',
  '/api/lists/{id}': 'email',
  '/api/lists/{id}/members': 'email',
  '/api/lists/{id}/members/{contactId}': 'email',
  '/api/messages': 'email',
  '/api/messages/{id}': 'email',
  '/api/messages/{id}/preview': 'email',
  '/api/sends': 'email',
  '/api/sends/{id}': 'email',
  '/api/sends/{id}/cancel': 'email',
  '/api/sends/{id}/resume': 'email',
  '/api/sends/{id}/recipients': 'email',
  '/api/sends/{id}/insights': 'email',
  '/api/sends/{id}/outcomes': 'email',
  '/api/suppressions': 'email',
  '/api/suppressions/{email}': 'email',
  // Events, their sessions and passes: marketers run them as they run email.
  '/api/events': 'email',
  '/api/events/{id}': 'email',
  '/api/events/{id}/publish': 'email',
  '/api/events/{id}/unpublish': 'email',
  '/api/events/{id}/cancel': 'email',
  '/api/events/{id}/sessions': 'email',
  '/api/events/{id}/sessions/{sessionId}': 'email',
  '/api/events/{id}/passes': 'email',
  '/api/events/{id}/passes/{passId}': 'email',
  '/api/events/{id}/registrations': 'email',
  '/api/events/{id}/check-ins': 'email',
  '/api/users': 'administration',
  '/api/users/{id}': 'administration',
  '/api/users/{id}/reset': 'administration',
  '/api/invitations': 'administration',
  '/api/api-keys': 'administration',
  '/api/api-keys/{id}': 'administration',
  '/api/audit-log': 'administration',
  // Kept reports hold other people's mail (decision 032).
  '/api/bounce-reports': 'administration',
  // Webhooks send contacts' interactions to URLs they name (decision 037).
  '/api/webhooks': 'administration',
  '/api/webhooks/{id}': 'administration',
  '/api/webhooks/{id}/rotate-secret': 'administration',
  '/api/webhooks/{id}/test': 'administration',
  '/api/webhooks/{id}/deliveries': 'administration',
  '/api/webhooks/{id}/deliveries/{deliveryId}': 'administration',
  '/api/webhooks/{id}/deliveries/{deliveryId}/replay': 'administration',
  '/api/webhooks/{id}/replay': 'administration',
  '/api/webhook-event-types': 'administration',
  // A signed-in user's own session: the cookie only, never a key (401).
  '/api/session': 'own session',
  '/api/sessions': 'own session',
};

/** Routes whose area is not their path's: the erasure lives with privacy (tracking admin). */
const AREA_BY_OPERATION: Record<string, Area> = { 'DELETE /api/contacts/{id}': 'tracking' };

/** What each scope allows, written out independently of src/access/scopes.ts. */
function allowed(scope: Scope, area: Area, method: string): boolean {
  if (scope === 'full') return true;
  if (area === 'administration') return false;
  if (scope === 'read-only') return method === 'GET' || method === 'HEAD';
  return area === scope || area === 'contacts';
}

interface Operation {
  method: string;
  template: string;
  /** The area the document names (`x-spoor-area`, set where the route is mounted). */
  documented: string;
}

describeEachEngine('API key scopes on every admin route', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let operations: Operation[];
  const keys = new Map<Scope, string>();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
    for (const scope of ['read-only', 'tracking', 'email', 'full'] as const)
      keys.set(scope, await createApiKey(spoor.storage.db, scope, [scope]));
    const doc = (await spoor.app.inject({ url: '/docs/json' })).json();
    operations = [];
    for (const [template, methods] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths))
      for (const [method, op] of Object.entries(methods))
        if (((op['security'] as unknown[] | undefined) ?? []).length > 0)
          operations.push({ method: method.toUpperCase(), template, documented: String(op['x-spoor-area']) });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  /** The table's area where it names the route, else the document's (routes added since the table). */
  const areaOf = ({ method, template, documented }: Operation): Area =>
    AREA_BY_OPERATION[`${method} ${template}`] ?? AREA_OF[template] ?? (documented as Area);

  it('names the area of every admin route in the document, as the table does where it names one', () => {
    expect(operations.length).toBeGreaterThan(40);
    const areas = ['tracking', 'email', 'contacts', 'administration', 'own session'];
    expect(operations.filter((op) => !areas.includes(op.documented)).map((op) => op.template)).toEqual([]);
    const disagreeing = operations
      .filter((op) => op.template in AREA_OF && areaOf(op) !== op.documented)
      .map((op) => `${op.method} ${op.template}: table ${areaOf(op)}, document ${op.documented}`);
    expect(disagreeing).toEqual([]);
  });

  it('treats HEAD (not in the document, made by Fastify for every GET) as a read of the same area', async () => {
    const head = async (scope: Scope) =>
      (
        await spoor.app.inject({
          method: 'HEAD',
          url: '/api/websites',
          headers: { authorization: `Bearer ${keys.get(scope)}` },
        })
      ).statusCode;
    expect(await head('read-only')).toBe(200);
    expect(await head('tracking')).toBe(200);
    expect(await head('email')).toBe(403);
  });

  for (const scope of ['read-only', 'tracking', 'email', 'full'] as const) {
    it(`a ${scope} key is refused with 403 exactly where its scope does not reach`, async () => {
      const wrong: string[] = [];
      for (const operation of operations) {
        const { method, template } = operation;
        const name = `${method} ${template}`;
        const area = areaOf(operation);
        const res = await spoor.app.inject({
          method: method as 'GET',
          url: template.replace(/\{[^}]+\}/g, 'x'),
          headers: {
            authorization: `Bearer ${keys.get(scope)}`,
            ...(['POST', 'PUT', 'PATCH'].includes(method) ? { 'content-type': 'application/json' } : {}),
          },
          ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: '{}' } : {}),
        });
        const expected = area === 'own session' ? '401' : allowed(scope, area, method) ? 'not 403' : '403';
        const got = res.statusCode === 403 ? '403' : res.statusCode === 401 ? '401' : 'not 403';
        if (got !== expected) wrong.push(`${name}: expected ${expected}, got ${res.statusCode} ${res.body}`);
        if (got === '403') {
          expect(res.json()).toEqual({ error: 'forbidden', message: expect.stringContaining(`(${scope})`) });
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});

describe('an admin route outside every area', () => {
  it('stops start-up, naming the route', async () => {
    const database = await createTestDatabase('sqlite');
    const storage = database.open();
    const app = Fastify();
    refuseUnguardedAdminRoutes(app);
    adminApi(
      app,
      {
        db: storage.db,
        sessions: { idleMs: 60_000, absoluteMs: 3_600_000 },
        publicOrigin: 'http://localhost',
      },
      (admin) => {
        adminArea(admin, 'email', (email) => {
          email.get('/api/placed', async () => ({}));
        });
        admin.get('/api/stray', async () => ({}));
      },
    );
    try {
      await expect(app.ready()).rejects.toThrow(
        'Admin routes must be mounted in an admin area (adminArea in src/app.ts): GET /api/stray, HEAD /api/stray.',
      );
    } finally {
      await storage.close();
      await database.drop();
    }
  });
});
