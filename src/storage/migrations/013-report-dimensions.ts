// Report dimensions: visits by entry page, and visit figures (bounces, page views, engaged time) per
// referrer and per campaign, so the dashboard can filter a website's report by any of them from rollups.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

// Each table is keyed by one dimension (not their cross product): a report filtered by a referrer reads
// that referrer's rows only, and ingest adds one upsert per distinct entry page, referrer and campaign
// in a batch. Figures are the visit's, counted on the day the visit started (as daily_stats.visits):
// page views and engaged time of the visit's later page views are added to its entry page, referrer and
// campaign as they arrive (src/tracking/batch-plan.ts).

const SUMS = ['bounces', 'pageviews', 'engaged_ms'] as const;

/** The UTC day of an epoch-milliseconds column, per engine. */
function dayOf(db: AnyDb, column: string) {
  return db.getExecutor().adapter instanceof SqliteAdapter
    ? sql.raw(`strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`)
    : sql.raw(`to_char(to_timestamp(${column} / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`);
}

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('daily_entry_pages')
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('entry_path', 'text', (c) => c.notNull())
    .addColumn('visits', 'bigint', (c) => c.notNull())
    .addColumn('bounces', 'bigint', (c) => c.notNull())
    .addColumn('pageviews', 'bigint', (c) => c.notNull())
    .addColumn('engaged_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_entry_pages_pk', ['website_id', 'day', 'bot', 'entry_path'])
    .execute();
  for (const table of ['daily_referrers', 'daily_campaigns']) {
    for (const column of SUMS) {
      await db.schema
        .alterTable(table)
        .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    }
  }

  // Days recorded before this migration: from the visits still stored (retention may have removed some
  // anonymous ones; their visits stay counted in the rollups, their other figures cannot be rebuilt).
  const day = dayOf(db, 'started_at');
  const figures = sql`count(*), sum(case when pageviews = 1 then 1 else 0 end), sum(pageviews), sum(engaged_ms)`;
  await sql`insert into daily_entry_pages
      (website_id, day, bot, entry_path, visits, bounces, pageviews, engaged_ms)
    select website_id, ${day}, bot, entry_path, ${figures} from visits
    group by website_id, ${day}, bot, entry_path`.execute(db);
  const perVisit = sql`sum(case when pageviews = 1 then 1 else 0 end) as bounces, sum(pageviews) as pageviews,
    sum(engaged_ms) as engaged_ms`;
  await sql`update daily_referrers set bounces = s.bounces, pageviews = s.pageviews, engaged_ms = s.engaged_ms
    from (select website_id, ${day} as day, bot, referrer_host, ${perVisit} from visits
      where referrer_host is not null group by website_id, ${day}, bot, referrer_host) as s
    where daily_referrers.website_id = s.website_id and daily_referrers.day = s.day
      and daily_referrers.bot = s.bot and daily_referrers.referrer_host = s.referrer_host`.execute(db);
  await sql`update daily_campaigns set bounces = s.bounces, pageviews = s.pageviews, engaged_ms = s.engaged_ms
    from (select website_id, ${day} as day, bot, coalesce(utm_source, '') as utm_source,
        coalesce(utm_medium, '') as utm_medium, coalesce(utm_campaign, '') as utm_campaign, ${perVisit}
      from visits where utm_source is not null or utm_medium is not null or utm_campaign is not null
      group by website_id, ${day}, bot, coalesce(utm_source, ''), coalesce(utm_medium, ''),
        coalesce(utm_campaign, '')) as s
    where daily_campaigns.website_id = s.website_id and daily_campaigns.day = s.day
      and daily_campaigns.bot = s.bot and daily_campaigns.utm_source = s.utm_source
      and daily_campaigns.utm_medium = s.utm_medium and daily_campaigns.utm_campaign = s.utm_campaign`.execute(
    db,
  );
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['daily_campaigns', 'daily_referrers']) {
    for (const column of [...SUMS].reverse()) await db.schema.alterTable(table).dropColumn(column).execute();
  }
  await db.schema.dropTable('daily_entry_pages').execute();
}
