// Compact page views (decision 045): what a page view repeats from its visit is no longer stored on it,
// and the index by website and time, which only the realtime figures and the retention of visit-less
// page views read, is replaced by narrower ones.
// - visitor_id: a page view with a visit has the visit's browser, one without has none; readers join the
//   visit (src/tracking/store.ts, batch-store.ts, reports/store.ts recentActivity).
// - url: the visit keeps its entry URL's origin (visits.origin) and a page view on that origin stores
//   `url` null and only what follows its path in `url_query` (src/tracking/compact-url.ts). Rows stored
//   before keep their whole URL. A referrer on the visit's origin (navigation within the site) is stored
//   as what follows the origin, in `referrer_path`.
// - pageviews_by_website_time (website_id, occurred_at) → an index by time alone for the realtime window
//   (a BRIN on PostgreSQL: rows arrive in time order) and a partial one, (website_id, occurred_at) where
//   visit_id is null, for retention's visit-less page views.
// - pageviews_by_visit (visit_id, occurred_at) → (visit_id): its readers take a few visits' page views
//   (history, export, erasure, retention, scoring) and sort those few themselves.
// On PostgreSQL the tables are altered in place (pageviews may be a partitioned parent by then, 037); on
// SQLite pageviews is rebuilt (a column's NOT NULL cannot be dropped in place).
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => db.getExecutor().adapter instanceof SqliteAdapter;

/** The columns pageviews keeps, in 001's order. */
const KEPT = [
  'website_id',
  'event_id',
  'visit_id',
  'occurred_at',
  'url',
  'path',
  'title',
  'referrer',
  'engaged_ms',
  'bot',
  'bot_reason',
  'anonymous',
];

async function anonymousByWebsiteTime(db: AnyDb): Promise<void> {
  // Queries that use it repeat this condition (src/tracking/store.ts deleteAnonymousPageviewBatch).
  await db.schema
    .createIndex('pageviews_anonymous_by_website_time')
    .on('pageviews')
    .columns(['website_id', 'occurred_at'])
    .where(sql<boolean>`visit_id is null`)
    .execute();
}

async function byVisit(db: AnyDb): Promise<void> {
  await db.schema.createIndex('pageviews_by_visit').on('pageviews').column('visit_id').execute();
}

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('visits').addColumn('origin', 'text').execute();
  if (isSqlite(db)) {
    await db.schema
      .createTable('pageviews_new')
      .addColumn('website_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('visit_id', 'text')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('referrer', 'text')
      .addColumn('engaged_ms', 'bigint', (c) => c.notNull())
      .addColumn('bot', 'integer', (c) => c.notNull())
      .addColumn('bot_reason', 'text')
      .addColumn('anonymous', 'integer', (c) => c.notNull())
      .addColumn('url_query', 'text')
      .addColumn('referrer_path', 'text')
      .addPrimaryKeyConstraint('pageviews_pk', ['website_id', 'event_id'])
      .execute();
    const list = sql.join(KEPT.map((c) => sql.ref(c)));
    // In stored order, so the new table's pages fill as the old ones did.
    await sql`insert into pageviews_new (${list}) select ${list} from pageviews order by rowid`.execute(db);
    await db.schema.dropTable('pageviews').execute();
    await db.schema.alterTable('pageviews_new').renameTo('pageviews').execute();
    await byVisit(db);
    await db.schema.createIndex('pageviews_by_time').on('pageviews').column('occurred_at').execute();
    await anonymousByWebsiteTime(db);
    return;
  }
  await db.schema.alterTable('pageviews').dropColumn('visitor_id').execute();
  await db.schema
    .alterTable('pageviews')
    .alterColumn('url', (c) => c.dropNotNull())
    .execute();
  await db.schema.alterTable('pageviews').addColumn('url_query', 'text').execute();
  await db.schema.alterTable('pageviews').addColumn('referrer_path', 'text').execute();
  await db.schema.dropIndex('pageviews_by_website_time').execute();
  await db.schema.dropIndex('pageviews_by_visit').execute();
  await byVisit(db);
  await sql`create index pageviews_by_time on pageviews using brin (occurred_at) with (autosummarize = on)`.execute(
    db,
  );
  await anonymousByWebsiteTime(db);
}

export async function down(db: AnyDb): Promise<void> {
  const wholeUrl = sql`coalesce(pageviews.url, visits.origin || pageviews.path || coalesce(pageviews.url_query, ''))`;
  await db.schema.alterTable('pageviews').addColumn('visitor_id', 'text').execute();
  await sql`update pageviews set visitor_id = (select visitor_id from visits where visits.id = pageviews.visit_id),
      url = (select ${wholeUrl} from visits where visits.id = pageviews.visit_id),
      referrer = coalesce(referrer, (select visits.origin || pageviews.referrer_path from visits
        where visits.id = pageviews.visit_id))
    where visit_id is not null`.execute(db);
  await db.schema.dropIndex('pageviews_anonymous_by_website_time').execute();
  await db.schema.dropIndex('pageviews_by_time').execute();
  await db.schema.dropIndex('pageviews_by_visit').execute();
  await db.schema
    .createIndex('pageviews_by_visit')
    .on('pageviews')
    .columns(['visit_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('pageviews_by_website_time')
    .on('pageviews')
    .columns(['website_id', 'occurred_at'])
    .execute();
  await db.schema.alterTable('pageviews').dropColumn('url_query').execute();
  await db.schema.alterTable('pageviews').dropColumn('referrer_path').execute();
  if (!isSqlite(db))
    await db.schema
      .alterTable('pageviews')
      .alterColumn('url', (c) => c.setNotNull())
      .execute();
  await db.schema.alterTable('visits').dropColumn('origin').execute();
}
