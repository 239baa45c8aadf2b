// What the dashboard's slowest reads needed at the bench's size (decision 024): naming the contacts behind
// a send's engagement figure looked the page's recipient keys up in email_events without an index (006
// kept the recipient index for clicks only), a scan of every event of every send. This index holds only
// the events that name a contact, keyed by send and recipient, and carries the contact (covering).
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

/** Queries that use it repeat this condition (src/email/insights/store.ts namedRecipients). */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('email_events_named_by_recipient')
    .on('email_events')
    .columns(['send_id', 'recipient_key', 'contact_id'])
    .where(sql<boolean>`contact_id is not null`)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('email_events_named_by_recipient').execute();
}
