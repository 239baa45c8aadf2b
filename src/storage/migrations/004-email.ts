// Email engagement: lists and memberships, messages, sends with their recipients and links, the
// engagement events (opens, clicks, unsubscribes), counters kept up on ingest, and suppressions.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  // null = the install's default (SPOOR_EMAIL_TRACKING_DEFAULT); 0/1 = the contact's own choice.
  await db.schema.alterTable('contacts').addColumn('email_tracking', 'integer').execute();
  await db.schema
    .alterTable('contacts')
    .addColumn('do_not_email', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // An unsubscribe keeps the row (status 'unsubscribed'), so a later send to the list knows to block.
  await db.schema
    .createTable('list_members')
    .addColumn('list_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addColumn('unsubscribed_at', 'bigint')
    /** The send whose email led to the unsubscribe (attribution). */
    .addColumn('unsubscribed_send_id', 'text')
    .addPrimaryKeyConstraint('list_members_pk', ['list_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('list_members_by_contact').on('list_members').column('contact_id').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    /** Plain-text part; null = made from the HTML at send time. */
    .addColumn('text', 'text')
    .addColumn('from_name', 'text')
    .addColumn('from_email', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // A send snapshots the message: editing the message later changes no email already on its way.
  await db.schema
    .createTable('sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    /** JSON array of list ids. */
    .addColumn('list_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('from_name', 'text')
    .addColumn('from_email', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('prepared_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    /** Memberships found on the lists, a contact on two lists counted twice (PRODUCT: recipients). */
    .addColumn('recipients_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    /** Which node works on the send, and until when its claim holds (several nodes share sends). */
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .execute();
  await db.schema.createIndex('sends_by_status').on('sends').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('send_links')
    .addColumn('send_id', 'text', (c) => c.notNull())
    /** The link's place in the message (0-based); the click token names it, never the URL. */
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    /** 1 for the hidden link no person sees: a hit on it is a machine's. */
    .addColumn('honeypot', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('send_links_pk', ['send_id', 'position'])
    .execute();

  await db.schema
    .createTable('send_recipients')
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    /** pending | sending | sent | blocked | hard_bounce | soft_bounce | unconfirmed */
    .addColumn('status', 'text', (c) => c.notNull())
    /** Why a blocked recipient was never attempted. */
    .addColumn('block_reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_response', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('smtp_message_id', 'text')
    .addPrimaryKeyConstraint('send_recipients_pk', ['send_id', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('send_recipients_by_status')
    .on('send_recipients')
    .columns(['send_id', 'status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('send_recipients_by_contact')
    .on('send_recipients')
    .columns(['contact_id', 'send_id'])
    .execute();

  // Every open, click and unsubscribe, labelled (machine/scanner with a reason), never dropped.
  // contact_id is null when the contact had not allowed tracking: counted, not attached to anyone.
  await db.schema
    .createTable('email_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    /** Keyed hash of (send, contact): counts a recipient once without naming them. */
    .addColumn('recipient_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('link_position', 'integer')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('machine', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('machine_reason', 'text')
    /** 1 for the open a click implies when no open was seen. */
    .addColumn('implied', 'integer', (c) => c.notNull().defaultTo(0))
    /** Keyed hash of the client's network address (never the address): groups bursts from one source. */
    .addColumn('source_hash', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema
    .createIndex('email_events_by_recipient')
    .on('email_events')
    .columns(['send_id', 'recipient_key', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('email_events_by_contact')
    .on('email_events')
    .columns(['contact_id', 'occurred_at'])
    .execute();

  // Counters per send, kept up as events arrive (insights never scan events or recipients).
  await db.schema
    .createTable('send_counters')
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('send_counters_pk', ['send_id', 'name'])
    .execute();

  // What each recipient has done so far in a scope ('open', 'click', 'link:N'): keeps unique counts exact.
  await db.schema
    .createTable('send_engagement')
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('recipient_key', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('human', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('machine', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('send_engagement_pk', ['send_id', 'recipient_key', 'scope'])
    .execute();

  // Addresses never to be attempted again (a hard bounce), by lower-cased email.
  await db.schema
    .createTable('email_suppressions')
    .addColumn('email_match', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('send_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'email_suppressions',
    'send_engagement',
    'send_counters',
    'email_events',
    'send_recipients',
    'send_links',
    'sends',
    'messages',
    'list_members',
    'lists',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('contacts').dropColumn('do_not_email').execute();
  await db.schema.alterTable('contacts').dropColumn('email_tracking').execute();
}
