// Lead scoring settles a visit once it has ended (src/scoring/settle-visits.ts, decision 036): its page
// rules against every page of the visit and its engaged-time rules against its total engaged time.
// `scoring_visit_marks` is the settling job's high-water mark per website: every human visit started up
// to (started_at, visit_id) has ended and been settled. It moves in the transaction that writes the awards.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('scoring_visit_marks')
    .addColumn('website_id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('visit_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // An install upgrading settles the last day's visits, not its whole history (whose awards would be
  // old and announce a flood of score changes): a publish recomputes the rest when a marketer wants it.
  const since = Date.now() - 86_400_000;
  const websites = await db.selectFrom('websites').select('id').execute();
  for (const website of websites)
    await db
      .insertInto('scoring_visit_marks')
      .values({ website_id: website.id, started_at: since, visit_id: '', updated_at: since })
      .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('scoring_visit_marks').execute();
}
