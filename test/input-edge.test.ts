// What every route refuses at the edge, on both engines alike: JSON nested past 32 levels, NUL in any text
// (path ids, query values, JSON and url-encoded bodies, stored headers), and body properties no schema names.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const SITE = 'https://shop.example';
const deep = (depth: number) => `{"email":"ann@shop.example","x":${'['.repeat(depth)}1${']'.repeat(depth)}}`;

describeEachEngine('input refused at the edge', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let formId: string;
  let contactId: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { formRateLimit: 10_000 });
    const api = async (url: string, payload: object) =>
      (await spoor.app.inject({ method: 'POST', url, headers: spoor.auth, payload })).json();
    const website = await api('/api/websites', { name: 'Shop', allowedOrigins: [SITE] });
    contactId = (await api('/api/contacts', { email: 'ann@shop.example' })).id;
    formId = (
      await api('/api/forms', {
        name: 'Contact us',
        websiteId: website.id,
        fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
        page: { slug: 'contact-us', title: 'Talk to us' },
      })
    ).id;
  });
  afterAll(async () => {
    await spoor?.close();
    await database?.drop();
  });

  const PEOPLE_FACING = /^\/(e|o|offers|events)\//;

  function expectRefusal(res: { statusCode: number; body: string }, words: string) {
    expect(res.statusCode, res.body).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining(words),
    });
  }

  it.each(['text/plain;charset=UTF-8', 'application/json'])(
    'refuses a form submission nested deeper than 32 levels (%s), and still takes a normal one',
    async (contentType) => {
      for (const depth of [40, 20_000]) {
        const res = await spoor.app.inject({
          method: 'POST',
          url: `/f/${formId}`,
          headers: { 'content-type': contentType, origin: SITE, 'user-agent': CHROME_UA },
          payload: deep(depth),
        });
        expectRefusal(res, 'The body nests deeper than 32 levels');
      }
      const ok = await spoor.app.inject({
        method: 'POST',
        url: `/f/${formId}`,
        headers: { 'content-type': contentType, origin: SITE, 'user-agent': CHROME_UA },
        payload: JSON.stringify({ email: 'ann@shop.example' }),
      });
      expect(ok.statusCode, ok.body).toBe(200);
    },
  );

  it('refuses NUL in a path id on every route that takes one', async () => {
    const document = (await spoor.app.inject({ method: 'GET', url: '/docs/json' })).json();
    let checked = 0;
    for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
      // The open pixels (a contact's, a forwarded copy's) answer their GIF to anything under their path:
      // their own test below.
      if (!path.includes('{') || /^\/e\/f?o\//.test(path)) continue;
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{\w+\}/g, 'a%00b');
        const res = await spoor.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          headers: spoor.auth,
        });
        // Email links, offer links and the event website are met by people: their refusals are pages
        // saying the same.
        if (PEOPLE_FACING.test(path)) {
          expect(res.statusCode, res.body).toBe(400);
          if (method !== 'head') expect(res.body).toContain('NUL character');
        } else expectRefusal(res, 'NUL character');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it.each([
    ['a query value', { method: 'GET', url: '/api/contacts?q=%00' }],
    [
      'a JSON body',
      { method: 'POST', url: '/api/contacts', payload: { email: 'a@shop.example', firstName: 'A\u0000' } },
    ],
    ['a JSON key', { method: 'PATCH', url: '/api/contacts/ID', payload: { custom: { 'a\u0000': 'x' } } }],
    ['a stored header', { method: 'GET', url: '/api/contacts', headers: { 'user-agent': 'Mozilla\u0000' } }],
  ])('refuses NUL in %s', async (_name, request) => {
    const res = await spoor.app.inject({
      ...(request as { method: 'GET'; url: string }),
      url: request.url.replace('ID', contactId),
      headers: { ...spoor.auth, ...(request as { headers?: object }).headers },
    });
    expectRefusal(res, 'NUL character');
  });

  it('leaves the open pixel alone: it answers its GIF to anything under its path', async () => {
    const res = await spoor.app.inject({ method: 'GET', url: '/e/o/a%00b.gif' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
  });

  it('refuses NUL in a hosted page form post', async () => {
    const res = await spoor.app.inject({
      method: 'POST',
      url: `/f/${formId}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': CHROME_UA },
      payload: 'email=ann%40shop.example&name=A%00',
    });
    expectRefusal(res, 'NUL character');
  });

  it('refuses a CSV row holding NUL and imports the others', async () => {
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/api/contacts/import',
      headers: { ...spoor.auth, 'content-type': 'text/csv' },
      payload: 'email,first_name\r\nbea@shop.example,Bea\r\ncy@shop.example,C\u0000y\r\n',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      created: 1,
      rejected: 1,
      errors: [{ row: 2, reason: 'the row holds a NUL character (U+0000)' }],
    });
  });

  it('leaves out body properties the schema does not name when it stores a custom field', async () => {
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/api/contact-fields',
      headers: spoor.auth,
      payload: { key: 'employees', label: 'Employees', type: 'number', extra: 1 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ key: 'employees', label: 'Employees', type: 'number' });
  });
});
