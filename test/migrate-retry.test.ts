// Migrating a PostgreSQL schema while another schema of the same database is dropped: Kysely's look at
// every table (pg_get_serial_sequence per column) can then fail for the other schema's tables, and the
// migration is simply tried again (src/storage/migrate.ts). What fails around the migrations says where.
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, pendingMigrations } from '../src/storage/migrate.ts';
import type { Database } from '../src/storage/schema.ts';
import { postgresUrl } from './helpers/engines.ts';

/** What pg_get_serial_sequence raises when the other schema's drop commits between its two lookups. */
const droppedColumn = () =>
  Object.assign(new Error('column "created_at" of relation "jobs" does not exist'), {
    code: '42703',
    routine: 'pg_get_serial_sequence',
  });

/** A database on a fresh schema whose first `failures` table listings fail as a concurrent drop makes them. */
async function racingSchema(failures: number) {
  const schema = `spoor_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  let left = failures;
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 2, options: `-c search_path=${schema}` });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => {
      if (typeof text === 'string' && text.includes('pg_get_serial_sequence') && left > 0) {
        left -= 1;
        return Promise.reject(droppedColumn());
      }
      return query(text, ...rest);
    };
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    drop: async () => {
      await db.destroy();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}

describe.skipIf(!postgresUrl)('migrations while another schema is dropped [postgres]', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('tries again when the table listing trips over the dropped schema, and migrates everything', async () => {
    const racing = await racingSchema(2);
    cleanups.push(racing.drop);
    const applied = await migrateToLatest(racing.db);
    expect(applied).toContain('010-jobs');
    expect(await pendingMigrations(racing.db)).toEqual([]);
  });

  it('tries again for the read-only check of what is pending too (spoor users, spoor doctor)', async () => {
    const racing = await racingSchema(2);
    cleanups.push(racing.drop);
    expect(await pendingMigrations(racing.db)).toContain('001-foundation');
  });

  it('names where it failed when the listing keeps failing', async () => {
    const racing = await racingSchema(Number.POSITIVE_INFINITY);
    cleanups.push(racing.drop);
    await expect(migrateToLatest(racing.db)).rejects.toThrow(
      'Database migration failed (outside the migrations; PostgreSQL 42703 in pg_get_serial_sequence): column "created_at" of relation "jobs" does not exist',
    );
  });
});
