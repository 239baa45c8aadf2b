// Contacts API: create, validate, change, search, page, custom fields — on SQLite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createContact, createContactField, createForm, EMAIL_FIELD } from './support/factories.ts';

describeEachEngine('contacts API', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
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

  it('creates a contact with a normalised email and reads it back', async () => {
    const res = await api('POST', '/api/contacts', {
      email: '  Ada.Lovelace@Example.COM ',
      firstName: ' Ada ',
      lastName: 'Lovelace',
    });
    expect(res.statusCode).toBe(201);
    const contact = res.json();
    expect(contact).toMatchObject({
      email: 'Ada.Lovelace@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: null,
      custom: {},
    });
    expect(contact.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await api('GET', `/api/contacts/${contact.id}`)).json()).toEqual(contact);
  });

  it('refuses invalid values with a message per field and stores nothing', async () => {
    const before = (await api('GET', '/api/contacts?limit=500')).json().contacts.length;
    const res = await api('POST', '/api/contacts', {
      email: 'not-an-email',
      phone: 'call me maybe',
      custom: { nope: 1 },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.details.fields).toEqual({
      email: 'is not a valid email address',
      phone: 'is not a phone number',
      nope: 'is not a contact field (define it under /api/contact-fields first)',
    });
    expect((await api('GET', '/api/contacts?limit=500')).json().contacts.length).toBe(before);
    expect((await api('POST', '/api/contacts', { firstName: ['not', 'text'] })).statusCode).toBe(400);
    expect((await api('GET', '/api/contacts/unknown-id')).statusCode).toBe(404);
  });

  it('defines typed custom fields and converts values to their type', async () => {
    expect(
      (await api('POST', '/api/contact-fields', { key: 'employees', label: 'Employees', type: 'number' }))
        .statusCode,
    ).toBe(201);
    expect(
      (await api('POST', '/api/contact-fields', { key: 'newsletter', label: 'Newsletter', type: 'boolean' }))
        .statusCode,
    ).toBe(201);
    expect(
      (await api('POST', '/api/contact-fields', { key: 'employees', label: 'Again', type: 'text' }))
        .statusCode,
    ).toBe(409);
    expect(
      (await api('POST', '/api/contact-fields', { key: 'email', label: 'Email', type: 'text' })).statusCode,
    ).toBe(409);
    expect(
      (await api('POST', '/api/contact-fields', { key: 'Bad Key', label: 'x', type: 'text' })).statusCode,
    ).toBe(400);
    const created = await api('POST', '/api/contacts', {
      email: 'grace@example.com',
      custom: { employees: '250', newsletter: 'yes' },
    });
    expect(created.json().custom).toEqual({ employees: 250, newsletter: true });
    const bad = await api('POST', '/api/contacts', { email: 'x@example.com', custom: { employees: 'many' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.fields).toEqual({ employees: 'must be a number' });
  });

  it('changes only the fields given; null clears one', async () => {
    const contact = (
      await api('POST', '/api/contacts', { email: 'linus@example.com', firstName: 'Linus', company: 'OSDL' })
    ).json();
    const changed = await api('PATCH', `/api/contacts/${contact.id}`, {
      company: null,
      jobTitle: 'Maintainer',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      email: 'linus@example.com',
      firstName: 'Linus',
      company: null,
      jobTitle: 'Maintainer',
    });
  });

  it('edits a contact: standard and custom values, a message per invalid field, recorded in the audit log', async () => {
    await createContactField(spoor, { key: 'seats', label: 'Seats', type: 'number' });
    const id = await createContact(spoor, { email: 'edit-me@example.com', firstName: 'Edith' });
    const refused = await api('PATCH', `/api/contacts/${id}`, {
      firstName: 'E'.repeat(101),
      email: 'nope',
      custom: { seats: 'lots', unknown_key: 1 },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details.fields).toEqual({
      firstName: 'must be at most 100 characters',
      email: 'is not a valid email address',
      seats: 'must be a number',
      unknown_key: 'is not a contact field (define it under /api/contact-fields first)',
    });
    expect((await api('GET', `/api/contacts/${id}`)).json()).toMatchObject({
      firstName: 'Edith',
      custom: {},
    });

    const changed = await api('PATCH', `/api/contacts/${id}`, {
      firstName: 'Edie',
      company: 'Edits Ltd',
      custom: { seats: '12' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await api('GET', `/api/contacts/${id}`)).json()).toMatchObject({
      email: 'edit-me@example.com',
      firstName: 'Edie',
      company: 'Edits Ltd',
      custom: { seats: 12 },
    });
    const audit = (await api('GET', '/api/audit-log?limit=20')).json().entries;
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'changeContact', targetId: id, outcome: 'ok' }),
    );
  });

  it('renames a custom field and removes it with every value, unless a form uses it', async () => {
    await createContactField(spoor, { key: 'tier', label: 'Tier', type: 'text' });
    const holders = [
      await createContact(spoor, { email: 'tier1@example.com', custom: { tier: 'gold' } }),
      await createContact(spoor, { email: 'tier2@example.com', custom: { tier: 'silver', seats: 3 } }),
    ];
    const renamed = await api('PATCH', '/api/contact-fields/tier', { label: ' Price tier ' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toEqual({ key: 'tier', label: 'Price tier', type: 'text' });
    expect((await api('GET', '/api/contact-fields')).json().fields).toContainEqual(renamed.json());
    expect((await api('PATCH', '/api/contact-fields/tier', { label: '  ' })).statusCode).toBe(422);
    expect((await api('PATCH', '/api/contact-fields/no_such', { label: 'x' })).statusCode).toBe(404);

    const formId = await createForm(spoor, {
      name: 'Tier form',
      fields: [EMAIL_FIELD, { key: 'tier', type: 'text', label: 'Tier' }],
    });
    const used = await api('DELETE', '/api/contact-fields/tier');
    expect(used.statusCode).toBe(409);
    expect(used.json().message).toContain('"Tier form"');
    expect(used.json().details.forms).toEqual([{ id: formId, name: 'Tier form' }]);
    await spoor.app.inject({
      method: 'PUT',
      url: `/api/forms/${formId}`,
      headers: spoor.auth,
      payload: { name: 'Tier form', fields: [EMAIL_FIELD] },
    });

    const removed = await api('DELETE', '/api/contact-fields/tier');
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({ clearedContacts: 2 });
    expect(
      (await api('GET', '/api/contact-fields')).json().fields.map((f: { key: string }) => f.key),
    ).not.toContain('tier');
    expect((await api('GET', `/api/contacts/${holders[0]}`)).json().custom).toEqual({});
    expect((await api('GET', `/api/contacts/${holders[1]}`)).json().custom).toEqual({ seats: 3 });
    // Defined again, the key starts empty: no old value comes back under a new meaning.
    await createContactField(spoor, { key: 'tier', label: 'Tier', type: 'number' });
    expect((await api('GET', `/api/contacts/${holders[0]}`)).json().custom).toEqual({});
    expect((await api('DELETE', '/api/contact-fields/no_such')).statusCode).toBe(404);
    const audit = (await api('GET', '/api/audit-log?limit=50')).json().entries;
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'deleteContactField', targetId: 'tier', outcome: 'ok' }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'changeContactField', targetId: 'tier', outcome: 'ok' }),
    );
  });

  it('searches by email, name or company and pages with a cursor', async () => {
    for (let i = 0; i < 7; i++) {
      await api('POST', '/api/contacts', { email: `pager${i}@paging.example`, company: 'Paging Ltd' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/contacts?q=paging&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api('GET', url)).json();
      seen.push(...page.contacts.map((c: { email: string }) => c.email));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `pager${i}@paging.example`));
    expect(
      (await api('GET', '/api/contacts?q=LOVELACE'))
        .json()
        .contacts.map((c: { lastName: string }) => c.lastName),
    ).toEqual(['Lovelace']);
    expect((await api('GET', '/api/contacts?q=100%25')).json().contacts).toEqual([]);
    expect((await api('GET', '/api/contacts?cursor=garbage')).statusCode).toBe(400);
  });
  it('keeps email permissions: tracking choice (null = install default) and do-not-email', async () => {
    const plain = await api('POST', '/api/contacts', { email: 'perm-default@example.com' });
    expect(plain.json()).toMatchObject({ emailTracking: null, doNotEmail: false });

    const chosen = await api('POST', '/api/contacts', {
      email: 'perm-chosen@example.com',
      emailTracking: false,
      doNotEmail: true,
    });
    expect(chosen.statusCode, chosen.body).toBe(201);
    const id = chosen.json().id;
    expect(chosen.json()).toMatchObject({ emailTracking: false, doNotEmail: true });
    const stored = await spoor.storage.db
      .selectFrom('contacts')
      .select(['email_tracking', 'do_not_email'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect({ tracking: stored.email_tracking, dne: Number(stored.do_not_email) }).toEqual({
      tracking: 0,
      dne: 1,
    });

    // Other changes leave them alone; each can be set and cleared on its own.
    expect((await api('PATCH', `/api/contacts/${id}`, { company: 'Acme' })).json()).toMatchObject({
      company: 'Acme',
      emailTracking: false,
      doNotEmail: true,
    });
    expect((await api('PATCH', `/api/contacts/${id}`, { emailTracking: true })).json()).toMatchObject({
      emailTracking: true,
      doNotEmail: true,
    });
    expect(
      (await api('PATCH', `/api/contacts/${id}`, { emailTracking: null, doNotEmail: false })).json(),
    ).toMatchObject({ emailTracking: null, doNotEmail: false });

    const exported = await spoor.app.inject({ url: `/api/contacts/${id}/export`, headers: spoor.auth });
    expect(exported.json().contact).toMatchObject({ emailTracking: null, doNotEmail: false });

    for (const body of [
      { emailTracking: 'yes' },
      { emailTracking: 1 },
      { doNotEmail: null },
      { doNotEmail: 'true' },
    ]) {
      const res = await api('PATCH', `/api/contacts/${id}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await api('GET', `/api/contacts/${id}`)).json()).toMatchObject({
      emailTracking: null,
      doNotEmail: false,
    });
  });
});
