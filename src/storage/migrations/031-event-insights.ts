// Event insights (issue 17 part 6): the registrants behind a figure are listed in registration order per
// status, so an index holds an event's rows by status and time (the keyset pager walks it).
// (`checked_in_at` / `checked_in_by` come from migration 028, which runs first.)
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('event_registrations_by_event_status')
    .on('event_registrations')
    .columns(['event_id', 'status', 'created_at', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('event_registrations_by_event_status').execute();
}
