// Every admin operation in the OpenAPI document, signed in as each role (with the session cookie, the CSRF
// header and Spoor's own Origin): refused with 403 exactly where the role may not go. The routes come from
// the document and each one's area from its `x-spoor-area`, so a route added later is walked too. The
// expectations are written out here, independently of src/access/scopes.ts. (API keys: api-key-scopes.test.ts.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../src/access/scopes.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createUser, type SignedInSession, signInInject } from './support/accounts.ts';

const ORIGIN = 'https://spoor.test';
const PASSWORD = 'a long enough password';
const ROLES: Role[] = ['administrator', 'marketer', 'analyst'];

/** What each role may do, per area and method. */
function allowed(role: Role, area: string, method: string): boolean {
  const reads = method === 'GET' || method === 'HEAD';
  if (area === 'own session') return true;
  if (role === 'administrator') return true;
  if (area === 'administration') return false;
  return role === 'marketer' || reads;
}

interface Operation {
  method: string;
  template: string;
  area: string;
}

describeEachEngine('roles on every admin route', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let operations: Operation[];

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { publicUrl: ORIGIN });
    for (const role of ROLES)
      await createUser(spoor.storage.db, { email: `${role}@example.com`, password: PASSWORD, role });
    const doc = (await spoor.app.inject({ url: '/docs/json' })).json();
    operations = [];
    for (const [template, methods] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths))
      for (const [method, op] of Object.entries(methods))
        if (((op['security'] as unknown[] | undefined) ?? []).length > 0)
          operations.push({ method: method.toUpperCase(), template, area: String(op['x-spoor-area']) });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  it('names the area of every admin operation in the document', () => {
    expect(operations.length).toBeGreaterThan(40);
    const areas = new Set(['tracking', 'contacts', 'email', 'administration', 'own session']);
    expect(operations.filter((op) => !areas.has(op.area))).toEqual([]);
  });

  for (const role of ROLES) {
    it(`signed in as ${role}: refused with 403 exactly where the role does not reach`, async () => {
      const signIn = () => signInInject(spoor.app, `${role}@example.com`, PASSWORD, ORIGIN);
      let session: SignedInSession = await signIn();
      const wrong: string[] = [];
      let walked = 0;
      for (const { method, template, area } of operations) {
        for (const verb of method === 'GET' ? ['GET', 'HEAD'] : [method]) {
          const withBody = ['POST', 'PUT', 'PATCH'].includes(verb);
          const res = await spoor.app.inject({
            method: verb as 'GET',
            url: template.replace(/\{[^}]+\}/g, 'x'),
            headers: {
              ...session.headers(verb),
              ...(withBody ? { 'content-type': 'application/json' } : {}),
            },
            ...(withBody ? { payload: '{}' } : {}),
          });
          walked += 1;
          const expected = allowed(role, area, verb) ? 'allowed' : '403';
          const got = res.statusCode === 403 ? '403' : res.statusCode === 401 ? '401' : 'allowed';
          if (got !== expected)
            wrong.push(
              `${verb} ${template} (${area}): expected ${expected}, got ${res.statusCode} ${res.body}`,
            );
          // Signing out (here or everywhere) ends the session the walk goes on with.
          if (area === 'own session' && verb === 'DELETE') session = await signIn();
        }
      }
      expect(wrong).toEqual([]);
      expect(walked).toBeGreaterThan(60);
    });
  }
});
