// A feed consumer acts on every interaction exactly once, on SQLite and PostgreSQL: pages in commit
// order; a handler that fails rolls back its writes and the cursor together (the page is read again);
// a consumer that starts "now" passes over what was logged before it; two runs racing (two nodes)
// never handle an item twice, because the cursor moves by compare-and-set in the handler's transaction.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { consumeFeed, type FeedConsumer } from '../src/platform/interactions/feed-consumer.ts';
import type { Interaction, InteractionSource } from '../src/platform/interactions/interaction.ts';
import { InteractionRegistry } from '../src/platform/interactions/registry.ts';
import { recordInteraction } from '../src/platform/interactions/store.ts';
import type { Storage } from '../src/storage/database.ts';
import type { Db } from '../src/storage/schema.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { waitForFeedVisible } from './support/feed-visible.ts';

/** Stamps kept in memory, logged with recordInteraction: a source of the test's own. */
function stampSource() {
  const items = new Map<string, Interaction>();
  const source: InteractionSource = {
    name: 'stamp',
    kinds: ['stamp'],
    ofContact: async () => [],
    byIds: async (_db, ids) => {
      reads.count += 1;
      return ids.flatMap((id) => items.get(id) ?? []);
    },
  };
  const reads = { count: 0 };
  return {
    source,
    /** How many times the feed read items of this source. */
    reads,
    async stamp(db: Db, id: string) {
      items.set(id, {
        id,
        source: 'stamp',
        kind: 'stamp',
        contactId: 'c1',
        occurredAt: new Date().toISOString(),
        subjects: {},
        machine: null,
        attributes: {},
      });
      await recordInteraction(db, 'stamp', id);
    },
  };
}

describeEachEngine('feed consumer', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  const stamps = stampSource();
  const feed = new InteractionRegistry().register(stamps.source);
  let run = 0;
  let name = '';
  let written = 0; // the order handlers wrote in, across pages and runs

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storage = database.open();
  });
  afterAll(async () => {
    await storage.close();
    await database.drop();
  });
  beforeEach(() => {
    run += 1;
    name = `test-${run}`;
  });

  // What a consumer did is written to a table in its transaction; webhook_tokens is a plain keyed table
  // the test borrows (its primary key makes a second write of one item fail loudly).
  const consumer = (overrides: Partial<FeedConsumer> = {}): FeedConsumer => ({
    name,
    startAt: 'beginning',
    async handle(tx, items) {
      await tx
        .insertInto('webhook_tokens')
        .values(items.map((item, i) => ({ provider: name, token: item.id, seen_at: written + i })))
        .execute();
      written += items.length;
    },
    ...overrides,
  });
  const handledIds = async () =>
    (
      await storage.db
        .selectFrom('webhook_tokens')
        .select('token')
        .where('provider', '=', name)
        .orderBy('seen_at')
        .execute()
    ).map((row) => row.token);
  const counted = async () =>
    Number(
      (
        await storage.db
          .selectFrom('feed_consumers')
          .select('items_handled')
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).items_handled,
    );
  // On PostgreSQL any transaction still running in the cluster holds the feed back (decision 013): wait
  // until the newest logged row is one a reader can see, so "nothing read" means nothing there.
  const allVisible = () => waitForFeedVisible(storage.db);
  const stampMany = async (prefix: string, count: number) => {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
    for (const id of ids) await stamps.stamp(storage.db, id);
    return ids;
  };

  it('handles every item once, page by page, in commit order, and then has nothing left', async () => {
    const ids = await stampMany(`a${run}`, 10);
    await allVisible();
    expect(await consumeFeed(storage.db, feed, consumer(), { pageSize: 3 })).toBe(10);
    const handled = await handledIds();
    expect(handled.filter((id) => id.startsWith(`a${run}-`))).toEqual(ids);
    expect(await counted()).toBe(handled.length);
    expect(await consumeFeed(storage.db, feed, consumer(), { pageSize: 3 })).toBe(0);
  });

  it('a handler that fails rolls back its writes and the cursor: the page is handled on the next run', async () => {
    const ids = await stampMany(`b${run}`, 4);
    await allVisible();
    const failing = consumer({
      async handle(tx, items) {
        await consumer().handle(tx, items);
        throw new Error('the handler failed after writing');
      },
    });
    await expect(consumeFeed(storage.db, feed, failing)).rejects.toThrow('the handler failed');
    expect(await handledIds()).toEqual([]);
    expect(await counted()).toBe(0);
    await consumeFeed(storage.db, feed, consumer());
    expect((await handledIds()).filter((id) => id.startsWith(`b${run}-`))).toEqual(ids);
  });

  it('a consumer that starts "now" reads only what is logged after it first ran', async () => {
    await stampMany(`c${run}`, 3);
    await allVisible();
    expect(await consumeFeed(storage.db, feed, consumer({ startAt: 'now' }))).toBe(0);
    const later = await stampMany(`d${run}`, 2);
    await allVisible();
    await consumeFeed(storage.db, feed, consumer({ startAt: 'now' }));
    expect(await handledIds()).toEqual(later);
  });

  it('an idle consumer passes pages over without reading their items; one that wakes meanwhile reads the page', async () => {
    await stampMany(`f${run}`, 5);
    await allVisible();
    const before = stamps.reads.count;
    expect(await consumeFeed(storage.db, feed, consumer({ idle: async () => true }), { pageSize: 2 })).toBe(
      0,
    );
    expect(stamps.reads.count).toBe(before);
    expect(await handledIds()).toEqual([]);
    // Nothing is left for it afterwards: the cursor moved past every page.
    expect(await consumeFeed(storage.db, feed, consumer({ idle: async () => false }))).toBe(0);

    // Idle when the page is read, not any more in the transaction that would move the cursor (a scoring
    // version or a webhook endpoint made in between): the page is read again and handled, items and all.
    name = `${name}-wakes`;
    const ids = await stampMany(`g${run}`, 3);
    await allVisible();
    let asked = 0;
    const waking = consumer({ idle: async () => ++asked === 1 });
    expect(await consumeFeed(storage.db, feed, waking)).toBeGreaterThanOrEqual(3);
    expect((await handledIds()).filter((id) => id.startsWith(`g${run}-`))).toEqual(ids);
  });

  it('two runs racing (two nodes) handle each item exactly once', async () => {
    const ids = await stampMany(`e${run}`, 40);
    const second = engine === 'postgres' ? database.open() : storage;
    try {
      const results = await Promise.allSettled([
        consumeFeed(storage.db, feed, consumer(), { pageSize: 5 }),
        consumeFeed(second.db, feed, consumer(), { pageSize: 5 }),
      ]);
      // A run that lost a race stops with an error; nothing it did for that page was kept.
      for (const result of results)
        if (result.status === 'rejected')
          expect(String(result.reason)).toMatch(/moved the cursor|duplicate|UNIQUE/);
      await allVisible();
      await consumeFeed(storage.db, feed, consumer(), { pageSize: 5 });
      const handled = (await handledIds()).filter((id) => id.startsWith(`e${run}-`));
      expect(handled.sort()).toEqual(ids);
      expect(await counted()).toBe((await handledIds()).length);
    } finally {
      if (second !== storage) await second.close();
    }
  });
});
