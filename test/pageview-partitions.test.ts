// PostgreSQL's monthly page view partitions (migration 037, decision 041): made ahead of time, written by
// the hot path (a fresh partition and the default one), a page view sent twice stored once even across a
// month's end, engaged time raised on both sides of a month's end in one batch, and retention dropping a month whose every anonymous row expired while the identified
// history of it and newer data stay. SQLite keeps one table (decision 039's batches).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../src/lib/time.ts';
import { applyRetention } from '../src/privacy/apply-retention.ts';
import { openStorage, type Storage } from '../src/storage/database.ts';
import { migrateTo, migrateToLatest } from '../src/storage/migrate.ts';
import { attributePageview } from '../src/tracking/attribution.ts';
import { commitBatch } from '../src/tracking/batch-store.ts';
import type { EngagementEvent, PageviewEvent } from '../src/tracking/events.ts';
import {
  ensurePageviewPartitions,
  MONTHS_AHEAD,
  monthOf,
  pageviewPartitions,
} from '../src/tracking/partitions.ts';
import { insertWebsite } from '../src/websites/store.ts';
import { WEBSITE_DEFAULTS } from '../src/websites/website.ts';
import { createTestDatabase, postgresUrl } from './helpers/engines.ts';

const schemas: string[] = [];
const opened: Storage[] = [];

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new schema of ours (part_…), not yet migrated. */
async function freshSchema(): Promise<{ schema: string; open: () => Storage }> {
  const schema = `part_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create schema ${schema}`));
  schemas.push(schema);
  return {
    schema,
    open: () => {
      const storage = openStorage(postgresUrl as string, { schema });
      opened.push(storage);
      return storage;
    },
  };
}

afterAll(async () => {
  for (const storage of opened) await storage.close().catch(() => {});
  if (schemas.length > 0)
    await admin(async (c) => {
      for (const schema of schemas) await c.query(`drop schema ${schema} cascade`);
    });
});

/** Where each page view of the schema is stored: event id → partition. */
async function placeOf(storage: Storage): Promise<Map<string, string>> {
  const rows = await sql<{ event_id: string; place: string }>`
    select event_id, tableoid::regclass::text as place from pageviews`.execute(storage.db);
  return new Map(rows.rows.map((r) => [r.event_id, r.place.replace(/^.*\./, '')]));
}

/** Whether a table of this name exists in the schema, and whether it is still a partition of anything. */
async function tableState(storage: Storage, name: string): Promise<{ exists: boolean; partition: boolean }> {
  const row = await sql<{ exists: boolean; partition: boolean }>`
    select exists (select 1 from pg_class where relnamespace = current_schema()::regnamespace and relname = ${name}) as exists,
      exists (select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where c.relnamespace = current_schema()::regnamespace and c.relname = ${name}) as partition`.execute(
    storage.db,
  );
  return row.rows[0] as { exists: boolean; partition: boolean };
}

function pageview(
  eventId: string,
  at: number,
  visitor: string,
  extra: Partial<PageviewEvent> = {},
): PageviewEvent {
  const url = 'https://shop.test/page';
  return {
    kind: 'pageview',
    websiteId: 'w1',
    eventId,
    receivedAt: at,
    anonymous: false,
    cookieVisitorId: visitor,
    mirrorVisitorId: null,
    bot: null,
    visitTimeoutMinutes: 30,
    url,
    title: 'Page',
    referrer: null,
    attribution: attributePageview(url, null),
    ...extra,
  };
}

describe.skipIf(!postgresUrl)('page view partitions [postgres]', () => {
  it('migration 037 keeps every row and index, in a partition of its month; this month and the next exist', async () => {
    const { open } = await freshSchema();
    const storage = open();
    await migrateTo(storage.db, '036-webhook-deliveries');
    const months = [Date.UTC(2024, 0, 15), Date.UTC(2024, 0, 31, 23, 59), Date.UTC(2025, 5, 1)];
    await storage.db
      .insertInto('pageviews')
      .values(
        months.map((at, i) => ({
          website_id: 'w1',
          event_id: `old${i}`,
          visit_id: null,
          visitor_id: null,
          occurred_at: at,
          url: 'https://shop.test/',
          path: '/',
          title: null,
          referrer: null,
          engaged_ms: i,
          bot: 0,
          bot_reason: null,
          anonymous: 1,
        })),
      )
      .execute();
    const indexesBefore = await sql<{ name: string }>`
      select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'pageviews'
      order by 1`.execute(storage.db);
    await migrateTo(storage.db, '037-pageview-partitions');

    const places = await placeOf(storage);
    expect(Object.fromEntries(places)).toEqual({
      old0: 'pageviews_p2024_01',
      old1: 'pageviews_p2024_01',
      old2: 'pageviews_p2025_06',
    });
    const names = (await pageviewPartitions(storage.db)).map((p) => p.name);
    const now = Date.now();
    expect(names).toEqual(
      expect.arrayContaining([monthOf(now).name, monthOf(monthOf(now).to).name, 'pageviews_p2024_01']),
    );
    const indexesAfter = await sql<{ name: string }>`
      select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'pageviews'
      order by 1`.execute(storage.db);
    expect(indexesAfter.rows).toEqual(indexesBefore.rows);
    // Later migrations alter the parent (039 drops a column and remakes indexes): they reach every partition.
    await migrateToLatest(storage.db);
    expect(Object.fromEntries(await placeOf(storage))).toEqual(Object.fromEntries(places));
  });

  it('makes the months ahead once, moving rows the default partition took for them; the hot path writes there', async () => {
    const database = await createTestDatabase('postgres');
    const storage = database.open();
    opened.push(storage);
    try {
      // A month with no partition yet (the job was down): the row goes to the default partition, not lost.
      const future = Date.UTC(2031, 2, 10, 12);
      await commitBatch(storage, [pageview('early', future, 'browser000000000000000a')]);
      expect((await placeOf(storage)).get('early')).toBe('pageviews_default');

      const made = await ensurePageviewPartitions(storage, future);
      expect(made).toEqual(['pageviews_p2031_03', 'pageviews_p2031_04', 'pageviews_p2031_05']);
      expect(made).toHaveLength(MONTHS_AHEAD + 1);
      expect(await ensurePageviewPartitions(storage, future)).toEqual([]);
      // The row the default partition held is in its month's partition now.
      expect((await placeOf(storage)).get('early')).toBe('pageviews_p2031_03');

      // Two nodes' jobs at once: each month made once, neither fails.
      const later = Date.UTC(2032, 6, 1);
      const [a, b] = await Promise.all([
        ensurePageviewPartitions(storage, later),
        ensurePageviewPartitions(storage, later),
      ]);
      expect([...a, ...b].sort()).toEqual(['pageviews_p2032_07', 'pageviews_p2032_08', 'pageviews_p2032_09']);

      // The hot path into a freshly made partition, and into the default one (no partition for 2040).
      await commitBatch(storage, [
        pageview('fresh', Date.UTC(2032, 7, 3), 'browser000000000000000b'),
        pageview('nowhere', Date.UTC(2040, 0, 1), 'browser000000000000000c'),
      ]);
      const places = await placeOf(storage);
      expect(places.get('fresh')).toBe('pageviews_p2032_08');
      expect(places.get('nowhere')).toBe('pageviews_default');
    } finally {
      await database.drop();
    }
  });

  it('stores a page view sent to two nodes at once once, also across the end of a month', async () => {
    const database = await createTestDatabase('postgres');
    const nodeA = database.open();
    const nodeB = database.open();
    opened.push(nodeA, nodeB);
    try {
      const end = Date.UTC(2033, 0, 1);
      await ensurePageviewPartitions(nodeA, end - DAY_MS);
      const cases = [
        // Same month, a second apart.
        ...Array.from({ length: 8 }, (_, i) => [
          Date.UTC(2032, 11, 10, 10, i),
          Date.UTC(2032, 11, 10, 10, i, 1),
        ]),
        // One copy on each side of the month's end.
        ...Array.from({ length: 8 }, (_, i) => [end - 500 - i, end + 500 + i]),
      ];
      for (const [i, [atA, atB]] of cases.entries()) {
        const visitor = `browser${String(i).padStart(16, '0')}`;
        const copyA = pageview(`twice${i}`, atA as number, visitor);
        const copyB = pageview(`twice${i}`, atB as number, visitor);
        const [outA, outB] = await Promise.all([commitBatch(nodeA, [copyA]), commitBatch(nodeB, [copyB])]);
        // Both nodes answer with the same visit: the second found the first's page view.
        expect(outA[0]?.visitId).toBe(outB[0]?.visitId);
      }
      const rows = await sql<{ event_id: string; n: string }>`
        select event_id, count(*) as n from pageviews group by event_id`.execute(nodeA.db);
      expect(rows.rows).toHaveLength(cases.length);
      for (const row of rows.rows) expect(Number(row.n)).toBe(1);
      const visits = await nodeA.db.selectFrom('visits').select('pageviews').execute();
      expect(visits.map((v) => v.pageviews)).toEqual(cases.map(() => 1));
    } finally {
      await database.drop();
    }
  });

  it("raises engaged time of page views on both sides of a month's end in one batch, each website's own", async () => {
    const database = await createTestDatabase('postgres');
    const storage = database.open();
    opened.push(storage);
    try {
      const end = Date.UTC(2034, 5, 1);
      await ensurePageviewPartitions(storage, end - DAY_MS);
      const browser = 'browser000000000000000d';
      // Two page views a second either side of the month's end, and one on another website whose event id
      // is one of the first's (the read pairs website and event; it does not cross them).
      await commitBatch(storage, [
        pageview('before-end', end - 1_000, browser),
        pageview('after-end', end + 1_000, browser),
        pageview('before-end', end + 2_000, 'browser000000000000000e', { websiteId: 'w2' }),
      ]);
      // One batch of engaged time for both months' page views: the update is bounded by their first and
      // last occurred_at and must reach both partitions; the other website's copy of the id is not touched.
      const engaged = (eventId: string, engagedMs: number, at: number): EngagementEvent => {
        const {
          websiteId,
          receivedAt,
          anonymous,
          cookieVisitorId,
          mirrorVisitorId,
          bot,
          visitTimeoutMinutes,
        } = pageview(`eng-${eventId}`, at, browser);
        return {
          kind: 'engagement',
          eventId: `eng-${eventId}`,
          pageviewEventId: eventId,
          engagedMs,
          ...{ websiteId, receivedAt, anonymous, cookieVisitorId, mirrorVisitorId, bot, visitTimeoutMinutes },
        };
      };
      await commitBatch(storage, [
        engaged('before-end', 4_000, end + 5_000),
        engaged('after-end', 7_000, end + 5_000),
      ]);
      const rows = await sql<{ website_id: string; event_id: string; engaged_ms: string; place: string }>`
        select website_id, event_id, engaged_ms, tableoid::regclass::text as place from pageviews
        order by website_id, event_id`.execute(storage.db);
      expect(
        rows.rows.map((r) => [r.website_id, r.event_id, Number(r.engaged_ms), r.place.replace(/^.*\./, '')]),
      ).toEqual([
        ['w1', 'after-end', 7_000, 'pageviews_p2034_06'],
        ['w1', 'before-end', 4_000, 'pageviews_p2034_05'],
        ['w2', 'before-end', 0, 'pageviews_p2034_06'],
      ]);
    } finally {
      await database.drop();
    }
  });

  it('retention drops a month whose anonymous rows all expired, keeping its identified history and newer data', async () => {
    const database = await createTestDatabase('postgres');
    const storage = database.open();
    opened.push(storage);
    try {
      const now = Date.now();
      const old = Date.UTC(2021, 3, 10, 12);
      // April 2021 and the two months after it get partitions, as if the job had run then.
      await ensurePageviewPartitions(storage, old);
      const site = (id: string, retentionDays: number | null) =>
        insertWebsite(
          storage.db,
          id,
          { ...WEBSITE_DEFAULTS, name: id, allowedOrigins: [], retentionDays },
          now,
        );
      await site('w1', 30);

      const browsers = ['browserAnon0000000000000', 'browserKnown000000000000', 'browserRecent00000000000'];
      await commitBatch(storage, [
        pageview('anon1', old, browsers[0] as string),
        pageview('anon2', old + MINUTE_MS, browsers[0] as string),
        pageview('known1', old, browsers[1] as string),
        pageview('known2', old + MINUTE_MS, browsers[1] as string),
        pageview('noid', old, browsers[0] as string, { anonymous: true, cookieVisitorId: null }),
      ]);
      await commitBatch(storage, [pageview('recent', now - MINUTE_MS, browsers[2] as string)]);
      // The second browser's visit is identified (a contact's history).
      await storage.db
        .updateTable('visits')
        .set({ contact_id: 'contact0000000000000000', identified: 1 })
        .where('visitor_id', '=', browsers[1] as string)
        .execute();
      const rollupsBefore = await storage.db.selectFrom('daily_stats').selectAll().orderBy('day').execute();
      expect((await placeOf(storage)).get('anon1')).toBe('pageviews_p2021_04');

      // Two nodes' passes at once: each month dropped once, the kept rows moved once, neither fails.
      const second = database.open();
      opened.push(second);
      const [result, other] = await Promise.all([
        applyRetention(storage, now, { batchSize: 1 }),
        applyRetention(second, now, { batchSize: 1 }),
      ]);
      // April, May and June 2021 went whole; the identified page views were moved out first.
      expect(result.partitionsDropped + other.partitionsDropped).toBe(3);
      expect(result.keptPageviews + other.keptPageviews).toBe(2);
      for (const name of ['pageviews_p2021_04', 'pageviews_p2021_05', 'pageviews_p2021_06'])
        expect(await tableState(storage, name)).toEqual({ exists: false, partition: false });
      // Nothing of the dropped month is deleted row by row: its page views went with it.
      expect(result.pageviews + other.pageviews).toBe(0);
      expect(result.anonymousPageviews + other.anonymousPageviews).toBe(0);
      // The anonymous visit itself goes in the batched pass, its browser too.
      expect(result.visits + other.visits).toBe(1);

      const places = await placeOf(storage);
      expect(Object.fromEntries(places)).toEqual({
        known1: 'pageviews_kept',
        known2: 'pageviews_kept',
        recent: monthOf(now).name,
      });
      const visits = await storage.db.selectFrom('visits').select(['visitor_id', 'pageviews']).execute();
      expect(visits.map((v) => v.visitor_id).sort()).toEqual([browsers[1], browsers[2]].sort());
      // The identified history still reads as before (a contact's export reads page views by visit).
      const known = await storage.db
        .selectFrom('pageviews')
        .innerJoin('visits', 'visits.id', 'pageviews.visit_id')
        .select('pageviews.event_id')
        .where('visits.contact_id', '=', 'contact0000000000000000')
        .orderBy('pageviews.event_id')
        .execute();
      expect(known.map((p) => p.event_id)).toEqual(['known1', 'known2']);
      expect(await storage.db.selectFrom('daily_stats').selectAll().orderBy('day').execute()).toEqual(
        rollupsBefore,
      );
      // This month and the ones ahead are untouched, and a second pass has nothing to do.
      expect(await tableState(storage, monthOf(now).name)).toEqual({ exists: true, partition: true });
      expect(await applyRetention(storage, now)).toMatchObject({
        partitionsDropped: 0,
        visits: 0,
        keptPageviews: 0,
      });
    } finally {
      await database.drop();
    }
  });

  it('leaves a month shared with a website without a period to the batched deletes', async () => {
    const database = await createTestDatabase('postgres');
    const storage = database.open();
    opened.push(storage);
    try {
      const now = Date.now();
      const old = Date.UTC(2022, 8, 5);
      await ensurePageviewPartitions(storage, old);
      await insertWebsite(
        storage.db,
        'w1',
        { ...WEBSITE_DEFAULTS, name: 'w1', allowedOrigins: [], retentionDays: 30 },
        now,
      );
      await insertWebsite(
        storage.db,
        'w2',
        { ...WEBSITE_DEFAULTS, name: 'w2', allowedOrigins: [], retentionDays: null },
        now,
      );
      await commitBatch(storage, [
        pageview('goes', old, 'browserGoes0000000000000'),
        pageview('stays', old, 'browserStays000000000000', { websiteId: 'w2' }),
      ]);
      const result = await applyRetention(storage, now);
      expect(result.partitionsDropped).toBe(0);
      expect(result).toMatchObject({ visits: 1, pageviews: 1 });
      expect(await tableState(storage, 'pageviews_p2022_09')).toEqual({ exists: true, partition: true });
      expect(Object.fromEntries(await placeOf(storage))).toEqual({ stays: 'pageviews_p2022_09' });
    } finally {
      await database.drop();
    }
  });
});

describe('page view partitions [sqlite]', () => {
  it('are not made: SQLite keeps one table', async () => {
    const storage = openStorage('sqlite::memory:');
    await migrateToLatest(storage.db);
    expect(await ensurePageviewPartitions(storage, Date.now())).toEqual([]);
    const columns = await sql<{ name: string }>`select name from pragma_table_info('pageviews')`.execute(
      storage.db,
    );
    expect(columns.rows.map((c) => c.name)).not.toContain('kept');
    await storage.close();
  });
});
