// The one tracking batch store, run every way it runs — by the SQLite writer thread (through the hot path
// and on a raw connection), in process on SQLite and on PostgreSQL — on the same batches: each must
// store exactly the same rows and rollups. Then what the thread alone adds: its browser cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../../test/helpers/engines.ts';
import { MINUTE_MS } from '../lib/time.ts';
import { openSqliteConnection, openStorage, type Storage } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import type { PageviewsTable } from '../storage/schema.ts';
import { attributePageview } from './attribution.ts';
import { commitBatch, threadBatchStore } from './batch-store.ts';
import type { EngagementEvent, PageviewEvent, TrackingEvent } from './events.ts';
import { createIngestor } from './ingest.ts';

const dir = mkdtempSync(join(tmpdir(), 'spoor-batch-store-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

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

function engaged(eventId: string, of: PageviewEvent['eventId'], at: number, visitor: string, ms: number) {
  return {
    kind: 'engagement',
    websiteId: 'w1',
    eventId,
    pageviewEventId: of,
    receivedAt: at,
    anonymous: false,
    cookieVisitorId: visitor,
    mirrorVisitorId: null,
    bot: null,
    visitTimeoutMinutes: 30,
    engagedMs: ms,
  } satisfies EngagementEvent;
}

/**
 * Three browsers over ten minutes across midnight: page views (some repeated), engaged time, an
 * anonymous hit, a bot, a mirror id that becomes an alias. Then two come back after their visits timed
 * out, and engaged time for a page of an earlier visit arrives once the next one has started.
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
      events.push(
        engaged(
          `engaged${String(i).padStart(12, '0')}`,
          `event${String(i - 1).padStart(12, '0')}`,
          T0 + i * 20_000 + 5_000,
          `visitor${(i - 1) % 3}000000000000000`,
          4_000 + i,
        ),
      );
  }
  const later = T0 + 50 * MINUTE_MS;
  events.push(
    pageview(40, later, 'visitor0000000000000000'),
    pageview(41, later + 1_000, 'visitor1000000000000000'),
    // visitor0's first visit
    engaged(
      'engaged-late000000000',
      `event${String(24).padStart(12, '0')}`,
      later + 2_000,
      'visitor0000000000000000',
      60_000,
    ),
  );
  const batches: TrackingEvent[][] = [];
  for (let i = 0; i < events.length; i += 7) batches.push(events.slice(i, i + 7));
  // The browser's next page view must continue the visit that started last, in a batch of its own.
  batches.push([pageview(42, later + 3_000, 'visitor0000000000000000')]);
  return batches;
}

const browser = 'browserA000000000000000';

/** A page view, then engaged time for it 40 minutes on (a tab closed late), which extends the visit … */
function lateEngaged(): TrackingEvent[][] {
  return [
    [pageview(1, T0, browser)],
    [
      engaged(
        'engaged-late000000000',
        pageview(1, T0, browser).eventId,
        T0 + 40 * MINUTE_MS,
        browser,
        30_000,
      ),
    ],
    // … so the next page view continues it.
    [pageview(2, T0 + 41 * MINUTE_MS, browser)],
  ];
}

/** Rows sorted whole, so the order does not depend on an engine's collation. */
const sorted = <T>(rows: T[]) =>
  rows
    .map((row) => [JSON.stringify(row), row] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);

/** Everything the store writes; visit ids (random) replaced by their order. */
async function stored(storage: Storage) {
  const db = storage.db;
  const visits = await db
    .selectFrom('visits')
    .selectAll()
    .orderBy('started_at')
    .orderBy('visitor_id')
    .execute();
  const visitIds = new Map(visits.map((v, i) => [v.id, `visit${i}`]));
  // PostgreSQL's partition key `kept` (migration 037) is not the store's to write: left out.
  const pageviews = (await db.selectFrom('pageviews').selectAll().execute()).map(
    ({ kept: _kept, ...row }: PageviewsTable & { kept?: number }) => row,
  );
  return {
    visits: visits.map((v) => ({ ...v, id: visitIds.get(v.id) })),
    pageviews: sorted(pageviews.map((p) => ({ ...p, visit_id: p.visit_id && visitIds.get(p.visit_id) }))),
    visitors: sorted(await db.selectFrom('visitors').selectAll().execute()),
    aliases: sorted(await db.selectFrom('visitor_aliases').selectAll().execute()),
    stats: sorted(await db.selectFrom('daily_stats').selectAll().execute()),
    pages: sorted(await db.selectFrom('daily_pages').selectAll().execute()),
    referrers: sorted(await db.selectFrom('daily_referrers').selectAll().execute()),
    campaigns: sorted(await db.selectFrom('daily_campaigns').selectAll().execute()),
    entryPages: sorted(await db.selectFrom('daily_entry_pages').selectAll().execute()),
    sketch: sorted(await db.selectFrom('daily_visitor_sketch').selectAll().execute()),
  };
}

let files = 0;
async function freshFile(): Promise<Storage> {
  const storage = openStorage(`sqlite:${join(dir, `store${files++}.db`)}`);
  await migrateToLatest(storage.db);
  return storage;
}

async function freshPostgres(): Promise<Storage> {
  const database = await createTestDatabase('postgres');
  databases.push(database);
  return database.open();
}

/** Each way the store runs: it stores the batches one after the other, then its database is read. */
const ways: { name: string; run(batches: TrackingEvent[][]): Promise<Storage> }[] = [
  {
    name: 'the SQLite writer thread, through the hot path',
    async run(batches) {
      const storage = await freshFile();
      const ingestor = createIngestor(storage, 256);
      for (const batch of batches) await Promise.all(batch.map((event) => ingestor.ingest(event)));
      await ingestor.close();
      return storage;
    },
  },
  {
    name: 'the thread store on a raw connection',
    async run(batches) {
      const storage = await freshFile();
      const sqlite = openSqliteConnection(storage.sqliteFile as string);
      const write = threadBatchStore(sqlite);
      for (const batch of batches) write(batch);
      sqlite.close();
      return storage;
    },
  },
  {
    name: 'in process on SQLite :memory:',
    async run(batches) {
      const storage = openStorage('sqlite::memory:');
      await migrateToLatest(storage.db);
      for (const batch of batches) await commitBatch(storage, batch);
      return storage;
    },
  },
  {
    name: 'in process on a SQLite file',
    async run(batches) {
      const storage = await freshFile();
      for (const batch of batches) await commitBatch(storage, batch);
      return storage;
    },
  },
  ...(engines.includes('postgres')
    ? [
        {
          name: 'in process on PostgreSQL',
          async run(batches: TrackingEvent[][]) {
            const storage = await freshPostgres();
            for (const batch of batches) await commitBatch(storage, batch);
            return storage;
          },
        },
      ]
    : []),
];

async function storedEveryWay(batches: () => TrackingEvent[][]) {
  const results: { name: string; rows: Awaited<ReturnType<typeof stored>> }[] = [];
  for (const way of ways) {
    const storage = await way.run(batches());
    results.push({ name: way.name, rows: await stored(storage) });
    await storage.close();
  }
  return results;
}

describe('the tracking batch store, every way it runs', () => {
  it('stores exactly the same rows and rollups, batch after batch', async () => {
    const [reference, ...others] = await storedEveryWay(traffic);
    const expected = reference!.rows;
    expect(expected.pageviews).toHaveLength(30);
    expect(expected.aliases).toEqual([
      { alias_id: 'mirror00000000000000000', visitor_id: 'visitor1000000000000000' },
    ]);
    expect(expected.visits.filter((v) => v.visitor_id === 'visitor0000000000000000')).toMatchObject([
      { pageviews: 9 },
      { pageviews: 2 },
    ]);
    for (const other of others)
      expect({ way: other.name, ...other.rows }).toEqual({ way: other.name, ...expected });
  });

  it('continues a visit that late engaged time extended after it was out of reach', async () => {
    const [reference, ...others] = await storedEveryWay(lateEngaged);
    expect(reference!.rows.visits).toMatchObject([{ pageviews: 2 }]);
    for (const other of others)
      expect({ way: other.name, ...other.rows }).toEqual({ way: other.name, ...reference!.rows });
  });

  for (const engine of engines) {
    it(`answers every event of batches that arrive together, and again after a restart [${engine}]`, async () => {
      // On PostgreSQL the hot path commits several batches at once: a page view sent twice in two of
      // them is stored by one, and the other is retried (ConcurrentDuplicateError) and finds it.
      const storage = engine === 'postgres' ? await freshPostgres() : await freshFile();
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
  }
});

describe('the writer thread: what it remembers of browsers', () => {
  async function writerOnFreshFile() {
    const storage = await freshFile();
    const sqlite = openSqliteConnection(storage.sqliteFile as string);
    return { storage, sqlite, write: threadBatchStore(sqlite) };
  }

  it('sees a contact linked by another connection (identity through Kysely)', async () => {
    const { storage, sqlite, write } = await writerOnFreshFile();
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
    const { storage, sqlite, write } = await writerOnFreshFile();
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
    const { storage, sqlite, write } = await writerOnFreshFile();
    write([pageview(1, T0, browser)]);
    sqlite.prepare('update visitors set contact_id = ? where id = ?').run('contact1', browser);
    write([pageview(2, T0 + 40 * MINUTE_MS, browser)]);
    const visits = await storage.db.selectFrom('visits').select('contact_id').orderBy('started_at').execute();
    expect(visits).toEqual([{ contact_id: null }, { contact_id: 'contact1' }]);
    sqlite.close();
    await storage.close();
  });

  it('forgets what a failed batch changed', async () => {
    const { storage, sqlite, write } = await writerOnFreshFile();
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
