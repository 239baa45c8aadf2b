// Email messages over HTTP on SQLite and PostgreSQL: create, change, read, list, delete; templates and
// addresses checked at save time; a preview rendered for a contact; bad input everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

describeEachEngine('messages API', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let contactId: string;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
    for (const field of [
      { key: 'plan', label: 'Plan', type: 'text' },
      { key: 'seats', label: 'Seats', type: 'number' },
    ]) {
      expect((await api('POST', '/api/contact-fields', field)).statusCode).toBe(201);
    }
    const contact = await api('POST', '/api/contacts', {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Babbage & <Sons>',
      jobTitle: 'Countess',
      country: 'GB',
      custom: { plan: 'pro', seats: 3 },
    });
    contactId = contact.json().id;
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    spoor.app.inject({
      method,
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const welcome = {
    name: 'Welcome',
    subject: 'Welcome, {{ contact.first_name }}!',
    html: '<html><body><h1>Hi {{ contact.first_name }}</h1><p>Your plan: {{ contact.plan }} ({{ contact.custom.seats }} seats) at {{ contact.company }}.</p><p><a href="https://www.example.com/start?a=1&amp;b=2">Start</a> or <a href="mailto:help@example.com">write</a>. <a href="{{ unsubscribe_url }}">Unsubscribe</a></p></body></html>',
  };

  async function create(overrides: Record<string, unknown> = {}) {
    const res = await api('POST', '/api/messages', { ...welcome, ...overrides });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  it('creates a message and reads it back; the listing leaves out the bodies', async () => {
    const message = await create({
      fromName: 'Acme News',
      fromEmail: ' News@ACME.example ',
      replyTo: 'help@acme.example',
    });
    expect(message).toMatchObject({
      ...welcome,
      text: null,
      fromName: 'Acme News',
      fromEmail: 'News@acme.example',
      replyTo: 'help@acme.example',
    });
    expect(message.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await api('GET', `/api/messages/${message.id}`)).json()).toEqual(message);
    const listed = (await api('GET', '/api/messages')).json().messages;
    const summary = listed.find((m: { id: string }) => m.id === message.id);
    expect(summary).toMatchObject({ name: 'Welcome', subject: welcome.subject, fromName: 'Acme News' });
    expect(summary).not.toHaveProperty('html');
    expect(summary).not.toHaveProperty('text');
  });

  it('changes only the fields given; null clears an optional one', async () => {
    const message = await create({ text: 'Hi {{ contact.first_name }}', fromName: 'Acme' });
    const changed = await api('PATCH', `/api/messages/${message.id}`, { subject: 'New subject', text: null });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      name: 'Welcome',
      subject: 'New subject',
      html: welcome.html,
      text: null,
      fromName: 'Acme',
    });
    expect(Date.parse(changed.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(message.updatedAt));
  });

  it('deletes a message', async () => {
    const message = await create();
    expect((await api('DELETE', `/api/messages/${message.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/messages/${message.id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/api/messages/${message.id}`)).statusCode).toBe(404);
  });

  it('refuses invalid Liquid with the Liquid error, on create and on change', async () => {
    const bad = await api('POST', '/api/messages', { ...welcome, html: '<p>{% if contact.email %}open' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toBe('unprocessable');
    expect(bad.json().message).toMatch(/^The HTML body is not a valid template: .*tag .*if.* not closed/);

    const message = await create();
    const badSubject = await api('PATCH', `/api/messages/${message.id}`, {
      subject: '{{ contact | shout }}',
    });
    expect(badSubject.statusCode).toBe(422);
    expect(badSubject.json().message).toMatch(/^The subject is not a valid template: .*shout/);
    const badText = await api('PATCH', `/api/messages/${message.id}`, { text: '{{ unclosed' });
    expect(badText.statusCode).toBe(422);
    expect(badText.json().message).toMatch(/^The text part is not a valid template/);
    const include = await api('PATCH', `/api/messages/${message.id}`, {
      html: "{% include 'package.json' %}",
    });
    expect(include.statusCode).toBe(422);
    // Nothing changed.
    expect((await api('GET', `/api/messages/${message.id}`)).json()).toEqual(message);
  });

  it('checks addresses and the sender name', async () => {
    const res = await api('POST', '/api/messages', {
      ...welcome,
      fromEmail: 'not an address',
      replyTo: 'also@bad',
      fromName: 'Acme\r\nBcc: victim@example.com',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields).toEqual({
      fromEmail: 'is not a valid email address',
      replyTo: 'is not a valid email address',
      fromName: 'must be one line of text',
    });
  });

  it('previews the message for a contact: merge fields, escaping, text part, links, nothing tracked', async () => {
    const message = await create();
    const res = await api('POST', `/api/messages/${message.id}/preview`, { contactId });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.subject).toBe('Welcome, Ada!');
    expect(preview.html).toBe(
      '<html><body><h1>Hi Ada</h1><p>Your plan: pro (3 seats) at Babbage &amp; &lt;Sons&gt;.</p><p><a href="https://www.example.com/start?a=1&amp;b=2">Start</a> or <a href="mailto:help@example.com">write</a>. <a href="#unsubscribe">Unsubscribe</a></p></body></html>',
    );
    expect(preview.text).toBe(
      'Hi Ada\n\nYour plan: pro (3 seats) at Babbage & <Sons>.\n\nStart [https://www.example.com/start?a=1&b=2] or write [help@example.com]. Unsubscribe [#unsubscribe]',
    );
    expect(preview.links).toEqual([{ position: 0, url: 'https://www.example.com/start?a=1&b=2' }]);
  });

  it('previews a hand-written text part, shared links keeping their positions', async () => {
    const message = await create({
      text: 'Hello {{ contact.first_name }} ({{ contact.company }}): https://www.example.com/start?a=1&b=2 and https://www.example.com/more.',
    });
    const preview = (await api('POST', `/api/messages/${message.id}/preview`, { contactId })).json();
    expect(preview.text).toBe(
      'Hello Ada (Babbage & <Sons>): https://www.example.com/start?a=1&b=2 and https://www.example.com/more.',
    );
    expect(preview.links).toEqual([
      { position: 0, url: 'https://www.example.com/start?a=1&b=2' },
      { position: 1, url: 'https://www.example.com/more' },
    ]);
  });

  it('a contact without values previews with blanks', async () => {
    const empty = (await api('POST', '/api/contacts', {})).json();
    const message = await create();
    const preview = (
      await api('POST', `/api/messages/${message.id}/preview`, { contactId: empty.id })
    ).json();
    expect(preview.subject).toBe('Welcome, !');
    expect(preview.html).toContain('<h1>Hi </h1><p>Your plan:  ( seats) at .</p>');
  });

  describe('bad input gets a clear 4xx', () => {
    it.each([
      ['POST', '/api/messages', {}, 400],
      ['POST', '/api/messages', { ...welcome, subject: '' }, 400],
      ['POST', '/api/messages', { ...welcome, subject: '   ' }, 422],
      ['POST', '/api/messages', { ...welcome, html: '' }, 400],
      ['POST', '/api/messages', { ...welcome, html: ' \n ' }, 422],
      ['POST', '/api/messages', { ...welcome, name: 7 }, 400],
      ['POST', '/api/messages', { ...welcome, text: 5 }, 400],
      ['POST', '/api/messages', { ...welcome, fromEmail: ['a@b.example'] }, 400],
      ['GET', '/api/messages/no-such-message', undefined, 404],
      ['PATCH', '/api/messages/no-such-message', { name: 'x' }, 404],
      ['DELETE', '/api/messages/no-such-message', undefined, 404],
      ['POST', '/api/messages/no-such-message/preview', { contactId: 'x' }, 404],
    ] as const)('%s %s → %i', async (method, url, payload, status) => {
      const res = await api(method, url, payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().message).toEqual(expect.any(String));
    });

    it('on an existing message', async () => {
      const message = await create();
      const cases: [string, 'POST' | 'PATCH', unknown, number][] = [
        [`/api/messages/${message.id}`, 'PATCH', { name: null }, 400],
        [`/api/messages/${message.id}`, 'PATCH', { html: null }, 400],
        [`/api/messages/${message.id}`, 'PATCH', { replyTo: 'nope' }, 422],
        [`/api/messages/${message.id}/preview`, 'POST', {}, 400],
        [`/api/messages/${message.id}/preview`, 'POST', { contactId: 42 }, 400],
        [`/api/messages/${message.id}/preview`, 'POST', { contactId: 'no-such-contact' }, 404],
      ];
      for (const [url, method, payload, status] of cases) {
        const res = await api(method, url, payload);
        expect(res.statusCode, `${method} ${url} ${res.body}`).toBe(status);
        expect(res.json().message).toEqual(expect.any(String));
      }
      const huge = await api('POST', '/api/messages', { ...welcome, html: 'x'.repeat(1_100_000) });
      expect(huge.statusCode).toBe(413);
    });

    it('a template that runs away is refused at save time', async () => {
      const res = await api('POST', '/api/messages', {
        ...welcome,
        html: '{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}',
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toMatch(/could not be rendered/);
    });
  });
});
