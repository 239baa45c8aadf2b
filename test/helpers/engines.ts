// Runs a suite on SQLite and on PostgreSQL. PostgreSQL is required in CI (SPOOR_TEST_POSTGRES_URL);
// on a developer machine without it the PostgreSQL variant is skipped with a visible note.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';

export const postgresUrl = process.env['SPOOR_TEST_POSTGRES_URL'];

if (!postgresUrl && process.env['CI']) {
  throw new Error('SPOOR_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL suite.');
}

export type EngineName = 'sqlite' | 'postgres';

export interface TestDatabase {
  engine: EngineName;
  /** A DATABASE_URL for a server process (SQLite file or PostgreSQL with its schema). */
  url: string;
  schema: string | undefined;
  open(): Storage;
  drop(): Promise<void>;
}

/** A fresh, migrated database: a temp SQLite file, or a new PostgreSQL schema. */
export async function createTestDatabase(engine: EngineName): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'spoor-test-'));
    const url = `sqlite:${join(dir, 'spoor.db')}`;
    const storage = openStorage(url);
    await migrateToLatest(storage.db);
    await storage.close();
    return {
      engine,
      url,
      schema: undefined,
      open: () => openStorage(url),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!postgresUrl) throw new Error('SPOOR_TEST_POSTGRES_URL is not set.');
  const schema = `spoor_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const storage = openStorage(postgresUrl, { schema });
  await migrateToLatest(storage.db);
  await storage.close();
  const url = withSearchPath(postgresUrl, schema);
  return {
    engine,
    url,
    schema,
    open: () => openStorage(postgresUrl, { schema }),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}

/** A PostgreSQL URL whose connections use the given schema (libpq "options" parameter). */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

export const engines: EngineName[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

if (!postgresUrl) {
  console.warn(
    '[spoor tests] SPOOR_TEST_POSTGRES_URL not set: PostgreSQL variants are skipped on this machine.',
  );
}

/** describe() once per engine, named after it. */
export function describeEachEngine(name: string, body: (engine: EngineName) => void): void {
  for (const engine of engines) describe(`${name} [${engine}]`, () => body(engine));
}
