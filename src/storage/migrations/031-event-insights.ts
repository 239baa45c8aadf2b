// Event insights (issue 17 part 6): the registrants behind a figure are listed in registration order per
// status, so an index holds an event's rows by status and time (the keyset pager walks it).
// TEMPORARY, for the coordinator: `checked_in_at` / `checked_in_by` belong to migration 028 (check-in);
// they are added here only when absent, so the insights can be built and tested before 028 is merged.
// Remove the two columns from this file when merging 028 (028 then runs first on a fresh install anyway).
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
  const columns = await columnsOf(db, 'event_registrations');
  if (!columns.has('checked_in_at'))
    await db.schema.alterTable('event_registrations').addColumn('checked_in_at', 'bigint').execute();
  if (!columns.has('checked_in_by'))
    await db.schema.alterTable('event_registrations').addColumn('checked_in_by', 'text').execute();
  await db.schema
    .createIndex('event_registrations_by_event_status')
    .on('event_registrations')
    .columns(['event_id', 'status', 'created_at', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('event_registrations_by_event_status').execute();
}
