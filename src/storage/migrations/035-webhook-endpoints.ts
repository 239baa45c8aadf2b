// Outgoing webhooks, part 1 (decision 037): the endpoints administrators register, and the contact
// changes (created, updated, merged, erased) that join the interaction feed as outbox entries, logged with
// recordInteraction in the transaction of the contact write.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('contact_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    /** created | updated | merged | erased */
    .addColumn('change', 'text', (c) => c.notNull())
    /** merged: the contact merged away into contact_id. */
    .addColumn('other_contact_id', 'text')
    /** updated: the fields that changed, JSON array of names (no values: thin). */
    .addColumn('fields', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_changes_contact').on('contact_changes').column('contact_id').execute();

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    /** JSON array of event type names. */
    .addColumn('event_types', 'text', (c) => c.notNull())
    /** JSON array of { secret, createdAt, expiresAt } newest first: every unexpired one signs. */
    .addColumn('secrets', 'text', (c) => c.notNull())
    /** enabled | paused | disabled */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_reason', 'text')
    .addColumn('state_changed_at', 'bigint', (c) => c.notNull())
    /** Since when every attempt failed (null: the last attempt succeeded, or none yet). */
    .addColumn('failing_since', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_failure_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('webhook_endpoints').execute();
  await db.schema.dropTable('contact_changes').execute();
}
