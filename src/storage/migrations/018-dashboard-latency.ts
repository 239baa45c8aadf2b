// What the dashboard's slowest reads needed at the bench's size (decision 024).
// - Naming the contacts behind a send's engagement figure looked the page's recipient keys up in
//   email_events without an index (006 kept the recipient index for clicks only): a scan of every event of
//   every send. This index holds only the events that name a contact, by send and recipient, and carries
//   the contact (covering).
// - The contacts behind a delivery figure (blocked, bounced, pending…) walked the send's recipients in
//   contact order through the primary key, reading every recipient when the status is rare: one index per
//   status in contact order makes each page a range of its own.
// - The report's top pages and entry pages sum a month of daily rows (days × distinct paths, 60,000 rows
//   on the bench's data): through the primary key each row was a second lookup into the table. These
//   indexes carry the summed figures (covering), bot before day so one range holds the report's rows.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  // Queries that use it repeat this condition (src/email/insights/store.ts namedRecipients).
  await db.schema
    .createIndex('email_events_named_by_recipient')
    .on('email_events')
    .columns(['send_id', 'recipient_key', 'contact_id'])
    .where(sql<boolean>`contact_id is not null`)
    .execute();
  // A send's recipients in one status in contact order (src/email/insights/store.ts pageRecipientsByStatus).
  await db.schema
    .createIndex('send_recipients_by_status_contact')
    .on('send_recipients')
    .columns(['send_id', 'status', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('daily_pages_by_bot_day')
    .on('daily_pages')
    .columns(['website_id', 'bot', 'day', 'path', 'pageviews', 'engaged_ms'])
    .execute();
  await db.schema
    .createIndex('daily_entry_pages_by_bot_day')
    .on('daily_entry_pages')
    .columns(['website_id', 'bot', 'day', 'entry_path', 'visits', 'bounces', 'pageviews', 'engaged_ms'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('daily_entry_pages_by_bot_day').execute();
  await db.schema.dropIndex('daily_pages_by_bot_day').execute();
  await db.schema.dropIndex('send_recipients_by_status_contact').execute();
  await db.schema.dropIndex('email_events_named_by_recipient').execute();
}
