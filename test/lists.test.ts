// Mailing lists over HTTP on SQLite and PostgreSQL: lists, bulk membership (an unsubscribe holds),
// member paging, a contact's memberships, deleting a list beside its sends, and bad input everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveMemberships, unsubscribeFromLists } from '../src/lists/store.ts';
import { sendRow } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

describeEachEngine('lists API', (engine) => {
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
  const db = () => spoor.storage.db;

  let emailCounter = 0;
  async function contacts(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      emailCounter += 1;
      const res = await api('POST', '/api/contacts', {
        email: `member${emailCounter}@lists.example`,
        firstName: `M${emailCounter}`,
      });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    return ids;
  }
  async function list(name = 'Newsletter', description?: string): Promise<string> {
    const res = await api('POST', '/api/lists', { name, ...(description ? { description } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  it('creates, reads, renames and lists lists with member counts', async () => {
    const created = await api('POST', '/api/lists', { name: '  Product news ', description: 'Monthly' });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      name: 'Product news',
      description: 'Monthly',
      members: { subscribed: 0, unsubscribed: 0 },
    });
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await api('GET', `/api/lists/${body.id}`)).json()).toEqual(body);

    const renamed = await api('PATCH', `/api/lists/${body.id}`, { name: 'Product updates' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Product updates', description: 'Monthly' });
    const cleared = await api('PATCH', `/api/lists/${body.id}`, { description: null });
    expect(cleared.json()).toMatchObject({ name: 'Product updates', description: null });

    const [a, b, c] = await contacts(3);
    await api('POST', `/api/lists/${body.id}/members`, { contactIds: [a, b, c] });
    await unsubscribeFromLists(db(), c!, [body.id], { sendId: null, now: Date.now() });
    const all = (await api('GET', '/api/lists')).json().lists;
    expect(all.find((l: { id: string }) => l.id === body.id).members).toEqual({
      subscribed: 2,
      unsubscribed: 1,
    });
  });

  it('adds members in bulk and keeps an earlier unsubscribe unless asked to resubscribe', async () => {
    const listId = await list();
    const [a, b, c, d] = await contacts(4);
    const first = await api('POST', `/api/lists/${listId}/members`, { contactIds: [a, b, a] });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ added: 2, already: 0, keptUnsubscribed: 0, resubscribed: 0 });

    await unsubscribeFromLists(db(), b!, [listId], { sendId: null, now: Date.now() });
    const second = await api('POST', `/api/lists/${listId}/members`, { contactIds: [a, b, c] });
    expect(second.json()).toEqual({ added: 1, already: 1, keptUnsubscribed: 1, resubscribed: 0 });
    const bMembership = (await api('GET', `/api/contacts/${b}/lists`)).json().lists;
    expect(bMembership).toMatchObject([{ listId, status: 'unsubscribed', source: 'api' }]);

    const third = await api('POST', `/api/lists/${listId}/members`, {
      contactIds: [b, c, d],
      resubscribe: true,
    });
    expect(third.json()).toEqual({ added: 1, already: 1, keptUnsubscribed: 0, resubscribed: 1 });
    const after = (await api('GET', `/api/contacts/${b}/lists`)).json().lists;
    expect(after).toMatchObject([{ listId, status: 'subscribed', unsubscribedAt: null }]);
    expect((await api('GET', `/api/lists/${listId}`)).json().members).toEqual({
      subscribed: 4,
      unsubscribed: 0,
    });
  });

  it('refuses unknown contacts by name and adds none of the batch', async () => {
    const listId = await list();
    const [a] = await contacts(1);
    const res = await api('POST', `/api/lists/${listId}/members`, {
      contactIds: [a, 'nobody-here-123', 'nor-here-4567'],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain('"nobody-here-123"');
    expect(res.json().details).toEqual({ unknownContactIds: ['nobody-here-123', 'nor-here-4567'] });
    expect((await api('GET', `/api/lists/${listId}`)).json().members.subscribed).toBe(0);
  });

  it('pages through members with a cursor and a status filter', async () => {
    const listId = await list();
    const ids = await contacts(7);
    await api('POST', `/api/lists/${listId}/members`, { contactIds: ids });
    await unsubscribeFromLists(db(), ids[2]!, [listId], { sendId: null, now: Date.now() });
    await unsubscribeFromLists(db(), ids[5]!, [listId], { sendId: null, now: Date.now() });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/lists/${listId}/members?status=subscribed&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api('GET', url)).json();
      expect(page.members.every((m: { status: string }) => m.status === 'subscribed')).toBe(true);
      seen.push(...page.members.map((m: { contactId: string }) => m.contactId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(ids.filter((_, i) => i !== 2 && i !== 5).sort());

    const unsubscribed = (await api('GET', `/api/lists/${listId}/members?status=unsubscribed`)).json();
    expect(unsubscribed.nextCursor).toBeNull();
    expect(unsubscribed.members.map((m: { contactId: string }) => m.contactId).sort()).toEqual(
      [ids[2], ids[5]].sort(),
    );
    expect(unsubscribed.members[0]).toMatchObject({
      status: 'unsubscribed',
      source: 'api',
      email: expect.stringMatching(/@lists\.example$/),
    });
    expect(Date.parse(unsubscribed.members[0].unsubscribedAt)).not.toBeNaN();
    expect((await api('GET', `/api/lists/${listId}/members`)).json().members).toHaveLength(7);
  });

  it('removes a subscribed member; an unsubscribed one stays recorded', async () => {
    const listId = await list();
    const [a, b] = await contacts(2);
    await api('POST', `/api/lists/${listId}/members`, { contactIds: [a, b] });
    const removed = await api('DELETE', `/api/lists/${listId}/members/${a}`);
    expect(removed.statusCode).toBe(204);
    expect((await api('GET', `/api/contacts/${a}/lists`)).json().lists).toEqual([]);
    expect((await api('DELETE', `/api/lists/${listId}/members/${a}`)).statusCode).toBe(404);

    await unsubscribeFromLists(db(), b!, [listId], { sendId: null, now: Date.now() });
    const refused = await api('DELETE', `/api/lists/${listId}/members/${b}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/unsubscribed/);
    // And a bulk add still does not bring them back.
    const again = await api('POST', `/api/lists/${listId}/members`, { contactIds: [b] });
    expect(again.json().keptUnsubscribed).toBe(1);
  });

  it("shows a contact's lists by name with status and source", async () => {
    const news = await list('B news');
    const offers = await list('A offers');
    const [a] = await contacts(1);
    await api('POST', `/api/lists/${news}/members`, { contactIds: [a] });
    await api('POST', `/api/lists/${offers}/members`, { contactIds: [a] });
    await unsubscribeFromLists(db(), a!, [offers], { sendId: 'send-xyz', now: Date.now() });
    const res = await api('GET', `/api/contacts/${a}/lists`);
    expect(res.statusCode).toBe(200);
    expect(res.json().lists).toMatchObject([
      { listId: offers, listName: 'A offers', status: 'unsubscribed', unsubscribedSendId: 'send-xyz' },
      { listId: news, listName: 'B news', status: 'subscribed', source: 'api', unsubscribedAt: null },
    ]);
  });

  it('deletes a list unless a send to it is queued or under way', async () => {
    const listId = await list('Doomed');
    const [a, b] = await contacts(2);
    await api('POST', `/api/lists/${listId}/members`, { contactIds: [a, b] });
    const now = Date.now();
    const send = sendRow(`send-${engine}-${now}`, {
      list_ids: JSON.stringify(['other-list', listId]),
      status: 'queued',
      created_at: now,
      prepared_at: null,
      finished_at: null,
    });
    await db().insertInto('sends').values(send).execute();

    const refused = await api('DELETE', `/api/lists/${listId}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().details).toEqual({ sends: [send.id] });
    expect((await api('GET', `/api/lists/${listId}`)).statusCode).toBe(200);

    // Prepared and delivering: each recipient is still checked against the lists, so the list stays.
    for (const status of ['sending', 'paused'] as const) {
      await db().updateTable('sends').set({ status, prepared_at: now }).where('id', '=', send.id).execute();
      const stillRefused = await api('DELETE', `/api/lists/${listId}`);
      expect(stillRefused.statusCode).toBe(409);
      expect(stillRefused.json().message).toContain(`“S” (${status})`);
    }
    // Done: the send has its recipients and counters; deleting the list takes nothing from it.
    await db()
      .updateTable('sends')
      .set({ status: 'done', finished_at: now })
      .where('id', '=', send.id)
      .execute();
    await db()
      .insertInto('send_recipients')
      .values(
        [a, b].map((contactId) => ({
          send_id: send.id,
          contact_id: contactId!,
          email: null,
          status: 'sent' as const,
          block_reason: null,
          last_response: null,
          sent_at: now,
          smtp_message_id: null,
        })),
      )
      .execute();
    const deleted = await api('DELETE', `/api/lists/${listId}`);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toEqual({ deletedMemberships: 2 });
    expect((await api('GET', `/api/lists/${listId}`)).statusCode).toBe(404);
    expect((await api('GET', `/api/contacts/${a}/lists`)).json().lists).toEqual([]);
    const recipients = await db()
      .selectFrom('send_recipients')
      .select('contact_id')
      .where('send_id', '=', send.id)
      .execute();
    expect(recipients).toHaveLength(2);
    // The finished send's insights still answer without the list.
    const insights = await api('GET', `/api/sends/${send.id}/insights`);
    expect(insights.statusCode, insights.body).toBe(200);
    expect((await api('DELETE', `/api/lists/${listId}`)).statusCode).toBe(404);
  });

  it('merging contacts moves memberships, and an unsubscribe by either record holds', async () => {
    const both = await list('Both');
    const onlyLoser = await list('Loser only');
    const [winner, loser] = await contacts(2);
    await api('POST', `/api/lists/${both}/members`, { contactIds: [winner, loser] });
    await api('POST', `/api/lists/${onlyLoser}/members`, { contactIds: [loser] });
    await unsubscribeFromLists(db(), loser!, [both], { sendId: 'send-1', now: Date.now() });
    await moveMemberships(db(), loser!, winner!);
    expect((await api('GET', `/api/contacts/${winner}/lists`)).json().lists).toMatchObject([
      { listId: both, status: 'unsubscribed', unsubscribedSendId: 'send-1' },
      { listId: onlyLoser, status: 'subscribed' },
    ]);
    expect((await api('GET', `/api/contacts/${loser}/lists`)).json().lists).toEqual([]);
  });

  describe('bad input gets a clear 4xx', () => {
    it.each([
      ['POST', '/api/lists', {}, 400],
      ['POST', '/api/lists', { name: '' }, 400],
      ['POST', '/api/lists', { name: '   ' }, 422],
      ['POST', '/api/lists', { name: 42 }, 400],
      ['POST', '/api/lists', { name: 'x'.repeat(201) }, 400],
      ['POST', '/api/lists', { name: 'ok', description: ['no'] }, 400],
      ['GET', '/api/lists/no-such-list', undefined, 404],
      ['PATCH', '/api/lists/no-such-list', { name: 'x' }, 404],
      ['DELETE', '/api/lists/no-such-list', undefined, 404],
      ['POST', '/api/lists/no-such-list/members', { contactIds: ['a'] }, 404],
      ['GET', '/api/lists/no-such-list/members', undefined, 404],
      ['DELETE', '/api/lists/no-such-list/members/someone', undefined, 404],
      ['GET', '/api/contacts/no-such-contact/lists', undefined, 404],
    ] as const)('%s %s %j → %i', async (method, url, payload, status) => {
      const res = await api(method, url, payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().message).toEqual(expect.any(String));
    });

    it('on an existing list', async () => {
      const listId = await list();
      const cases: [string, 'GET' | 'POST' | 'PATCH' | 'DELETE', unknown, number][] = [
        [`/api/lists/${listId}`, 'PATCH', { name: null }, 400],
        [`/api/lists/${listId}`, 'PATCH', { name: ' ' }, 422],
        [`/api/lists/${listId}/members`, 'POST', {}, 400],
        [`/api/lists/${listId}/members`, 'POST', { contactIds: [] }, 400],
        [`/api/lists/${listId}/members`, 'POST', { contactIds: 'abc' }, 400],
        [`/api/lists/${listId}/members`, 'POST', { contactIds: [1, 2] }, 400],
        [`/api/lists/${listId}/members`, 'POST', { contactIds: ['a'], resubscribe: 'yes' }, 400],
        [
          `/api/lists/${listId}/members`,
          'POST',
          { contactIds: Array.from({ length: 1001 }, (_, i) => `c${i}`) },
          400,
        ],
        [`/api/lists/${listId}/members?status=gone`, 'GET', undefined, 400],
        [`/api/lists/${listId}/members?limit=0`, 'GET', undefined, 400],
        [`/api/lists/${listId}/members?limit=501`, 'GET', undefined, 400],
        [`/api/lists/${listId}/members?cursor=garbage`, 'GET', undefined, 400],
        [`/api/lists/${listId}/members/not-a-member`, 'DELETE', undefined, 404],
      ];
      for (const [url, method, payload, status] of cases) {
        const res = await api(method, url, payload);
        expect(res.statusCode, `${method} ${url} ${res.body}`).toBe(status);
        expect(res.json().message).toEqual(expect.any(String));
      }
      const notJson = await spoor.app.inject({
        method: 'POST',
        url: `/api/lists/${listId}/members`,
        headers: { ...spoor.auth, 'content-type': 'application/json' },
        payload: '{"contactIds": [',
      });
      expect(notJson.statusCode).toBe(400);
    });

    it('without an API key', async () => {
      const res = await spoor.app.inject({ method: 'GET', url: '/api/lists' });
      expect(res.statusCode).toBe(401);
    });
  });
});
