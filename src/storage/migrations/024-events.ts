// The event website (issue 17, docs/decisions/031-event-website.md): events with their sessions and
// passes, each with a capacity and a counter of places taken (a registration takes a place by one
// conditional update of the counter, so capacity holds across nodes); registrations (filled in by the
// registration work); and the contact sign-in: single-use emailed links and the portal's sessions.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    /** 'draft', 'published' or 'cancelled'. */
    .addColumn('status', 'text', (c) => c.notNull())
    /** The website whose tracking script the public pages carry (null: none). */
    .addColumn('website_id', 'text')
    /** IANA time zone: times are stored as instants and shown in this zone. */
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('venue', 'text')
    .addColumn('online_url', 'text')
    /** JSON array of language codes, the first the default. */
    .addColumn('languages', 'text', (c) => c.notNull())
    /** JSON { [language]: { name, description } }. */
    .addColumn('texts', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer')
    .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registration_opens_at', 'bigint')
    .addColumn('registration_closes_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .addColumn('cancelled_at', 'bigint')
    .execute();
  await db.schema.createIndex('events_by_start').on('events').columns(['status', 'starts_at']).execute();

  await db.schema
    .createTable('event_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('room', 'text')
    /** JSON array of names. */
    .addColumn('speakers', 'text', (c) => c.notNull())
    .addColumn('texts', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer')
    .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_sessions_by_event')
    .on('event_sessions')
    .columns(['event_id', 'starts_at'])
    .execute();

  await db.schema
    .createTable('event_passes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('texts', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer')
    .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_passes_by_event').on('event_passes').column('event_id').execute();

  await db.schema
    .createTable('event_pass_sessions')
    .addColumn('pass_id', 'text', (c) => c.notNull().references('event_passes.id').onDelete('cascade'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('event_sessions.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('event_pass_sessions_pk', ['pass_id', 'session_id'])
    .execute();
  await db.schema
    .createIndex('event_pass_sessions_by_session')
    .on('event_pass_sessions')
    .column('session_id')
    .execute();

  // A contact's place at an event (with a pass and its sessions); cancelled rows stay, as D365 keeps them.
  await db.schema
    .createTable('event_registrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('pass_id', 'text')
    /** 'registered' or 'cancelled'. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('cancelled_at', 'bigint')
    .addUniqueConstraint('event_registrations_one_per_contact', ['event_id', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('event_registrations_by_contact')
    .on('event_registrations')
    .column('contact_id')
    .execute();
  await db.schema
    .createTable('event_registration_sessions')
    .addColumn('registration_id', 'text', (c) =>
      c.notNull().references('event_registrations.id').onDelete('cascade'),
    )
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_registration_sessions_pk', ['registration_id', 'session_id'])
    .execute();

  // A sign-in link's row: single use (used_at), short-lived; the link seals its id (seal purpose 14).
  await db.schema
    .createTable('event_sign_ins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('mail_sent_at', 'bigint')
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('event_sign_ins_by_contact')
    .on('event_sign_ins')
    .column('contact_id')
    .execute();

  // A signed-in contact on the event website; the cookie seals its id (seal purpose 15); sign-out ends it.
  await db.schema
    .createTable('event_portal_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('event_portal_sessions_by_contact')
    .on('event_portal_sessions')
    .column('contact_id')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'event_portal_sessions',
    'event_sign_ins',
    'event_registration_sessions',
    'event_registrations',
    'event_pass_sessions',
    'event_passes',
    'event_sessions',
    'events',
  ])
    await db.schema.dropTable(table).execute();
}
