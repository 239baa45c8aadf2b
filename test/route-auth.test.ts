// Every admin route needs a key under every spelling of its path, and the OpenAPI document says exactly
// which routes need one: it is read here and checked against what the server does over real HTTP.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { pathSpellings } from './helpers/path-spellings.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

interface Operation {
  method: string;
  template: string;
  needsKey: boolean;
}

interface Answer {
  status: number;
  body: string;
}

describeEachEngine('route authentication', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let operations: Operation[];
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 1_000_000, formRateLimit: 1_000_000 });
    await spoor.app.listen({ port: 0, host: '127.0.0.1' });
    port = (spoor.app.server.address() as AddressInfo).port;
    const doc = (await spoor.app.inject({ url: '/docs/json' })).json();
    operations = [];
    for (const [template, methods] of Object.entries<Record<string, { security?: unknown[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const security = op.security ?? doc.security ?? [];
        operations.push({ method: method.toUpperCase(), template, needsKey: security.length > 0 });
      }
    }
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  /** A raw request target, sent exactly as written (no URL normalisation on the way). */
  function send(method: string, target: string, headers: Record<string, string> = {}): Promise<Answer> {
    const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
    return new Promise((resolve) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: target,
          // A connection per request: the server closes one after a target it cannot parse.
          agent: false,
          headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      // The server closed the connection (a target Node cannot parse): status 0, never a route's answer.
      request.on('error', (error) => resolve({ status: 0, body: `${target}: ${error.message}` }));
      request.end(body);
    });
  }

  /** The concrete path of a template and which of its characters come from the pattern. */
  function concrete(template: string): { path: string; literal: boolean[] } {
    let path = '';
    const literal: boolean[] = [];
    for (const part of template.split(/(\{[^}]+\})/)) {
      const isParam = part.startsWith('{');
      const text = isParam ? 'x1' : part;
      path += text;
      for (const _ of text) literal.push(!isParam);
    }
    return { path, literal };
  }

  async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (let i = 0; i < items.length; i += size)
      results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
    return results;
  }

  /**
   * Never reached a route: the router found none, Fastify could not decode the URL, Node could not parse
   * it, or the input check refused a NUL (%00) before routing (src/http/request-input.ts).
   */
  const refusedByRouter = (answer: Answer) =>
    (answer.status === 404 && answer.body.includes('"Nothing here: ')) ||
    (answer.status === 400 && answer.body.includes('"Invalid request: ')) ||
    (answer.status === 400 && answer.body.includes('"Client Error"')) ||
    (answer.status === 400 && answer.body.includes('"The request holds a NUL character'));

  /** The /api routes public on purpose (publicApi in src/access/admin-api.ts): signing in. */
  const PUBLIC_API = new Set(['POST /api/session']);

  it('the document marks every /api route, and only those, as needing a key or a session', () => {
    expect(operations.length).toBeGreaterThan(40);
    for (const op of operations) {
      const name = `${op.method} ${op.template}`;
      expect({ op: name, needsKey: op.needsKey }).toEqual({
        op: name,
        needsKey: op.template.startsWith('/api/') && !PUBLIC_API.has(name),
      });
    }
  });

  it('answers 401 to every route that needs a key, without a key or with a wrong one, in every spelling', {
    timeout: 180_000,
  }, async () => {
    const wrongKeys: Record<string, Record<string, string>> = {
      'wrong bearer key': { authorization: 'Bearer spk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      'malformed bearer key': { authorization: 'Bearer nonsense' },
      'wrong x-api-key': { 'x-api-key': 'spk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    };
    const failures: string[] = [];
    let accepted = 0;
    const check = (label: string, answer: Answer, mustReachRoute: boolean) => {
      if (answer.status === 401 && answer.body.includes('"unauthorized"')) accepted += 1;
      else if (mustReachRoute || !refusedByRouter(answer))
        failures.push(`${label}: ${answer.status} ${answer.body.slice(0, 120)}`);
    };
    for (const op of operations.filter((o) => o.needsKey)) {
      const { path, literal } = concrete(op.template);
      // The class the probe found: one percent-encoded letter, which the router decodes, so it must
      // reach the route and its key check.
      const oneLetter = [...path].flatMap((char, i) =>
        literal[i] && char !== '/'
          ? [char.charCodeAt(0).toString(16), char.charCodeAt(0).toString(16).toUpperCase()].map(
              (code) => `${path.slice(0, i)}%${code}${path.slice(i + 1)}`,
            )
          : [],
      );
      const cases = [
        ...[path, ...oneLetter].map((target) => ({ target, mustReachRoute: true, headers: {} })),
        ...pathSpellings(path, (i) => literal[i] ?? false).map((target) => ({
          target,
          mustReachRoute: false,
          headers: {},
        })),
        ...Object.entries(wrongKeys).flatMap(([name, headers]) =>
          [path, oneLetter[0] as string].map((target) => ({
            target,
            mustReachRoute: true,
            headers,
            name,
          })),
        ),
      ];
      const methods = op.method === 'GET' ? ['GET', 'HEAD'] : [op.method];
      await inBatches(
        cases.flatMap((c) => methods.map((method) => ({ ...c, method }))),
        16,
        async (c) => {
          const answer = await send(c.method, c.target, c.headers);
          const label = `${c.method} ${c.target}${'name' in c ? ` (${c.name})` : ''}`;
          // A HEAD answer has no body to tell the router's 404 from a route's: only the key check counts.
          if (c.method === 'HEAD') {
            if (c.mustReachRoute && answer.status !== 401) failures.push(`${label}: ${answer.status}`);
            if (answer.status >= 200 && answer.status < 400) failures.push(`${label}: ${answer.status}`);
            if (answer.status >= 500) failures.push(`${label}: ${answer.status}`);
          } else check(label, answer, c.mustReachRoute);
        },
      );
    }
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(1000);
  });

  it('answers every route the document marks as public without a key', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => !o.needsKey)) {
      const answer = await send(op.method, concrete(op.template).path);
      if (answer.status === 401) failures.push(`${op.method} ${op.template}: ${answer.body}`);
    }
    expect(operations.some((o) => !o.needsKey)).toBe(true);
    expect(failures).toEqual([]);
  });

  it('the key still opens every spelling the router accepts', async () => {
    const answer = await send('GET', '/%61pi/contacts', spoor.auth);
    expect(answer.status).toBe(200);
  });
});

describeEachEngine('admin routes outside the admin scope', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database.drop());

  it('refuse to start: no /api route is public by accident', async () => {
    const storage = database.open();
    const { app } = await buildApp({ config: loadConfig({ SPOOR_DEMO: 'false' }), storage });
    app.get('/api/oops', async () => ({ everything: true }));
    app.get('/API/Oops', async () => ({ everything: true }));
    await expect(app.ready()).rejects.toThrow(/GET \/api\/oops.*GET \/API\/Oops/);
    await app.close().catch(() => {});
    await storage.close();
  });
});
