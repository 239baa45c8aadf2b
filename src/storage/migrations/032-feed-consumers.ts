// Where each reader of the interaction feed has got to (src/platform/interactions/feed-consumer.ts):
// one row per consumer (scoring, webhooks), its cursor moved in the same transaction as what the
// consumer wrote for the items it passed, so an item is acted on exactly once whatever crashes.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('feed_consumers')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('items_handled', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('feed_consumers').execute();
}
