// The event waitlist and registration history (issue 17 part 4, docs/decisions/033-event-registration-and-waitlist.md):
// a registration may be 'waitlisted' (queued by created_at, id); while a freed place is held for it,
// offered_at and offer_expires_at are set and its counters are taken. Each change of a registration is
// a row of event_registration_changes, the contact's timeline (the interaction feed reads it). Each
// event gets a Spoor form, made on first use, that its page's registration form submits through.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('event_registrations').addColumn('offered_at', 'bigint').execute();
  await db.schema.alterTable('event_registrations').addColumn('offer_expires_at', 'bigint').execute();
  await db.schema.alterTable('events').addColumn('registration_form_id', 'text').execute();
  await db.schema
    .createIndex('event_registrations_queue')
    .on('event_registrations')
    .columns(['event_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createTable('event_registration_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('registration_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    /** registered, waitlisted, cancelled, left_waitlist, place_offered, offer_accepted, offer_declined, offer_expired. */
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_registration_changes_by_contact')
    .on('event_registration_changes')
    .columns(['contact_id', 'occurred_at', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('event_registration_changes').execute();
  await db.schema.dropIndex('event_registrations_queue').execute();
  await db.schema.alterTable('events').dropColumn('registration_form_id').execute();
  await db.schema.alterTable('event_registrations').dropColumn('offer_expires_at').execute();
  await db.schema.alterTable('event_registrations').dropColumn('offered_at').execute();
}
