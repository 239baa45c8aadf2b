// SQLite: the interaction feed finds a contact's email events by id. Migration 006 took email_events' id
// key away on SQLite (nothing looked an event up by id then), so since the feed (decision 013) every page
// of email items read by a feed reader — the scoring and webhook consumers, GET /api/interactions — scanned
// the whole table on the event loop: 3.5 s a page at 400,000 events (decision 043). A partial index holds
// exactly the events the feed holds (a contact's, not implied), so its lookups match it. PostgreSQL kept
// the primary key: nothing to do.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => !(db.getExecutor().adapter instanceof PostgresAdapter);

export async function up(db: AnyDb): Promise<void> {
  if (!isSqlite(db)) return;
  await sql`create index email_events_feed_by_id on email_events (id)
    where contact_id is not null and implied = 0`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  if (!isSqlite(db)) return;
  await sql`drop index email_events_feed_by_id`.execute(db);
}
