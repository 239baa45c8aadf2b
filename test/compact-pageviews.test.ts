// Migration 039 (compact page views, decision 045) on a database with data: page views stored before it
// keep their values as every reader sees them, and the narrower indexes still serve realtime and retention.
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { recentActivity } from '../src/reports/store.ts';
import type { Storage } from '../src/storage/database.ts';
import * as compactPageviews from '../src/storage/migrations/039-compact-pageviews.ts';
import { deleteAnonymousPageviewBatch, pageviewRows } from '../src/tracking/store.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';

const NOW = Date.now();
const SITE = 'https://www.shop.test';

/** The website the page views belong to. */
async function insertShop(db: Storage['db']): Promise<void> {
  await db
    .insertInto('websites')
    .values({
      id: 'w1',
      name: 'Shop',
      allowed_origins: JSON.stringify([SITE]),
      visit_timeout_minutes: 30,
      visitor_cookie_days: 400,
      gpc_mode: 'anonymize',
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

describeEachEngine('compact page views (migration 039)', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    storage = database.open();
  });
  afterEach(async () => {
    await storage.close();
    await database.drop();
  });

  /** The layout before 039 (its down), with a visit of two page views and a page view without a visit. */
  async function seedBefore(): Promise<void> {
    const db = storage.db;
    await compactPageviews.down(db);
    await insertShop(db);
    await sql`insert into visits (id, website_id, visitor_id, started_at, last_seen_at, pageviews, engaged_ms,
        entry_path, bot, identified)
      values ('v1', 'w1', 'browser-1', ${NOW - 60_000}, ${NOW - 30_000}, 2, 0, '/a', 0, 0)`.execute(db);
    const pv = (
      id: string,
      visit: string | null,
      visitor: string | null,
      at: number,
      url: string,
      path: string,
    ) =>
      sql`insert into pageviews (website_id, event_id, visit_id, visitor_id, occurred_at, url, path, title,
          referrer, engaged_ms, bot, anonymous)
        values ('w1', ${id}, ${visit}, ${visitor}, ${at}, ${url}, ${path}, 'A', null, 7, 0, ${visit ? 0 : 1})`.execute(
        db,
      );
    await pv('e1', 'v1', 'browser-1', NOW - 60_000, `${SITE}/a?x=1`, '/a');
    await pv('e2', 'v1', 'browser-1', NOW - 30_000, `${SITE}/b`, '/b');
    await pv('e3', null, null, NOW - 40 * 86_400_000, `${SITE}/old`, '/old');
    await pv('e4', null, null, NOW - 10_000, `${SITE}/c`, '/c');
  }

  const read = async () =>
    (
      await pageviewRows(storage.db)
        .where('pageviews.website_id', '=', 'w1')
        .orderBy('pageviews.event_id')
        .execute()
    ).map((r) => ({ ...r, occurred_at: Number(r.occurred_at), engaged_ms: Number(r.engaged_ms) }));

  it('keeps every stored page view as its readers see it, and the realtime and retention figures', async () => {
    await seedBefore();
    const before = (
      await sql<
        Record<string, unknown>
      >`select website_id, event_id, visit_id, visitor_id, occurred_at, url, path,
          title, referrer, engaged_ms, bot, bot_reason, anonymous
        from pageviews order by event_id`.execute(storage.db)
    ).rows.map((r) => ({ ...r, occurred_at: Number(r['occurred_at']), engaged_ms: Number(r['engaged_ms']) }));
    expect(before).toHaveLength(4);
    const recentBefore = await recentActivity(storage.db, ['w1'], NOW - 5 * 60_000);

    await compactPageviews.up(storage.db);

    expect(await read()).toEqual(before);
    const recent = await recentActivity(storage.db, ['w1'], NOW - 5 * 60_000);
    expect(recent).toEqual(recentBefore);
    expect(recent).toEqual({ visitors: 1, pageviews: 3, anonymousPageviews: 1 });
    const columns = (
      await sql<{ name: string }>`select ${sql.raw(
        engine === 'sqlite'
          ? "name from pragma_table_info('pageviews')"
          : `column_name as name from information_schema.columns where table_name = 'pageviews' and table_schema = current_schema()`,
      )}`.execute(storage.db)
    ).rows.map((r) => r.name);
    expect(columns).not.toContain('visitor_id');
    expect(columns).toContain('url_query');
    // Retention of visit-less page views reads the partial index: the old one goes, the recent one stays.
    const pass = await storage.db
      .transaction()
      .execute((tx) => deleteAnonymousPageviewBatch(tx, engine, 'w1', NOW - 30 * 86_400_000, 100, null));
    expect(pass.pageviews).toBe(1);
    expect((await read()).map((r) => r.event_id)).toEqual(['e1', 'e2', 'e4']);
  });

  // PostgreSQL only (SQLite has no partitioned tables): registered on that engine alone, not skipped.
  if (engine === 'postgres')
    it('alters a range-partitioned pageviews in place (as migration 037 may leave it)', async () => {
      const db = storage.db;
      await compactPageviews.down(db);
      // The layout before 039, partitioned by time: the parent keeps its name, indexes are the parent's.
      await sql`alter table pageviews rename to pageviews_plain`.execute(db);
      await sql`drop index pageviews_by_visit`.execute(db);
      await sql`drop index pageviews_by_website_time`.execute(db);
      await sql`create table pageviews (like pageviews_plain including defaults) partition by range (occurred_at)`.execute(
        db,
      );
      await sql`alter table pageviews add primary key (website_id, event_id, occurred_at)`.execute(db);
      await sql`create table pageviews_old partition of pageviews for values from (0) to (${sql.lit(NOW - 86_400_000)})`.execute(
        db,
      );
      await sql`create table pageviews_rest partition of pageviews default`.execute(db);
      await sql`create index pageviews_by_visit on pageviews (visit_id, occurred_at)`.execute(db);
      await sql`create index pageviews_by_website_time on pageviews (website_id, occurred_at)`.execute(db);
      await sql`drop table pageviews_plain`.execute(db);
      await insertShop(db);
      await sql`insert into pageviews (website_id, event_id, visit_id, visitor_id, occurred_at, url, path, engaged_ms, bot,
        anonymous)
      values ('w1', 'old', null, null, ${NOW - 40 * 86_400_000}, ${`${SITE}/old`}, '/old', 0, 0, 1),
        ('w1', 'new', null, null, ${NOW - 1000}, ${`${SITE}/new`}, '/new', 0, 0, 1)`.execute(db);

      await compactPageviews.up(db);

      expect((await read()).map((r) => [r.event_id, r.url])).toEqual([
        ['new', `${SITE}/new`],
        ['old', `${SITE}/old`],
      ]);
      // The parent's indexes, each with one per partition.
      const indexes = await sql<{ name: string; partitions: number }>`
      select c.relname as name, (select count(*) from pg_inherits i where i.inhparent = c.oid)::int as partitions
      from pg_index x join pg_class c on c.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      where t.relname = 'pageviews' and t.relnamespace = current_schema()::regnamespace order by c.relname`.execute(
        db,
      );
      expect(indexes.rows).toEqual([
        { name: 'pageviews_anonymous_by_website_time', partitions: 2 },
        { name: 'pageviews_by_time', partitions: 2 },
        { name: 'pageviews_by_visit', partitions: 2 },
        { name: 'pageviews_pkey', partitions: 2 },
      ]);
      expect(await recentActivity(db, ['w1'], NOW - 60_000)).toEqual({
        visitors: 0,
        pageviews: 1,
        anonymousPageviews: 1,
      });
    });

  // PostgreSQL's planner choices depend on statistics (the bench's data set shows them).
  if (engine === 'sqlite')
    it('the query plans use the new indexes', async () => {
      const plan = async (query: string) =>
        (await sql<{ detail: string }>`${sql.raw(`explain query plan ${query}`)}`.execute(storage.db)).rows
          .map((r) => r.detail)
          .join('\n');
      expect(
        await plan(
          "select count(*) from pageviews left join visits on visits.id = pageviews.visit_id where pageviews.website_id || '' in ('w1') and pageviews.occurred_at >= 5 and pageviews.bot = 0",
        ),
      ).toMatch(/pageviews USING INDEX pageviews_by_time/);
      expect(
        await plan(
          "select event_id from pageviews where website_id = 'w1' and occurred_at < 5 and visit_id is null order by occurred_at, event_id limit 10",
        ),
      ).toMatch(/pageviews_anonymous_by_website_time/);
    });
});
