// Storage for jobs: enqueueing, taking a due job with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL; one
// conditional UPDATE, which SQLite's single writer serialises, on SQLite), renewing it and finishing.
import { PostgresAdapter, type RawBuilder, type Selectable, sql } from 'kysely';
import { newId } from '../../lib/ids.ts';
import type { Db, JobsTable } from '../../storage/schema.ts';

export type JobRow = Selectable<JobsTable>;

export interface NewJob {
  kind: string;
  /** Names the job within its kind: enqueueing the same key again reschedules that job (default: a new id). */
  key?: string;
  payload?: unknown;
  /** When it is due (default: now). */
  runAt?: number;
}

/**
 * Adds a job, or brings an existing one with the same kind and key forward to `runAt` (a failed one
 * becomes pending again with fresh attempts). Takes a transaction, so a domain enqueues with its own write.
 */
export async function enqueueJob(db: Db, job: NewJob, now = Date.now()): Promise<void> {
  const id = newId();
  const runAt = job.runAt ?? now;
  await db
    .insertInto('jobs')
    .values({
      id,
      kind: job.kind,
      key: job.key ?? id,
      payload: job.payload === undefined ? null : JSON.stringify(job.payload),
      status: 'pending',
      run_at: runAt,
      created_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['kind', 'key']).doUpdateSet({
        run_at: sql`case when jobs.status = 'failed' or excluded.run_at < jobs.run_at then excluded.run_at else jobs.run_at end`,
        status: 'pending',
        attempts: sql`case when jobs.status = 'failed' then 0 else jobs.attempts end`,
        payload: sql`excluded.payload`,
        generation: sql`jobs.generation + 1`,
        failed_at: null,
      }),
    )
    .execute();
}

/** A repeating job's row, due now when it did not exist, and never due later than one interval from now. */
export async function ensureRepeatingJob(db: Db, kind: string, everyMs: number, now = Date.now()) {
  await db
    .insertInto('jobs')
    .values({ id: newId(), kind, key: kind, status: 'pending', run_at: now, created_at: now })
    .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
    .execute();
  // A shorter interval than the one the row was scheduled with takes effect now, not after the old one.
  await db
    .updateTable('jobs')
    .set({ run_at: now + everyMs })
    .where('kind', '=', kind)
    .where('key', '=', kind)
    .where('run_at', '>', now + everyMs)
    .execute();
}

/**
 * Takes the job due first among `kinds` whose lease is free or expired, counting the try. On PostgreSQL
 * SKIP LOCKED lets racing nodes each take a different row without waiting on one another.
 */
export async function claimDueJob(
  db: Db,
  kinds: readonly string[],
  owner: string,
  now: number,
  leaseMs: number,
): Promise<JobRow | undefined> {
  if (kinds.length === 0) return undefined;
  // An idle poll only reads: on SQLite an UPDATE takes the write lock even when it matches nothing, and
  // the ingest writer must not wait on a poll that finds no work.
  const anyDue = await dueJobs(db, kinds, now).select('id').limit(1).executeTakeFirst();
  if (!anyDue) return undefined;
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return (
    db
      .updateTable('jobs')
      .set({ lease_owner: owner, lease_until: now + leaseMs, attempts: sql`attempts + 1` })
      .where('id', '=', () =>
        dueJobs(db, kinds, now)
          .select('id')
          .orderBy('run_at')
          .limit(1)
          .$if(postgres, (qb) => qb.forUpdate().skipLocked()),
      )
      // Checked again by the UPDATE itself: on SQLite it is what decides a race.
      .where('status', '=', 'pending')
      .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
      .returningAll()
      .executeTakeFirst()
  );
}

/** Pending jobs of these kinds, due by `now`, whose lease is free or has run out. */
function dueJobs(db: Db, kinds: readonly string[], now: number) {
  return db
    .selectFrom('jobs')
    .where('status', '=', 'pending')
    .where('kind', 'in', kinds)
    .where('run_at', '<=', now)
    .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]));
}

/** Extends this owner's lease; false when it has lost the job (its lease ran out and another took it). */
export async function renewJobLease(db: Db, id: string, owner: string, until: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_until: until })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The job is finished: deleted, unless it was enqueued again meanwhile (then only its lease is given back). */
export async function deleteJob(db: Db, job: JobRow, owner: string): Promise<void> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', job.id)
    .where('lease_owner', '=', owner)
    .where('generation', '=', job.generation)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) await clearLease(db, job, owner, 0);
}

/** Runs the job again at `runAt` with a clean slate (a repeating job's next pass, or a job that asked to). */
export async function rescheduleJob(db: Db, job: JobRow, owner: string, runAt: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      run_at: sql`case when generation = ${job.generation} then ${runAt} else run_at end`,
      attempts: 0,
      last_error: null,
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', job.id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** A failed try: retried at `runAt`, its error kept for a person to read. */
export async function retryJob(db: Db, job: JobRow, owner: string, runAt: number, error: string) {
  await db
    .updateTable('jobs')
    .set({
      run_at: sql`case when generation = ${job.generation} then ${runAt} else run_at end`,
      last_error: error,
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', job.id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Out of attempts: kept as failed with its error; enqueueing the same key again revives it. */
export async function failJob(db: Db, job: JobRow, owner: string, error: string, now: number) {
  await db
    .updateTable('jobs')
    .set({ status: 'failed', last_error: error, failed_at: now, lease_owner: null, lease_until: null })
    .where('id', '=', job.id)
    .where('lease_owner', '=', owner)
    .where('generation', '=', job.generation)
    .execute();
  await clearLease(db, job, owner, 0);
}

/** Gives the job back untouched (this node is stopping): due again at once, the try not counted. */
export async function releaseJob(db: Db, job: JobRow, owner: string): Promise<void> {
  await clearLease(db, job, owner, sql<number>`case when attempts > 0 then attempts - 1 else 0 end`);
}

async function clearLease(db: Db, job: JobRow, owner: string, attempts: number | RawBuilder<number>) {
  await db
    .updateTable('jobs')
    .set({ lease_owner: null, lease_until: null, attempts })
    .where('id', '=', job.id)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function findJob(db: Db, kind: string, key: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
}
