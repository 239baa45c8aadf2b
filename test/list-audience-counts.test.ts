// The counters behind the send estimate (migration 015, decision 021) against a recount, on SQLite and
// PostgreSQL, after every kind of writer has changed memberships and contacts: the lists API, a CSV
// import into a list, contact edits, unsubscribes (the hot path's statement program and the one-click
// link), a merge, an erasure, a list deleted — and, on top, many of them at once. The suppressed among
// the receivable (migration 019), counted by their suppression's expiry, against a recount too, after
// suppressions are added, extended, lifted, removed and left to expire, and the estimate then exact.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { estimateSend } from '../src/email/sends/estimate-send.ts';
import { blockReasonOf } from '../src/email/sends/permission-rules.ts';
import { deleteSuppression } from '../src/email/sends/store.ts';
import { listAddress } from '../src/email/suppression/store.ts';
import { mergeContacts } from '../src/identity/merge-contacts.ts';
import { removeMember, subscribeContacts, unsubscribeStatements } from '../src/lists/store.ts';
import { NEVER } from '../src/storage/migrations/019-list-suppressed-counts.ts';
import { runOnDb } from '../src/storage/statements.ts';
import { createSendFixture, pathOf } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';

describeEachEngine('list audience counters', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const db = () => spoor.storage.db;
  const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown) => {
    const res = await spoor.app.inject({
      method,
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.body ? res.json() : null;
  };
  const contact = async (email: string | null, extra: object = {}) =>
    (await api('POST', '/api/contacts', { ...(email ? { email } : { firstName: 'No address' }), ...extra }))
      .id as string;
  const list = async (name: string) => (await api('POST', '/api/lists', { name })).id as string;

  /** The counters, without zero rows, as "list state" → members. */
  async function counters(): Promise<Record<string, number>> {
    const rows = await db().selectFrom('list_audience_counts').selectAll().execute();
    const out: Record<string, number> = {};
    for (const row of rows)
      if (Number(row.members) !== 0) out[`${row.list_id} ${row.state}`] = Number(row.members);
    return out;
  }

  /** The same figures recounted from the memberships, by the send's own rule (suppressions aside). */
  async function recount(): Promise<Record<string, number>> {
    const rows = await db()
      .selectFrom('list_members as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .select(['m.list_id', 'm.status', 'c.do_not_email', 'c.email'])
      .execute();
    const out: Record<string, number> = {};
    for (const row of rows) {
      const state =
        blockReasonOf({
          memberships: 1,
          subscribed: row.status === 'subscribed' ? 1 : 0,
          doNotEmail: Number(row.do_not_email) === 1,
          email: row.email,
          suppressed: false,
        }) ?? 'receivable';
      const key = `${row.list_id} ${state}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  /** The suppressed counters, without zero rows, as "list until" → members. */
  async function suppressedCounters(): Promise<Record<string, number>> {
    const rows = await db().selectFrom('list_suppressed_counts').selectAll().execute();
    const out: Record<string, number> = {};
    for (const row of rows)
      if (Number(row.members) !== 0) out[`${row.list_id} ${Number(row.until)}`] = Number(row.members);
    return out;
  }

  /** Receivable memberships whose address has a suppression (in force or not), by its expiry. */
  async function suppressedRecount(): Promise<Record<string, number>> {
    const rows = await db()
      .selectFrom('list_members as m')
      .innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .innerJoin('email_suppressions as s', 's.email_match', 'c.email_match')
      .select(['m.list_id', 'm.status', 'c.do_not_email', 'c.email', 's.until'])
      .execute();
    const out: Record<string, number> = {};
    for (const row of rows) {
      const reason = blockReasonOf({
        memberships: 1,
        subscribed: row.status === 'subscribed' ? 1 : 0,
        doNotEmail: Number(row.do_not_email) === 1,
        email: row.email,
        suppressed: false,
      });
      if (reason) continue;
      const key = `${row.list_id} ${row.until === null ? NEVER : Number(row.until)}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  it('match a recount after every writer of memberships and contact state', async () => {
    const news = await list('News');
    const offers = await list('Offers');
    const doomed = await list('Doomed');
    const ada = await contact('ada@counts.example');
    const ben = await contact('ben@counts.example', { doNotEmail: true });
    const cy = await contact(null);
    const dee = await contact('dee@counts.example');
    const eve = await contact('EVE@counts.example');
    await api('POST', `/api/lists/${news}/members`, { contactIds: [ada, ben, cy, dee, eve] });
    await api('POST', `/api/lists/${offers}/members`, { contactIds: [ada, dee] });
    await api('POST', `/api/lists/${doomed}/members`, { contactIds: [ada, ben] });
    expect(await counters()).toEqual({
      [`${news} receivable`]: 3,
      [`${news} do_not_email`]: 1,
      [`${news} no_address`]: 1,
      [`${offers} receivable`]: 2,
      [`${doomed} receivable`]: 1,
      [`${doomed} do_not_email`]: 1,
    });

    // A CSV import into a list: new contacts, and one already on it.
    const job = await api('POST', '/api/contact-imports', { listId: offers });
    await spoor.app.inject({
      method: 'PUT',
      url: `/api/contact-imports/${job.id}/file`,
      headers: { ...spoor.auth, 'content-type': 'text/csv' },
      payload: 'email,first name\nfay@counts.example,Fay\ngus@counts.example,Gus\nada@counts.example,Ada\n',
    });
    expect((await api('GET', `/api/contact-imports/${job.id}`)).status).toBe('done');

    // Contact edits: do not email lifted and set, an address removed, one given, one changed.
    await api('PATCH', `/api/contacts/${ben}`, { doNotEmail: false });
    await api('PATCH', `/api/contacts/${dee}`, { doNotEmail: true });
    await api('PATCH', `/api/contacts/${cy}`, { email: 'cy@counts.example' });
    await api('PATCH', `/api/contacts/${ada}`, { email: 'ada.new@counts.example' });
    expect(await counters()).toEqual(await recount());

    // Unsubscribes: the hot path's statement program, and a member removed by an admin.
    await runOnDb(db(), unsubscribeStatements(ada, [news, offers], { sendId: null, now: Date.now() }));
    await removeMember(db(), doomed, ben);
    // A resubscribe through the bulk path.
    await subscribeContacts(db(), news, [ada], { source: 'api', resubscribe: true, now: Date.now() });
    // Hard bounces: one address suppressed, another suppressed and lifted through the API, a third whose
    // suppression has expired: the estimate counts the one in force.
    const bounce = (email: string, until: number) =>
      listAddress(db(), {
        emailMatch: email,
        contactId: null,
        reason: 'hard_bounce',
        category: 'invalid-mailbox',
        sendId: null,
        detail: '550 no such user',
        listing: 1,
        until,
        now: Date.now(),
      });
    await bounce('eve@counts.example', Date.now() + 86_400_000);
    await bounce('cy@counts.example', Date.now() + 86_400_000);
    await api('DELETE', '/api/suppressions/cy%40counts.example');
    await bounce('ben@counts.example', Date.now() - 1);
    expect(await counters()).toEqual(await recount());
    const afterBounces = await estimateSend(db(), { listIds: [news] });
    expect(afterBounces.blocked.byReason.hard_bounced).toBe(1);
    expect(afterBounces.willReceive).toBe((await counters())[`${news} receivable`]! - 1);

    // A merge (both on News and Offers, one unsubscribed), an erasure, a list deleted.
    await spoor.storage.db.transaction().execute((tx) =>
      mergeContacts(tx, spoor.storage.engine, {
        winnerId: dee,
        loserId: ada,
        reason: 'test',
        now: Date.now(),
      }),
    );
    await api('DELETE', `/api/contacts/${eve}`);
    await api('DELETE', `/api/lists/${doomed}`);
    const after = await counters();
    expect(after).toEqual(await recount());
    expect(Object.keys(after).some((key) => key.startsWith(doomed))).toBe(false);
    expect(await suppressedCounters()).toEqual(await suppressedRecount());
  });

  it('count the suppressed by expiry: added, extended, lifted, removed, expired with time', async () => {
    const DAY = 86_400_000;
    const start = Date.now();
    // The clock the estimate and the suppression routes read (Date), moved by the test.
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    const news = await list('Suppressed news');
    const other = await list('Suppressed other');
    const empty = await list('Suppressed empty');
    const ann = await contact('ann@suppressed.example');
    const bob = await contact('bob@suppressed.example');
    const twin1 = await contact('twin@suppressed.example');
    const twin2 = await contact('TWIN@suppressed.example');
    const dot = await contact('dot@suppressed.example', { doNotEmail: true });
    const una = await contact('una@suppressed.example');
    const cal = await contact('cal@suppressed.example');
    await api('POST', `/api/lists/${news}/members`, { contactIds: [ann, bob, twin1, twin2, dot, una, cal] });
    await api('POST', `/api/lists/${other}/members`, { contactIds: [ann, twin1] });
    await runOnDb(db(), unsubscribeStatements(una, [news], { sendId: null, now: start }));
    const list_ = (
      email: string,
      until: number | null,
      reason: 'hard_bounce' | 'complaint' = 'hard_bounce',
    ) =>
      listAddress(db(), {
        emailMatch: email,
        contactId: null,
        reason,
        category: 'invalid-mailbox',
        sendId: null,
        detail: null,
        listing: 1,
        until,
        now: Date.now(),
      });

    /** The counters match a recount, and the estimate from them matches the exact grouping. */
    async function check(expectedSuppressed: number) {
      expect(await suppressedCounters()).toEqual(await suppressedRecount());
      const fromCounters = await estimateSend(db(), { listIds: [news] });
      // With an empty list beside it the estimate groups the memberships by contact: exact, no counters.
      const grouped = await estimateSend(db(), { listIds: [news, empty] });
      expect(grouped.exact).toBe(true);
      expect(fromCounters.blocked.byReason.hard_bounced).toBe(expectedSuppressed);
      expect(fromCounters).toMatchObject({
        exact: true,
        recipients: grouped.recipients,
        blocked: grouped.blocked,
        willReceive: grouped.willReceive,
      });
      return fromCounters;
    }
    expect((await check(0)).willReceive).toBe(5);

    // Added: one address for a day, a shared address for good (two contacts), a blocked one and an
    // unsubscribed one (not receivable: not counted as suppressed).
    await list_('ann@suppressed.example', start + DAY);
    await list_('twin@suppressed.example', null, 'complaint');
    await list_('dot@suppressed.example', start + DAY);
    await list_('una@suppressed.example', start + DAY);
    await list_('cal@suppressed.example', start + 3 * DAY);
    expect((await check(4)).willReceive).toBe(1);
    expect((await suppressedCounters())[`${other} ${NEVER}`]).toBe(1);
    // Extended: ann's suppression now ends in 14 days (its key moves).
    await list_('ann@suppressed.example', start + 14 * DAY);
    await check(4);
    // The contacts' state changes: bob takes a suppressed address, dot may be emailed, una resubscribes,
    // a twin is unsubscribed.
    await api('PATCH', `/api/contacts/${bob}`, { email: 'cal@suppressed.example' });
    await api('PATCH', `/api/contacts/${dot}`, { doNotEmail: false });
    await subscribeContacts(db(), news, [una], { source: 'api', resubscribe: true, now: Date.now() });
    await runOnDb(db(), unsubscribeStatements(twin2, [news], { sendId: null, now: Date.now() }));
    expect((await check(6)).willReceive).toBe(0);

    // Time passes: two days on, dot's and una's suppressions (one day) have expired.
    vi.setSystemTime(start + 2 * DAY);
    expect((await check(4)).willReceive).toBe(2);
    // Lifted through the API (its expiry becomes now): ann may be emailed.
    await api('DELETE', '/api/suppressions/ann%40suppressed.example');
    await check(3);
    // Four days on, cal's (and bob's, the same address) has expired too: only the permanent one is left.
    vi.setSystemTime(start + 4 * DAY);
    await check(1);
    // Removed (an erasure deletes the row), and listed again, in force.
    await deleteSuppression(db(), 'twin@suppressed.example');
    await check(0);
    await list_('dot@suppressed.example', Date.now() + DAY);
    await check(1);
    // A member removed and a list deleted take their suppressed counts with them.
    await removeMember(db(), news, dot);
    await check(0);
    await api('DELETE', `/api/lists/${other}`);
    expect(Object.keys(await suppressedCounters()).some((key) => key.startsWith(other))).toBe(false);
    expect(await suppressedCounters()).toEqual(await suppressedRecount());
  });

  it('count an unsubscribe through the one-click link (the engagement hot path)', async () => {
    const fixture = await createSendFixture(spoor, { recipients: [{ tracking: true }, { tracking: true }] });
    const [first] = fixture.contacts;
    const listId = fixture.listIds[0] as string;
    expect((await counters())[`${listId} receivable`]).toBe(2);
    const res = await spoor.app.inject({
      method: 'POST',
      url: pathOf(first!.urls.unsubscribe),
      headers: { 'user-agent': CHROME_UA, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode, res.body).toBe(200);
    const now = await counters();
    expect([now[`${listId} receivable`], now[`${listId} unsubscribed`]]).toEqual([1, 1]);
    expect(now).toEqual(await recount());
  });

  it('stay right when many writers change the same lists and contacts at once', async () => {
    const lists = [await list('Busy A'), await list('Busy B')];
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await contact(`busy${i}@counts.example`));
    const now = Date.now();
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const listId = lists[i % 2] as string;
      // Each change in its own transaction, interleaved with the others on both engines.
      work.push(
        spoor.storage.db.transaction().execute(async (tx) => {
          await subscribeContacts(tx, listId, [id], { source: 'api', resubscribe: false, now });
          await subscribeContacts(tx, lists[(i + 1) % 2] as string, [id], {
            source: 'api',
            resubscribe: false,
            now,
          });
        }),
      );
      if (i % 3 === 0) work.push(api('PATCH', `/api/contacts/${id}`, { doNotEmail: true }));
      if (i % 5 === 2) work.push(runOnDb(db(), unsubscribeStatements(id, lists, { sendId: null, now })));
      if (i % 7 === 3) work.push(api('PATCH', `/api/contacts/${id}`, { email: `moved${i}@counts.example` }));
      // Suppressions of the same addresses at once (one already the address a contact moves to).
      if (i % 4 === 1 || i % 7 === 3)
        work.push(
          listAddress(db(), {
            emailMatch: i % 4 === 1 ? `busy${i}@counts.example` : `moved${i}@counts.example`,
            contactId: null,
            reason: 'hard_bounce',
            category: 'invalid-mailbox',
            sendId: null,
            detail: null,
            listing: 1,
            until: now + 86_400_000 * (1 + (i % 3)),
            now,
          }),
        );
    }
    // Every one succeeds: counters kept in place made transactions on two lists deadlock.
    await Promise.all(work);
    expect(await counters()).toEqual(await recount());
    expect(await suppressedCounters()).toEqual(await suppressedRecount());
  });

  it('answer the send estimate: one list exactly, several lists exactly while small, else as bounds', async () => {
    const a = await list('Estimate A');
    const b = await list('Estimate B');
    const both = await contact('both@estimate.example');
    const onlyA = await contact('only-a@estimate.example', { doNotEmail: true });
    const onlyB = await contact('only-b@estimate.example');
    const leftA = await contact('left-a@estimate.example');
    await api('POST', `/api/lists/${a}/members`, { contactIds: [both, onlyA, leftA] });
    await api('POST', `/api/lists/${b}/members`, { contactIds: [both, onlyB, leftA] });
    // Unsubscribed from A only: still receives it through B.
    await runOnDb(db(), unsubscribeStatements(leftA, [a], { sendId: null, now: Date.now() }));

    const one = await estimateSend(db(), { listIds: [a] });
    expect(one).toMatchObject({
      exact: true,
      recipients: 3,
      duplicates: 0,
      blocked: { total: 2, byReason: { unsubscribed: 1, do_not_email: 1, no_address: 0, hard_bounced: 0 } },
      willReceive: 1,
      willReceiveAtLeast: 1,
    });
    const exactly = {
      exact: true,
      recipients: 6,
      duplicates: 2,
      blocked: { total: 1, byReason: { unsubscribed: 0, do_not_email: 1, no_address: 0, hard_bounced: 0 } },
      willReceive: 3,
      willReceiveAtLeast: 3,
    };
    expect(await estimateSend(db(), { listIds: [a, b] })).toMatchObject(exactly);
    // Past the grouping limit: bounds from the counters, around the exact figures.
    const bounds = await estimateSend(db(), { listIds: [a, b] }, { exactGroupingLimit: 5 });
    expect(bounds).toMatchObject({
      exact: false,
      recipients: 6,
      duplicates: null,
      blocked: { total: 2, byReason: { unsubscribed: 1, do_not_email: 1, no_address: 0, hard_bounced: 0 } },
      willReceive: 4,
      willReceiveAtLeast: 3,
    });
    expect(bounds.willReceiveAtLeast).toBeLessThanOrEqual(exactly.willReceive);
    expect(bounds.willReceive).toBeGreaterThanOrEqual(exactly.willReceive);
    // Through the API, as the dashboard's confirmation asks.
    expect(await api('POST', '/api/sends/estimate', { listIds: [b] })).toMatchObject({
      exact: true,
      recipients: 3,
      willReceive: 3,
    });
  });
});
