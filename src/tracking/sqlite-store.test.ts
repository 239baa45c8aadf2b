import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../lib/time.ts';
import { openSqliteConnection, openStorage, type Storage } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { attributePageview } from './attribution.ts';
import type { PageviewEvent, TrackingEvent } from './events.ts';
import { commitBatch, createIngestor } from './ingest.ts';
import { sqliteBatchWriter } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'spoor-sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 20, 23, 50, 0);

function pageview(i: number, at: number, visitor: string, extra: Partial<PageviewEvent> = {}): PageviewEvent {
  const url = `https://shop.test/p${i % 4}${i % 7 === 0 ? '?utm_source=news&utm_campaign=c' : ''}`;
  const referrer = i % 5 === 0 ? 'https://www.google.com/' : null;
  return {
    kind: 'pageview',
    websiteId: 'w1',
    eventId: `event${String(i).padStart(12, '0')}`,
    receivedAt: at,
    anonymous: false,
    cookieVisitorId: visitor,
    mirrorVisitorId: null,
    bot: null,
    visitTimeoutMinutes: 30,
    url,
    title: `Page ${i}`,
    referrer,
    attribution: attributePageview(url, referrer),
    ...extra,
  };
}

/**
 * Three browsers over ten minutes: page views (some repeated), engaged time, an anonymous hit, a bot.
 * Then two come back after their visits timed out, and engaged time for a page of an earlier visit
 * arrives once the next one has started.
 */
function traffic(): TrackingEvent[][] {
  const events: TrackingEvent[] = [];
  for (let i = 0; i < 30; i++) {
    events.push(
      pageview(i % 27, T0 + i * 20_000, `visitor${i % 3}000000000000000`, {
        anonymous: i === 11,
        mirrorVisitorId: i === 4 ? 'mirror00000000000000000' : null,
        bot: i === 13 ? 'user-agent' : null,
        title: `Page ${i}`,
      }),
    );
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
  const later = T0 + 50 * MINUTE_MS;
  events.push(
    pageview(40, later, 'visitor0000000000000000'),
    pageview(41, later + 1_000, 'visitor1000000000000000'),
    {
      kind: 'engagement',
      websiteId: 'w1',
      eventId: 'engaged-late000000000',
      pageviewEventId: `event${String(24).padStart(12, '0')}`, // visitor0's first visit
      receivedAt: later + 2_000,
      anonymous: false,
      cookieVisitorId: 'visitor0000000000000000',
      mirrorVisitorId: null,
      bot: null,
      visitTimeoutMinutes: 30,
      engagedMs: 60_000,
    },
  );
  const batches: TrackingEvent[][] = [];
  for (let i = 0; i < events.length; i += 7) batches.push(events.slice(i, i + 7));
  // The browser's next page view must continue the visit that started last, in a batch of its own.
  batches.push([pageview(42, later + 3_000, 'visitor0000000000000000')]);
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
    entryPages: await db
      .selectFrom('daily_entry_pages')
      .selectAll()
      .orderBy('day')
      .orderBy('bot')
      .orderBy('entry_path')
      .execute(),
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
    expect(expected.pageviews).toHaveLength(30);
    expect(expected.visits.filter((v) => v.visitor_id === 'visitor0000000000000000')).toMatchObject([
      { pageviews: 9 },
      { pageviews: 2 },
    ]);
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
    expect((await stored(storage)).pageviews).toHaveLength(30);
    await storage.close();
  });
});

describe('SQLite writer: what it remembers of browsers', () => {
  const browser = 'browserA000000000000000';

  async function writerOnFreshFile(name: string) {
    const storage = await freshFile(name);
    const sqlite = openSqliteConnection(join(dir, name));
    return { storage, sqlite, write: sqliteBatchWriter(sqlite) };
  }

  it('keeps up with a visit that late engaged time extended after it was out of reach', async () => {
    const batches: TrackingEvent[][] = [
      [pageview(1, T0, browser)],
      // Engaged time for that page view 40 minutes on (a tab closed late) extends the visit …
      [
        {
          kind: 'engagement',
          websiteId: 'w1',
          eventId: 'engaged-late000000000',
          pageviewEventId: pageview(1, T0, browser).eventId,
          receivedAt: T0 + 40 * MINUTE_MS,
          anonymous: false,
          cookieVisitorId: browser,
          mirrorVisitorId: null,
          bot: null,
          visitTimeoutMinutes: 30,
          engagedMs: 30_000,
        },
      ],
      // … so the next page view continues it.
      [pageview(2, T0 + 41 * MINUTE_MS, browser)],
    ];
    const reference = await freshFile('late-engaged-reference.db');
    for (const batch of batches) await commitBatch(reference, batch);
    const { storage, sqlite, write } = await writerOnFreshFile('late-engaged.db');
    for (const batch of batches) write(batch);
    const expected = await stored(reference);
    expect(expected.visits).toMatchObject([{ pageviews: 2 }]);
    expect(await stored(storage)).toEqual(expected);
    sqlite.close();
    await storage.close();
    await reference.close();
  });

  it('sees a contact linked by another connection (identity through Kysely)', async () => {
    const { storage, sqlite, write } = await writerOnFreshFile('linked-elsewhere.db');
    write([pageview(1, T0, browser)]);
    await storage.db
      .updateTable('visitors')
      .set({ contact_id: 'contact1' })
      .where('id', '=', browser)
      .execute();
    write([pageview(2, T0 + 40 * MINUTE_MS, browser)]); // a new visit, of an identified browser
    const visits = await storage.db.selectFrom('visits').selectAll().orderBy('started_at').execute();
    expect(visits.map((v) => [v.contact_id, v.identified])).toEqual([
      [null, 0],
      ['contact1', 1],
    ]);
    sqlite.close();
    await storage.close();
  });

  it('sees a visit deleted by another connection (erasure, retention)', async () => {
    const { storage, sqlite, write } = await writerOnFreshFile('deleted-elsewhere.db');
    write([pageview(1, T0, browser)]);
    await storage.db.deleteFrom('pageviews').execute();
    await storage.db.deleteFrom('visits').execute();
    const [outcome] = write([pageview(2, T0 + MINUTE_MS, browser)]);
    const visits = await storage.db.selectFrom('visits').select(['id', 'pageviews']).execute();
    expect(visits).toEqual([{ id: outcome?.visitId, pageviews: 1 }]);
    sqlite.close();
    await storage.close();
  });

  it('sees a contact linked on its own connection (the email engagement writer)', async () => {
    const { storage, sqlite, write } = await writerOnFreshFile('linked-same-connection.db');
    write([pageview(1, T0, browser)]);
    sqlite.prepare('update visitors set contact_id = ? where id = ?').run('contact1', browser);
    write([pageview(2, T0 + 40 * MINUTE_MS, browser)]);
    const visits = await storage.db.selectFrom('visits').select('contact_id').orderBy('started_at').execute();
    expect(visits).toEqual([{ contact_id: null }, { contact_id: 'contact1' }]);
    sqlite.close();
    await storage.close();
  });

  it('forgets what a failed batch changed', async () => {
    const { storage, sqlite, write } = await writerOnFreshFile('failed-batch.db');
    write([pageview(1, T0, browser)]);
    // The second page view continues the visit in memory, then its first write fails (and changes nothing).
    sqlite.exec("create trigger fail before update on visits begin select raise(abort, 'disk full'); end");
    expect(() => write([pageview(2, T0 + MINUTE_MS, browser)])).toThrow('disk full');
    sqlite.exec('drop trigger fail');
    write([pageview(4, T0 + 3 * MINUTE_MS, browser)]);
    const visits = await storage.db.selectFrom('visits').select(['pageviews', 'last_seen_at']).execute();
    expect(visits).toEqual([{ pageviews: 2, last_seen_at: T0 + 3 * MINUTE_MS }]);
    // Its second page view took back the bounce of the first.
    const stats = await storage.db
      .selectFrom('daily_stats')
      .select(['pageviews', 'visits', 'bounces'])
      .execute();
    expect(stats).toEqual([{ pageviews: 2, visits: 1, bounces: 0 }]);
    sqlite.close();
    await storage.close();
  });
});
