// The job runner's table (src/platform/jobs): one row per job, leased by one node at a time. Sends under
// way when this runs get their job here, so an upgrade in the middle of a send carries on.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    /** Names the job within its kind (a send's id; the kind itself for a repeating job). */
    .addColumn('key', 'text', (c) => c.notNull())
    /** JSON, or null. */
    .addColumn('payload', 'text')
    /** 'pending' (waiting or running; a lease says which) or 'failed' (out of attempts). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    /** Tries in a row that have not succeeded (the one under way included). */
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    /** Bumped by every enqueue: a runner finishing an older generation leaves the new one alone. */
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('failed_at', 'bigint')
    .addUniqueConstraint('jobs_kind_key', ['kind', 'key'])
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

  // Sends already under way: each gets its job, due now.
  await sql`insert into jobs (id, kind, key, status, run_at, attempts, generation, created_at)
    select 'job_' || id, 'email.send', id, 'pending', 0, 0, 0, created_at from sends
    where status in ('queued', 'preparing', 'sending')`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
