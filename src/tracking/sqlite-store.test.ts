import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { attributePageview } from './attribution.ts';
import { commitBatch } from './commit-batch.ts';
import type { TrackingEvent } from './events.ts';
import { createIngestor } from './ingest.ts';

const dir = mkdtempSync(join(tmpdir(), 'spoor-sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 20, 23, 50, 0);

/** Three browsers over ten minutes: page views (some repeated), engaged time, an anonymous hit, a bot. */
function traffic(): TrackingEvent[][] {
  const events: TrackingEvent[] = [];
  for (let i = 0; i < 30; i++) {
    const url = `https://shop.test/p${i % 4}${i % 7 === 0 ? '?utm_source=news&utm_campaign=c' : ''}`;
    const referrer = i % 5 === 0 ? 'https://www.google.com/' : null;
    events.push({
      kind: 'pageview',
      websiteId: 'w1',
      eventId: `event${String(i % 27).padStart(12, '0')}`,
      receivedAt: T0 + i * 20_000,
      anonymous: i === 11,
      cookieVisitorId: `visitor${i % 3}000000000000000`,
      mirrorVisitorId: i === 4 ? 'mirror00000000000000000' : null,
      bot: i === 13 ? 'user-agent' : null,
      visitTimeoutMinutes: 30,
      url,
      title: `Page ${i}`,
      referrer,
      attribution: attributePageview(url, referrer),
    });
    if (i % 2 === 1)
      events.push({
        kind: 'engagement',
        websiteId: 'w1',
        eventId: `engaged${String(i).padStart(12, '0')}`,
        pageviewEventId: `event${String(i - 1).padStart(12, '0')}`,
        receivedAt: T0 + i * 20_000 + 5_000,
        anonymous: false,
        cookieVisitorId: `visitor${(i - 1) % 3}000000000000000`,
        mirrorVisitorId: null,
        bot: null,
        visitTimeoutMinutes: 30,
        engagedMs: 4_000 + i,
      });
  }
  const batches: TrackingEvent[][] = [];
  for (let i = 0; i < events.length; i += 7) batches.push(events.slice(i, i + 7));
  return batches;
}

async function stored(storage: Storage) {
  const db = storage.db;
  const visitIds = new Map(
    (await db.selectFrom('visits').select('id').orderBy('started_at').orderBy('visitor_id').execute()).map(
      (v, i) => [v.id, `visit${i}`],
    ),
  );
  const visits = await db
    .selectFrom('visits')
    .selectAll()
    .orderBy('started_at')
    .orderBy('visitor_id')
    .execute();
  const pageviews = await db.selectFrom('pageviews').selectAll().orderBy('event_id').execute();
  return {
    visits: visits.map((v) => ({ ...v, id: visitIds.get(v.id) })),
    pageviews: pageviews.map((p) => ({ ...p, visit_id: p.visit_id && visitIds.get(p.visit_id) })),
    visitors: await db.selectFrom('visitors').selectAll().orderBy('id').execute(),
    aliases: await db.selectFrom('visitor_aliases').selectAll().orderBy('alias_id').execute(),
    stats: await db.selectFrom('daily_stats').selectAll().orderBy('day').orderBy('bot').execute(),
    pages: await db
      .selectFrom('daily_pages')
      .selectAll()
      .orderBy('day')
      .orderBy('bot')
      .orderBy('path')
      .execute(),
    referrers: await db.selectFrom('daily_referrers').selectAll().orderBy('referrer_host').execute(),
    campaigns: await db.selectFrom('daily_campaigns').selectAll().orderBy('day').execute(),
    sketch: await db.selectFrom('daily_visitor_sketch').selectAll().orderBy('day').orderBy('reg').execute(),
  };
}

async function freshFile(name: string): Promise<Storage> {
  const storage = openStorage(`sqlite:${join(dir, name)}`);
  await migrateToLatest(storage.db);
  return storage;
}

describe('SQLite writer thread', () => {
  it('stores exactly what the in-process store does, batch after batch', async () => {
    const reference = await freshFile('reference.db');
    for (const batch of traffic()) await commitBatch(reference, batch);

    const threaded = await freshFile('threaded.db');
    const ingestor = createIngestor(threaded, 256);
    for (const batch of traffic()) await Promise.all(batch.map((event) => ingestor.ingest(event)));
    await ingestor.close();

    const expected = await stored(reference);
    expect(expected.pageviews).toHaveLength(27);
    expect(await stored(threaded)).toEqual(expected);
    await reference.close();
    await threaded.close();
  });

  it('answers every event of batches that arrive together, and again after a restart', async () => {
    const storage = await freshFile('concurrent.db');
    let ingestor = createIngestor(storage, 8);
    const all = traffic().flat();
    const outcomes = await Promise.all(all.map((event) => ingestor.ingest(event)));
    expect(outcomes.filter((o) => o.visitId !== null).length).toBeGreaterThan(all.length / 2);
    await ingestor.close();
    ingestor = createIngestor(storage, 8);
    // The same page view again is recognised, with the same ids.
    const again = await ingestor.ingest(all[0]!);
    expect(again).toEqual(outcomes[0]);
    await ingestor.close();
    expect((await stored(storage)).pageviews).toHaveLength(27);
    await storage.close();
  });
});
