// The subscription center and double opt-in (docs/decisions/023-subscription-center-and-double-opt-in.md):
// lists a contact may see and choose on the hosted page (public, with a public name and description) and
// lists that need a confirmed sign-up; every change of a contact's subscription as a consent event (in
// the interaction feed, by trigger as the other sources); and sign-ups waiting for their confirmation.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => db.getExecutor().adapter instanceof SqliteAdapter;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('lists')
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('lists').addColumn('public_name', 'text').execute();
  await db.schema.alterTable('lists').addColumn('public_description', 'text').execute();
  await db.schema
    .alterTable('lists')
    .addColumn('double_opt_in', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('consent_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('list_id', 'text', (c) => c.notNull())
    /** 'none' (not on the list), 'subscribed' or 'unsubscribed'. */
    .addColumn('before', 'text', (c) => c.notNull())
    .addColumn('after', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    /** What made the change: 'subscription_center', 'unsubscribe_link', 'form', 'double_opt_in', … */
    .addColumn('source', 'text', (c) => c.notNull())
    /** The send whose email led there. */
    .addColumn('send_id', 'text')
    /** The version of the wording the person saw (the page's or the confirmation email's). */
    .addColumn('wording_version', 'text')
    /** JSON: for a confirmed sign-up, the form, the submission and its time, the confirmation's time. */
    .addColumn('evidence', 'text')
    .execute();
  await db.schema
    .createIndex('consent_events_by_contact')
    .on('consent_events')
    .columns(['contact_id', 'occurred_at', 'id'])
    .execute();

  await db.schema
    .createTable('pending_signups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('submission_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    /** JSON: the submission's contact values, consents and browser ids, and the lists asked for. */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('mail_sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('pending_signups_by_expiry')
    .on('pending_signups')
    .column('expires_at')
    .execute();

  // Every consent event is the contact's interaction from the start: logged by trigger (migration 011).
  if (isSqlite(db)) {
    await sql`create trigger interaction_log_consent_insert after insert on consent_events
      begin insert into interaction_log (source, item_id) values ('consent', new.id); end`.execute(db);
    return;
  }
  await sql`create function interaction_log_consent() returns trigger language plpgsql
    set search_path from current as $$
    begin
      insert into interaction_log (source, item_id) values ('consent', new.id);
      return null;
    end $$`.execute(db);
  await sql`create trigger interaction_log_consent_insert after insert on consent_events
    for each row execute function interaction_log_consent()`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  if (isSqlite(db)) await sql`drop trigger if exists interaction_log_consent_insert`.execute(db);
  else {
    await sql`drop trigger if exists interaction_log_consent_insert on consent_events`.execute(db);
    await sql`drop function if exists interaction_log_consent()`.execute(db);
  }
  await db.schema.dropTable('pending_signups').execute();
  await db.schema.dropTable('consent_events').execute();
  for (const column of ['double_opt_in', 'public_description', 'public_name', 'public'])
    await db.schema.alterTable('lists').dropColumn(column).execute();
}
