// Foundation: settings, API keys, websites, visitors, visits, page views and the report rollups.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('websites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('allowed_origins', 'text', (c) => c.notNull())
    .addColumn('visit_timeout_minutes', 'integer', (c) => c.notNull())
    .addColumn('visitor_cookie_days', 'integer', (c) => c.notNull())
    .addColumn('gpc_mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .execute();

  await db.schema
    .createTable('visitor_aliases')
    .addColumn('alias_id', 'text', (c) => c.primaryKey())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('visits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('pageviews', 'integer', (c) => c.notNull())
    .addColumn('engaged_ms', 'bigint', (c) => c.notNull())
    .addColumn('entry_path', 'text', (c) => c.notNull())
    .addColumn('referrer', 'text')
    .addColumn('referrer_host', 'text')
    .addColumn('utm_source', 'text')
    .addColumn('utm_medium', 'text')
    .addColumn('utm_campaign', 'text')
    .addColumn('utm_term', 'text')
    .addColumn('utm_content', 'text')
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('bot_reason', 'text')
    .addColumn('identified', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('visits_by_visitor')
    .on('visits')
    .columns(['visitor_id', 'website_id', 'last_seen_at'])
    .execute();
  // Covering index for exact unique-visitor counts over a date range.
  await db.schema
    .createIndex('visits_by_website_time')
    .on('visits')
    .columns(['website_id', 'started_at', 'bot', 'visitor_id', 'identified'])
    .execute();

  await db.schema
    .createTable('pageviews')
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('visit_id', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('referrer', 'text')
    .addColumn('engaged_ms', 'bigint', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('bot_reason', 'text')
    .addColumn('anonymous', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('pageviews_pk', ['website_id', 'event_id'])
    .execute();
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

  await db.schema
    .createTable('daily_stats')
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('pageviews', 'bigint', (c) => c.notNull())
    .addColumn('anonymous_pageviews', 'bigint', (c) => c.notNull())
    .addColumn('visits', 'bigint', (c) => c.notNull())
    .addColumn('bounces', 'bigint', (c) => c.notNull())
    .addColumn('engaged_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_stats_pk', ['website_id', 'day', 'bot'])
    .execute();

  await db.schema
    .createTable('daily_pages')
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('pageviews', 'bigint', (c) => c.notNull())
    .addColumn('engaged_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_pages_pk', ['website_id', 'day', 'bot', 'path'])
    .execute();

  await db.schema
    .createTable('daily_referrers')
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('referrer_host', 'text', (c) => c.notNull())
    .addColumn('visits', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_referrers_pk', ['website_id', 'day', 'bot', 'referrer_host'])
    .execute();

  await db.schema
    .createTable('daily_campaigns')
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('utm_source', 'text', (c) => c.notNull())
    .addColumn('utm_medium', 'text', (c) => c.notNull())
    .addColumn('utm_campaign', 'text', (c) => c.notNull())
    .addColumn('visits', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_campaigns_pk', [
      'website_id',
      'day',
      'bot',
      'utm_source',
      'utm_medium',
      'utm_campaign',
    ])
    .execute();

  await db.schema
    .createTable('daily_visitor_sketch')
    .addColumn('website_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reg', 'integer', (c) => c.notNull())
    .addColumn('rho', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_visitor_sketch_pk', ['website_id', 'day', 'bot', 'kind', 'reg'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'daily_visitor_sketch',
    'daily_campaigns',
    'daily_referrers',
    'daily_pages',
    'daily_stats',
    'pageviews',
    'visits',
    'visitor_aliases',
    'visitors',
    'websites',
    'api_keys',
    'settings',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
