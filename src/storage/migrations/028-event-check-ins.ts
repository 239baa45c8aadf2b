// Check-in at the door (decision 035): when a registration was checked in and by whom (a user id; the
// API key's id when a key did it). One conditional update `checked_in_at IS NULL` takes it, so a repeated
// scan is one check-in. The index serves the check-in page's "latest check-ins" and the contact timeline.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

async function columnsOf(db: AnyDb, table: string): Promise<Set<string>> {
  const postgres = await sql<{ name: string }>`select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}`
    .execute(db)
    .then((r) => r.rows)
    .catch(() => null);
  if (postgres) return new Set(postgres.map((c) => c.name));
  const sqlite = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return new Set(sqlite.rows.map((c) => c.name));
}

export async function up(db: AnyDb): Promise<void> {
  // A development database may have these already: 031 (event insights) added them while 028 was unmerged.
  const columns = await columnsOf(db, 'event_registrations');
  if (!columns.has('checked_in_at'))
    await db.schema.alterTable('event_registrations').addColumn('checked_in_at', 'bigint').execute();
  if (!columns.has('checked_in_by'))
    await db.schema.alterTable('event_registrations').addColumn('checked_in_by', 'text').execute();
  await db.schema
    .createIndex('event_registrations_checked_in')
    .on('event_registrations')
    .columns(['event_id', 'checked_in_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('event_registrations_checked_in').execute();
  await db.schema.alterTable('event_registrations').dropColumn('checked_in_by').execute();
  await db.schema.alterTable('event_registrations').dropColumn('checked_in_at').execute();
}
