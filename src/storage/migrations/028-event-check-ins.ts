// Check-in at the door (decision 035): when a registration was checked in and by whom (a user id; the
// API key's id when a key did it). One conditional update `checked_in_at IS NULL` takes it, so a repeated
// scan is one check-in. The index serves the check-in page's "latest check-ins" and the contact timeline.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('event_registrations').addColumn('checked_in_at', 'bigint').execute();
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
