// Calendar invitations for event registrations (decision 034): a sequence per event, raised when its
// times or place change (iCalendar SEQUENCE), and per registration the language its invitation is
// written in and the last invitation sent (method and sequence), so a retry never sends one twice and a
// CANCEL goes only to someone who had an invitation.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('events')
    .addColumn('calendar_sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('event_registrations').addColumn('language', 'text').execute();
  await db.schema.alterTable('event_registrations').addColumn('invitation_method', 'text').execute();
  await db.schema.alterTable('event_registrations').addColumn('invitation_sequence', 'integer').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('event_registrations').dropColumn('invitation_sequence').execute();
  await db.schema.alterTable('event_registrations').dropColumn('invitation_method').execute();
  await db.schema.alterTable('event_registrations').dropColumn('language').execute();
  await db.schema.alterTable('events').dropColumn('calendar_sequence').execute();
}
