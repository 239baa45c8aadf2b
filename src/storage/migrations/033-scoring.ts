// Lead scoring (src/scoring, decision 036). `scoring_models` are what marketers name; each edit is a row of
// `scoring_model_versions` (draft → publishing → published → retired) holding the model as JSON.
// `score_ledger` is every award and manual adjustment of a version; its unique key (version, source,
// item, rule) is what makes an interaction score once per rule even when the feed consumer and a publish
// recompute both see it. `contact_scores` is what a version's ledger adds up to per contact (recomputable
// from the ledger); `sales_ready` the sticky status per contact × model and `sales_ready_changes` its
// history; `scoring_events` the items of the `scoring` interaction source (score changed, became
// sales-ready), logged with recordInteraction.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('scoring_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('published_version_id', 'text')
    .addColumn('archived_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scoring_model_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull().references('scoring_models.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('progress_done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_after', 'text')
    .addColumn('publish_started_at', 'bigint')
    .addColumn('published_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('scoring_model_versions_number', ['model_id', 'number'])
    .execute();

  await db.schema
    .createTable('score_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('source', 'text')
    .addColumn('item_id', 'text')
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('awarded_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('author', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('score_ledger_once')
    .unique()
    .on('score_ledger')
    .columns(['version_id', 'source', 'item_id', 'rule_id'])
    .execute();
  await db.schema
    .createIndex('score_ledger_by_contact')
    .on('score_ledger')
    .columns(['contact_id', 'version_id', 'awarded_at'])
    .execute();

  await db.schema
    .createTable('contact_scores')
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('grade', 'text')
    .addColumn('computed_at', 'bigint', (c) => c.notNull())
    .addColumn('next_change_at', 'bigint')
    .addPrimaryKeyConstraint('contact_scores_pk', ['contact_id', 'version_id'])
    .execute();
  await db.schema
    .createIndex('contact_scores_by_version')
    .on('contact_scores')
    .columns(['version_id', 'score'])
    .execute();
  await db.schema.createIndex('contact_scores_due').on('contact_scores').column('next_change_at').execute();

  await db.schema
    .createTable('sales_ready')
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sales_ready_pk', ['contact_id', 'model_id'])
    .execute();
  await db.schema
    .createIndex('sales_ready_by_model')
    .on('sales_ready')
    .columns(['model_id', 'since'])
    .execute();

  await db.schema
    .createTable('sales_ready_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('reason', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sales_ready_changes_by_model')
    .on('sales_ready_changes')
    .columns(['model_id', 'at'])
    .execute();
  await db.schema
    .createIndex('sales_ready_changes_by_contact')
    .on('sales_ready_changes')
    .columns(['contact_id', 'at'])
    .execute();

  await db.schema
    .createTable('scoring_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scoring_events_by_contact')
    .on('scoring_events')
    .columns(['contact_id', 'occurred_at', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'scoring_events',
    'sales_ready_changes',
    'sales_ready',
    'contact_scores',
    'score_ledger',
    'scoring_model_versions',
    'scoring_models',
  ])
    await db.schema.dropTable(table).execute();
}
