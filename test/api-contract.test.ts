// The OpenAPI document at /docs/json is a contract a client can be generated from: Redocly's recommended
// rules find no error, and every operation is named, described, tagged and answers more than a default.
// (That real answers match it is checked on every app the suites build: test/helpers/response-contract.ts.)
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { ResponseContract } from './helpers/response-contract.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

/**
 * The open pixels (a contact's, a forwarded copy's) answer their GIF to everything (a mail client never
 * sees an error): no 4xx to document.
 */
const PIXEL_HAS_NO_4XX =
  /operation-4xx-response: Operation must have at least one `4XX` response\. at #\/paths\/~1e~1f?o~1\{token\}\/get/;
const PIXELS = new Set(['GET /e/o/{token}', 'GET /e/fo/{token}']);
/** An offer's links only redirect (every genuine answer is a 302, decision 030): no 2XX to document. */
const REDIRECT_ONLY = /operation-2xx-response: .* at #\/paths\/~1(o~1\{token\}|offers~1\{id\})\/(get|head)\//;
/**
 * Signing in by an event sign-in link and cancelling from the portal post, then redirect
 * (Post/Redirect/Get): their success is the 303.
 */
const PORTAL_POSTS_REDIRECT =
  /operation-2xx-response: Operation must have at least one `2XX` response\. at #\/paths\/~1events~1portal~1(sign-in~1link|cancel)\/post/;

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }>;
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown; examples?: unknown }> };
}

describeEachEngine('the API contract', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let document: {
    servers?: unknown[];
    tags?: { name: string }[];
    paths: Record<string, Record<string, Operation>>;
  };
  let operations: [string, Operation][];

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // A public URL as a real install has (a localhost server is a lint warning).
    spoor = await startSpoor(database, { publicUrl: 'https://track.spoor.test' });
    const res = await spoor.app.inject({ url: '/docs/json' });
    document = res.json();
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        op,
      ]),
    );
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  it("passes Redocly's recommended rules without an error or a warning", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: 'spoor-openapi.json',
      config,
    });
    const described = problems.map(
      (problem) =>
        `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location.map((l) => l.pointer).join(', ')}`,
    );
    if (described.length) console.warn(`[redocly] ${described.join('\n')}`);
    expect(described.filter((line) => line.startsWith('error'))).toEqual([]);
    expect(
      described.filter(
        (line) =>
          !PIXEL_HAS_NO_4XX.test(line) && !PORTAL_POSTS_REDIRECT.test(line) && !REDIRECT_ONLY.test(line),
      ),
    ).toEqual([]);
  });

  it('names, describes and tags every operation, with ids that are unique and camelCase', () => {
    expect(operations.length).toBeGreaterThan(50);
    const tags = new Set(document.tags?.map((tag) => tag.name));
    const ids = new Map<string, string>();
    const problems: string[] = [];
    for (const [name, op] of operations) {
      if (!op.operationId || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId))
        problems.push(`${name}: operationId ${op.operationId}`);
      else if (ids.has(op.operationId))
        problems.push(`${name}: operationId ${op.operationId} also on ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, name);
      if (!op.summary) problems.push(`${name}: no summary`);
      if (!op.description) problems.push(`${name}: no description`);
      if (!op.tags?.length || !op.tags.every((tag) => tags.has(tag)))
        problems.push(`${name}: tags ${op.tags}`);
    }
    expect(problems).toEqual([]);
    expect(document.servers?.length).toBeGreaterThan(0);
  });

  it('documents more than a default answer: success and errors, with examples on bodies', () => {
    const problems: string[] = [];
    for (const [name, op] of operations) {
      const statuses = Object.keys(op.responses);
      if (statuses.some((status) => !/^[1-5]\d\d$/.test(status))) problems.push(`${name}: ${statuses}`);
      if (!statuses.some((status) => status.startsWith('2') || status.startsWith('3')))
        problems.push(`${name}: no success status`);
      if (!statuses.some((status) => status.startsWith('4')) && !PIXELS.has(name))
        problems.push(`${name}: no 4xx`);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        if (type.endsWith('json') && media.example === undefined && media.examples === undefined)
          problems.push(`${name}: no example for its ${type} body`);
    }
    expect(problems).toEqual([]);
  });

  it('marks admin operations with the API key or the session, own-session ones with the session, public ones with nothing', () => {
    const expected = (name: string) =>
      name === 'POST /api/session'
        ? []
        : / \/api\/sessions?$/.test(name)
          ? ['sessionCookie']
          : name.includes(' /api/')
            ? ['apiKey', 'sessionCookie']
            : [];
    for (const [name, op] of operations) {
      const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect({ name, schemes }).toEqual({ name, schemes: expected(name) });
    }
  });
});

it('the response check fails on an undocumented status, an undocumented property and a wrong type', () => {
  const contract = new ResponseContract(() => ({}));
  const responses = {
    200: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    404: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } },
  };
  contract.check('GET /x', responses, 200, 'application/json', '{"id":"a"}');
  contract.check('GET /x', responses, 404, 'text/html; charset=utf-8', '<p>no</p>');
  expect(contract.violations).toEqual([]);
  contract.check('GET /x', responses, 409, 'application/json', '{}');
  contract.check('GET /x', responses, 200, 'application/json', '{"id":"a","secret":1}');
  contract.check('GET /x', responses, 200, 'application/json', '{"id":3}');
  contract.check('GET /x', responses, 404, 'application/json', '{}');
  expect(contract.violations).toHaveLength(4);
  expect(contract.violations.join('\n')).toMatch(/409, a status it does not document/);
  expect(contract.violations.join('\n')).toMatch(/must NOT have additional properties \("secret"\)/);
  expect(contract.violations.join('\n')).toMatch(/must be string/);
  expect(contract.violations.join('\n')).toMatch(/documented: text\/html/);
});
