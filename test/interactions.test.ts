// The interaction feed on SQLite and PostgreSQL: visits, form submissions and email opens, clicks and
// unsubscribes of two contacts, read per contact and across all contacts page by page with the cursor —
// every item exactly once, in commit order, also while new ones are recorded between pages and (on
// PostgreSQL) while an earlier transaction commits after a later one; a source registered only through
// the registry appears in both reads; GET /api/interactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_SOURCE } from '../src/email/sends/send-interactions.ts';
import { createInteractionFeed } from '../src/interaction-feed.ts';
import type { Interaction, InteractionSource } from '../src/platform/interactions/interaction.ts';
import { interactionsOfContact } from '../src/platform/interactions/read-contact.ts';
import { type FeedPage, interactionsAfter } from '../src/platform/interactions/read-feed.ts';
import { recordInteraction } from '../src/platform/interactions/store.ts';
import * as interactionLog from '../src/storage/migrations/011-interaction-log.ts';
import { logSentEmails } from '../src/storage/migrations/015-list-audience-counts.ts';
import { createSendFixture, pathOf, type SendFixture } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor, submitFormAsBrowser } from './helpers/spoor.ts';
import { createWebsite } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

const SHOP = 'https://www.shop.test';
const BLOG = 'https://blog.shop.test';

/** A source no domain of Spoor has: voucher claims kept in memory, logged with recordInteraction. */
function offerClaims() {
  const items = new Map<string, Interaction>();
  const source: InteractionSource = {
    name: 'voucher_claim',
    kinds: ['voucher_claim'],
    async ofContact(_db, contactId, bound, limit) {
      return [...items.values()]
        .filter((item) => item.contactId === contactId)
        .filter((item) => {
          if (!bound) return true;
          const at = Date.parse(item.occurredAt);
          if ('sameAtIdBelow' in bound)
            return at < bound.at || (at === bound.at && item.id < bound.sameAtIdBelow);
          return bound.orEqual ? at <= bound.at : at < bound.at;
        })
        .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || (a.id < b.id ? 1 : -1))
        .slice(0, limit);
    },
    async byIds(_db, ids) {
      return ids.flatMap((id) => items.get(id) ?? []);
    },
  };
  const claim = (id: string, contactId: string): Interaction => {
    const item: Interaction = {
      id,
      source: 'voucher_claim',
      kind: 'voucher_claim',
      contactId,
      occurredAt: new Date().toISOString(),
      subjects: { offer: { id: 'spring', name: 'Spring offer' } },
      machine: null,
      attributes: {},
    };
    items.set(id, item);
    return item;
  };
  return { source, claim };
}

const key = (item: Interaction) => `${item.source}:${item.id}`;

describeEachEngine('interaction feed', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let shopId: string;
  let blogId: string;
  let fixture: SendFixture;
  let formId: string;
  let ipCounter = 0;
  const offers = offerClaims();
  const feed = createInteractionFeed().register(offers.source);
  const sources = () => feed.all();
  const db = () => spoor.storage.db;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
    shopId = await registerWebsite('Shop', SHOP);
    blogId = await registerWebsite('Blog', BLOG);
    fixture = await createSendFixture(spoor, { recipients: [{ tracking: true }, { tracking: true }] });
    const form = await spoor.app.inject({
      method: 'POST',
      url: '/api/forms',
      headers: spoor.auth,
      payload: {
        name: 'Contact us',
        websiteId: shopId,
        fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
      },
    });
    expect(form.statusCode, form.body).toBe(201);
    formId = form.json().id;
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const registerWebsite = (name: string, origin: string) => createWebsite(spoor, [origin], { name });

  async function pageview(options: { website?: string; origin?: string; cookie?: string } = {}) {
    const origin = options.origin ?? SHOP;
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: {
        'content-type': 'text/plain',
        origin,
        'user-agent': CHROME_UA,
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      payload: JSON.stringify({ w: options.website ?? shopId, e: eventId(), t: 'pv', u: `${origin}/` }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { v: string; s: string };
  }

  async function hit(url: string, method: 'GET' | 'POST' = 'GET') {
    ipCounter += 1;
    const res = await spoor.app.inject({
      method,
      url: pathOf(url),
      remoteAddress: `198.51.100.${ipCounter}`,
      headers: {
        'user-agent': CHROME_UA,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { payload: 'List-Unsubscribe=One-Click' } : {}),
    });
    expect(res.statusCode, res.body).toBeLessThan(400);
  }

  /**
   * Reads the global feed from `after` until `count` items came back, `limit` at a time, calling
   * `between` after each page. On PostgreSQL a transaction of another connection (any database of the
   * cluster) holds the feed back until it ends, so an empty page means "not yet", not "never".
   */
  async function readFeed(
    count: number,
    options: { after?: string; limit: number; between?: (page: number) => Promise<void> },
  ) {
    const items: Interaction[] = [];
    let after = options.after;
    const deadline = Date.now() + 20_000;
    for (let page = 0; items.length < count; page++) {
      if (Date.now() > deadline) throw new Error(`the feed gave ${items.length} of ${count} items`);
      const read: FeedPage = await interactionsAfter(db(), sources(), { limit: options.limit, after });
      expect(read.items.length).toBeLessThanOrEqual(options.limit);
      items.push(...read.items);
      after = read.nextCursor;
      if (options.between) await options.between(page);
      if (read.items.length === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return { items, cursor: after };
  }

  it('reads every interaction once, per contact and across contacts, also while new ones arrive', async () => {
    const [ada, ben] = fixture.contacts;
    // Ada browses anonymously, then fills in the form (her visit becomes hers), opens and clicks.
    const adaBrowser = await pageview();
    await submitFormAsBrowser(
      spoor,
      formId,
      { email: ada!.email },
      { origin: SHOP, cookie: `spoor_vid=${adaBrowser.v}` },
    );
    await hit(ada!.urls.pixel);
    await hit(ada!.urls.click(1));
    // Ben fills in the form from another browser, visits the blog, and unsubscribes.
    const benBrowser = await pageview({ website: blogId, origin: BLOG });
    await submitFormAsBrowser(
      spoor,
      formId,
      { email: ben!.email },
      { origin: SHOP, cookie: `spoor_vid=${benBrowser.v}` },
    );
    await hit(ben!.urls.unsubscribe, 'POST');
    offers.claim('claim1', ben!.id);
    await recordInteraction(db(), 'voucher_claim', 'claim1');

    // Per contact: newest first, each kind from its own domain, the registry-only kind included.
    const adaItems = (await interactionsOfContact(db(), sources(), ada!.id, { limit: 50 })).items;
    expect(adaItems.map((i) => i.kind).sort()).toEqual([
      'email_click',
      'email_open',
      'email_sent',
      'form_submission',
      'visit',
    ]);
    const times = adaItems.map((i) => Date.parse(i.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const benItems = (await interactionsOfContact(db(), sources(), ben!.id, { limit: 50 })).items;
    expect(benItems.map((i) => i.kind).sort()).toEqual([
      'email_sent',
      'email_unsubscribe',
      'form_submission',
      // The unsubscribe's consent event (lists' source).
      'list_unsubscribed',
      'visit',
      'voucher_claim',
    ]);
    // One shape: contact, subjects and the machine label on every item.
    const click = adaItems.find((i) => i.kind === 'email_click')!;
    expect(click).toMatchObject({
      contactId: ada!.id,
      source: 'email',
      subjects: {
        send: { id: fixture.sendId },
        message: { id: fixture.messageId, name: fixture.messageName },
        link: { id: '1' },
      },
      machine: null,
    });
    expect(benItems.find((i) => i.kind === 'visit')).toMatchObject({
      subjects: { website: { id: blogId, name: 'Blog' } },
      machine: null,
    });
    // Per contact, page by page: the same items.
    for (const limit of [1, 2, 3]) {
      const paged: Interaction[] = [];
      let cursor: string | undefined;
      do {
        const page = await interactionsOfContact(db(), sources(), ben!.id, { limit, cursor });
        paged.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged.map(key)).toEqual(benItems.map(key));
    }

    // Across contacts: everything both contacts did, in one read and page by page.
    const everything = [...adaItems, ...benItems];
    const whole = await readFeed(everything.length, { limit: 100 });
    expect(whole.items.map(key).sort()).toEqual(everything.map(key).sort());
    const paged = await readFeed(everything.length, { limit: 2 });
    expect(paged.items.map(key)).toEqual(whole.items.map(key));

    // New interactions between pages come after what was read, each once.
    const added: string[] = [];
    const more = await readFeed(everything.length + 4, {
      limit: 2,
      between: async (page) => {
        if (page === 0) {
          await hit(ada!.urls.click(2));
          added.push('email_click');
        }
        if (page === 1) {
          // A new visit of Ada's identified browser (another website: another visit).
          await pageview({ website: blogId, origin: BLOG, cookie: `spoor_vid=${adaBrowser.v}` });
          offers.claim('claim2', ada!.id);
          await recordInteraction(db(), 'voucher_claim', 'claim2');
          added.push('visit', 'voucher_claim');
        }
        if (page === 2) {
          await hit(ben!.urls.pixel);
          added.push('email_open');
        }
      },
    });
    expect(new Set(more.items.map(key)).size).toBe(more.items.length);
    expect(more.items.slice(0, everything.length).map(key)).toEqual(whole.items.map(key));
    expect(more.items.slice(everything.length).map((i) => i.kind)).toEqual(added);
    // Reading on from the end gives nothing new, and the cursor it gives reads on from there.
    const rest = await interactionsAfter(db(), sources(), { limit: 10, after: more.cursor });
    expect(rest.items).toEqual([]);
    expect(rest.more).toBe(false);
    offers.claim('claim3', ada!.id);
    await recordInteraction(db(), 'voucher_claim', 'claim3');
    const next = await readFeed(1, { limit: 10, after: rest.nextCursor });
    expect(next.items.map(key)).toEqual(['voucher_claim:claim3']);
  });

  if (engine === 'postgres') {
    it('an interaction whose transaction commits after a later one is not skipped', async () => {
      const start = (await readFeed(0, { limit: 1 })).cursor;
      const drained = await interactionsAfter(db(), sources(), { limit: 1000, after: start });
      let cursor = drained.nextCursor;
      offers.claim('early', fixture.contacts[0]!.id);
      offers.claim('late', fixture.contacts[0]!.id);
      // "early" is logged first in a transaction that stays open while "late" is logged and committed.
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let logged!: () => void;
      const earlyLogged = new Promise<void>((resolve) => {
        logged = resolve;
      });
      const early = db()
        .transaction()
        .execute(async (tx) => {
          await recordInteraction(tx, 'voucher_claim', 'early');
          logged();
          await held;
        });
      await earlyLogged;
      await recordInteraction(db(), 'voucher_claim', 'late');
      // "late" is committed, but a reader that handed it out now would move its cursor past "early".
      const meanwhile = await interactionsAfter(db(), sources(), { limit: 10, after: cursor });
      expect(meanwhile.items).toEqual([]);
      cursor = meanwhile.nextCursor;
      release();
      await early;
      const after = await readFeed(2, { limit: 10, after: cursor });
      expect(after.items.map((i) => i.id)).toEqual(['early', 'late']);
    });
  }

  describe('GET /api/interactions', () => {
    it('pages through the feed with the cursor', async () => {
      const all: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 100; i++) {
        const res = await spoor.app.inject({
          url: `/api/interactions?limit=3${after ? `&after=${after}` : ''}`,
          headers: spoor.auth,
        });
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json() as { items: Interaction[]; nextCursor: string; more: boolean };
        expect(page.items.length).toBeLessThanOrEqual(3);
        all.push(...page.items.map(key));
        after = page.nextCursor;
        if (!page.more) break;
      }
      const direct = await interactionsAfter(db(), createInteractionFeed().all(), { limit: 500 });
      expect(all).toEqual(direct.items.map(key));
      expect(all.length).toBeGreaterThan(5);
      expect(all.some((k) => k.startsWith('voucher_claim:'))).toBe(false);
    });

    it.each([
      ['?limit=0'],
      ['?limit=501'],
      ['?after=not%20a%20cursor'],
      [`?after=${Buffer.from('[1,1]').toString('base64url')}`],
    ])('%s → 400 with a message', async (query) => {
      const res = await spoor.app.inject({ url: `/api/interactions${query}`, headers: spoor.auth });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    });

    it('needs an API key', async () => {
      const res = await spoor.app.inject({ url: '/api/interactions' });
      expect(res.statusCode).toBe(401);
    });
  });

  it("the log's migrations log what was a contact's before them, oldest first", async () => {
    // Migration 011 logs visits, submissions and email events; 015 the emails sent before it (later
    // sources, as consent events in 017, log themselves).
    const known = new Set(['visit', 'form_submission', 'email', DELIVERY_SOURCE]);
    const all = createInteractionFeed()
      .all()
      .filter((s) => known.has(s.name));
    const bySource = (sent: boolean) => all.filter((s) => (s.name === DELIVERY_SOURCE) === sent);
    const logged = (await interactionsAfter(db(), all, { limit: 500 })).items;
    expect(logged.length).toBeGreaterThan(5);
    expect(logged.filter((i) => i.kind === 'email_sent')).toHaveLength(2);
    await interactionLog.down(db());
    await interactionLog.up(db());
    await logSentEmails(db());
    for (const sent of [false, true]) {
      const expected = logged.filter((i) => (i.source === DELIVERY_SOURCE) === sent);
      const backfilled: Interaction[] = [];
      let after: string | undefined;
      await waitFor('the backfilled feed', async () => {
        const page = await interactionsAfter(db(), bySource(sent), { limit: 500, after });
        backfilled.push(...page.items);
        after = page.nextCursor;
        return backfilled.length >= expected.length;
      });
      expect(backfilled.map(key).sort()).toEqual(expected.map(key).sort());
      const times = backfilled.map((i) => Date.parse(i.occurredAt));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });
});
