// A send can pause when the relay refuses recipient after recipient for reasons not theirs: the
// reason shown to a person, and the run of such refusals that triggers it (kept across nodes).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sends').addColumn('error', 'text').execute();
  await db.schema
    .alterTable('sends')
    .addColumn('refusal_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sends').dropColumn('refusal_streak').execute();
  await db.schema.alterTable('sends').dropColumn('error').execute();
}
