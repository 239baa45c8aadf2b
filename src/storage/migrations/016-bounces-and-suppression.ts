// Bounces after acceptance and graduated suppression (docs/decisions/022-bounces-and-suppression.md):
// one row per outcome (a bounce, complaint or auto-reply, from SMTP, a DSN, an ARF report or a webhook),
// every inbound report kept with what became of it, and suppressions that expire and keep a history.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const DAY_MS = 86_400_000;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('bounce_outcomes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    /** The address it was sent to, lower-cased (suppression works on the address). */
    .addColumn('email_match', 'text')
    /** hard_bounce | soft_bounce | blocked | complaint | auto_reply */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** D365's bounce categories, plus auto-reply, challenge-response and complaint. */
    .addColumn('category', 'text', (c) => c.notNull())
    /** The enhanced status code (5.1.1) or the ARF feedback type. */
    .addColumn('status', 'text')
    .addColumn('detail', 'text')
    /** smtp | dsn | arf | reply | webhook */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
  // Recorded once, however many times a report arrives (and whichever way it came).
  await db.schema
    .createIndex('bounce_outcomes_once')
    .on('bounce_outcomes')
    .columns(['send_id', 'contact_id', 'kind'])
    .unique()
    .execute();
  await db.schema
    .createIndex('bounce_outcomes_by_contact')
    .on('bounce_outcomes')
    .columns(['contact_id', 'occurred_at'])
    .execute();

  // Every report the receiver took (or a webhook brought), with its verdict; the message itself is kept
  // only when nothing could be recorded from it, for an administrator to look at.
  await db.schema
    .createTable('bounce_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    /** recorded | duplicate | unparseable | forged | unmatched | ignored */
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to', 'text')
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('raw', 'text')
    .execute();
  await db.schema
    .createIndex('bounce_reports_by_verdict')
    .on('bounce_reports')
    .columns(['verdict', 'received_at'])
    .execute();
  await db.schema
    .createIndex('bounce_reports_by_time')
    .on('bounce_reports')
    .columns(['received_at', 'id'])
    .execute();

  // Suppressions expire (null = permanent) and count their listings (7, 14, 30, 180 days).
  await db.schema.alterTable('email_suppressions').addColumn('until', 'bigint').execute();
  await db.schema
    .alterTable('email_suppressions')
    .addColumn('listings', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('email_suppressions').addColumn('contact_id', 'text').execute();
  await db.schema.alterTable('email_suppressions').addColumn('category', 'text').execute();
  // A hard bounce recorded before is its address's first listing (7 days from when it bounced).
  await sql`update email_suppressions set until = created_at + ${7 * DAY_MS}, category = 'invalid-mailbox'`.execute(
    db,
  );

  await db.schema
    .createTable('email_suppression_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email_match', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    /** listed | lifted */
    .addColumn('action', 'text', (c) => c.notNull())
    /** hard_bounce | soft_bounces | complaint | manual */
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('send_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('listing', 'integer')
    .addColumn('until', 'bigint')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_suppression_history_by_email')
    .on('email_suppression_history')
    .columns(['email_match', 'at'])
    .execute();
  await sql`insert into email_suppression_history
      (id, email_match, action, reason, category, send_id, detail, listing, until, at)
    select 'm016-' || email_match, email_match, 'listed', reason, category, send_id, detail, 1, until, created_at
    from email_suppressions`.execute(db);

  // A report quoting only the Message-ID is attributed by it.
  await db.schema
    .createIndex('send_recipients_by_message_id')
    .on('send_recipients')
    .column('smtp_message_id')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('send_recipients_by_message_id').execute();
  await db.schema.dropTable('email_suppression_history').execute();
  for (const column of ['category', 'contact_id', 'listings', 'until'])
    await db.schema.alterTable('email_suppressions').dropColumn(column).execute();
  await db.schema.dropTable('bounce_reports').execute();
  await db.schema.dropTable('bounce_outcomes').execute();
}
