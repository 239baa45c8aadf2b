// Contacts, custom fields, forms and their submissions, identity links, merges, prefill, retention.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text')
    /** Lower-cased, trimmed email: what duplicate detection compares. */
    .addColumn('email_match', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('company', 'text')
    .addColumn('phone', 'text')
    .addColumn('job_title', 'text')
    .addColumn('country', 'text')
    .addColumn('custom', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('prefill_allowed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_by_email').on('contacts').column('email_match').execute();
  await db.schema.createIndex('contacts_by_created').on('contacts').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('contact_fields')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('forms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('website_id', 'text')
    /** The hosted marketing page's path segment (/p/{slug}), unique across forms. */
    .addColumn('page_slug', 'text', (c) => c.unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('form_submissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('form_id', 'text', (c) => c.notNull())
    /** The form's one-time token: a double click or a retry submits once. */
    .addColumn('submission_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text')
    .addColumn('anonymous', 'integer', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('outcome', 'text')
    .addColumn('error', 'text')
    .addUniqueConstraint('form_submissions_once', ['form_id', 'submission_key'])
    .execute();
  await db.schema
    .createIndex('form_submissions_by_contact')
    .on('form_submissions')
    .columns(['contact_id', 'received_at'])
    .execute();
  await db.schema
    .createIndex('form_submissions_by_status')
    .on('form_submissions')
    .columns(['status', 'received_at'])
    .execute();

  await db.schema.alterTable('visits').addColumn('contact_id', 'text').execute();
  await db.schema
    .createIndex('visits_by_contact')
    .on('visits')
    .columns(['contact_id', 'started_at'])
    .execute();
  await db.schema.createIndex('visitors_by_contact').on('visitors').column('contact_id').execute();

  await db.schema
    .createTable('contact_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('winner_id', 'text', (c) => c.notNull())
    .addColumn('loser_id', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('loser_snapshot', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_merges_by_loser').on('contact_merges').column('loser_id').execute();

  await db.schema
    .createTable('prefill_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('prefill_tokens_by_contact')
    .on('prefill_tokens')
    .column('contact_id')
    .execute();

  await db.schema.alterTable('websites').addColumn('retention_days', 'integer').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('websites').dropColumn('retention_days').execute();
  for (const table of [
    'prefill_tokens',
    'contact_merges',
    'form_submissions',
    'forms',
    'contact_fields',
    'contacts',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('visitors_by_contact').execute();
  await db.schema.dropIndex('visits_by_contact').execute();
  await db.schema.alterTable('visits').dropColumn('contact_id').execute();
}
