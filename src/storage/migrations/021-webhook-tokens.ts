// The tokens of signed webhook requests already taken (Mailgun signs a timestamp and a one-time token,
// and asks receivers to refuse a token seen before): one row per provider × token, on every node's
// database so a replay to another node is refused too. Rows older than the freshness window can never
// match a request that passes it; the retention pass deletes them (src/privacy/apply-retention.ts).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('webhook_tokens')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_tokens_pk', ['provider', 'token'])
    .execute();
  await db.schema.createIndex('webhook_tokens_by_time').on('webhook_tokens').column('seen_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('webhook_tokens').execute();
}
