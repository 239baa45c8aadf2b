// Visits: a browser's latest visit on a website is found by when it started, not by when it was last seen.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

// visits.last_seen_at changes with every page view, so an index holding it was rewritten each time: one
// more random B-tree page per page view to write to the WAL and copy into the database file. started_at
// is written once per visit, and a browser's next visit on a website starts only after its previous one
// timed out, so the one started last is its latest (src/tracking/store.ts, sqlite-store.ts).
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('visits_by_visitor_start')
    .on('visits')
    .columns(['visitor_id', 'website_id', 'started_at'])
    .execute();
  await db.schema.dropIndex('visits_by_visitor').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('visits_by_visitor')
    .on('visits')
    .columns(['visitor_id', 'website_id', 'last_seen_at'])
    .execute();
  await db.schema.dropIndex('visits_by_visitor_start').execute();
}
