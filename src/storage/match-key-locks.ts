// The lock every writer that could match the same person takes (identity's matching, contacts' CSV import).
import { sql } from 'kysely';
import type { Db } from './schema.ts';

/**
 * Serialises writers that could match the same person — form submissions, CSV imports — until their
 * transaction ends (PostgreSQL; SQLite has one writer anyway). Keys are locked in one order so two
 * writers holding several keys cannot deadlock.
 */
export async function lockMatchKeys(
  db: Db,
  engine: 'sqlite' | 'postgres',
  keys: readonly string[],
): Promise<void> {
  if (engine !== 'postgres' || keys.length === 0) return;
  await sql`select pg_advisory_xact_lock(h) from (
    select distinct hashtextextended(k, 0) as h from unnest(${keys}::text[]) as k order by h
  ) as ordered`.execute(db);
}
