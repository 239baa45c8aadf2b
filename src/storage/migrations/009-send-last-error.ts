// The last time a send's SMTP server could not be reached, greeted or logged in to, and what it said:
// shown on GET /api/sends/{id} as lastError, so a failing relay is visible without reading the log.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sends').addColumn('last_error', 'text').execute();
  await db.schema.alterTable('sends').addColumn('last_error_at', 'bigint').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sends').dropColumn('last_error_at').execute();
  await db.schema.alterTable('sends').dropColumn('last_error').execute();
}
