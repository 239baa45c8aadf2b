// Opens the database named by DATABASE_URL (SQLite file or PostgreSQL) behind one typed Kysely handle.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  engine: Engine;
  close(): Promise<void>;
}

// bigint (int8) and numeric (SUM over bigint) come back from pg as strings; our counts fit in a double.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

export interface OpenOptions {
  /** PostgreSQL only: a schema to create and use (tests give each suite its own). */
  schema?: string;
  poolSize?: number;
}

export function openStorage(databaseUrl: string, options: OpenOptions = {}): Storage {
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length));
  return openPostgres(databaseUrl, options);
}

function openSqlite(path: string): Storage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  // WAL lets reports read while ingest writes; synchronous=FULL makes every commit reach the disk
  // before we answer (group commit keeps that affordable).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, engine: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; on the ingest path the same few statements repeat thousands of
 * times a second, so keep prepared statements by their SQL text (bounded, oldest dropped first).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, limit = 2_000) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(source: string) {
      let statement = cache.get(source);
      if (!statement) {
        statement = sqlite.prepare(source);
        if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
        cache.set(source, statement);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, options: OpenOptions): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', close: () => db.destroy() };
}
