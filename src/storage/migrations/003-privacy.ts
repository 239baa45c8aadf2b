// Privacy: the erasure audit log, and indexes that erasure, export and retention look rows up by.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  // One row per erased contact: the id (random, names no one once the contact is gone), when, and how
  // many rows of each kind went. Deliberately no name, email or any other value of the contact.
  await db.schema
    .createTable('contact_erasures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'bigint', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_erasures_by_time')
    .on('contact_erasures')
    .columns(['erased_at', 'id'])
    .execute();

  // Erasure and retention delete a browser's aliases by the visitor they point to.
  await db.schema
    .createIndex('visitor_aliases_by_visitor')
    .on('visitor_aliases')
    .column('visitor_id')
    .execute();
  // Export and erasure read a contact's merge records by winner.
  await db.schema.createIndex('contact_merges_by_winner').on('contact_merges').column('winner_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('contact_merges_by_winner').execute();
  await db.schema.dropIndex('visitor_aliases_by_visitor').execute();
  await db.schema.dropTable('contact_erasures').execute();
}
