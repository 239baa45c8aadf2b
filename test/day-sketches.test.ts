// Unique visitors from the per-day sketches (ranges beyond the exact-count limit), on both engines: per day
// and over the range, websites and bot flags merged, past days remembered, today read again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DAY_MS, utcDay } from '../src/lib/time.ts';
import { daySketches, estimateSketch, mergeSketches } from '../src/reports/day-sketches.ts';
import { sketchEntry } from '../src/reports/visitor-sketch.ts';
import type { Storage } from '../src/storage/database.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';

describeEachEngine('visitor sketches by day', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  const today = utcDay(Date.now());
  const twoDaysAgo = utcDay(Date.now() - 2 * DAY_MS);
  const site = `site-${engine}-${Date.now()}`;
  const other = `other-${engine}-${Date.now()}`;

  async function see(websiteId: string, day: string, visitors: string[], bot = 0, kind = 'all') {
    for (const visitor of visitors) {
      const { reg, rho } = sketchEntry(visitor);
      await storage.db
        .insertInto('daily_visitor_sketch')
        .values({ website_id: websiteId, day, bot, kind, reg, rho })
        .onConflict((oc) =>
          oc
            .columns(['website_id', 'day', 'bot', 'kind', 'reg'])
            .doUpdateSet({ rho: (eb) => eb.ref('excluded.rho') }),
        )
        .execute();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storage = database.open();
    await see(site, twoDaysAgo, ['a', 'b', 'c']);
    await see(site, today, ['c', 'd']);
    await see(site, today, ['bot-1'], 1);
    await see(other, today, ['a', 'e']);
  });
  afterAll(async () => {
    await storage.close();
    await database.drop();
  });

  it('estimates each day and the range (a visitor seen on two days counts once)', async () => {
    const range = { websiteIds: [site], fromDay: twoDaysAgo, toDay: today, includeBots: false };
    const perDay = await daySketches(storage.db, range, 'all');
    expect([...perDay.keys()]).toEqual([twoDaysAgo, utcDay(Date.now() - DAY_MS), today]);
    expect([...perDay.values()].map(estimateSketch)).toEqual([3, 0, 2]);
    expect(estimateSketch(mergeSketches(perDay.values()))).toBe(4);
    // Bots included, and two websites merged (a browser on both counts once).
    expect(
      estimateSketch(
        mergeSketches((await daySketches(storage.db, { ...range, includeBots: true }, 'all')).values()),
      ),
    ).toBe(5);
    const both = await daySketches(storage.db, { ...range, websiteIds: [site, other] }, 'all');
    expect(estimateSketch(mergeSketches(both.values()))).toBe(5);
  });

  it('reads today again, and a day that is over from memory', async () => {
    const range = { websiteIds: [site], fromDay: twoDaysAgo, toDay: today, includeBots: false };
    await daySketches(storage.db, range, 'all');
    await see(site, today, ['f']);
    // Written after that day was read and remembered: a day that is over takes no new visits in Spoor.
    await see(site, twoDaysAgo, ['late']);
    const perDay = await daySketches(storage.db, range, 'all');
    expect(estimateSketch(perDay.get(today)!)).toBe(3);
    expect(estimateSketch(perDay.get(twoDaysAgo)!)).toBe(3);
  });
});
