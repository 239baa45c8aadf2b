// Opens the database named by DATABASE_URL (SQLite file or PostgreSQL) behind one typed Kysely handle.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  engine: Engine;
  /** SQLite only: the database file, so another thread can open its own connection (none for :memory:). */
  sqliteFile?: string;
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

/** A connection to a SQLite file with Spoor's settings; every connection to the file must be opened so. */
export function openSqliteConnection(path: string): SqliteDatabase.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  // WAL lets reports read while ingest writes; synchronous=FULL makes every commit reach the disk
  // before we answer (group commit keeps that affordable).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // Checkpoint after ~40 MB of WAL rather than 4 MB: the pages ingest rewrites in every commit (visits,
  // visitors, index pages) are then copied into the database file once per many commits, not every few.
  sqlite.pragma('wal_autocheckpoint = 10000');
  // 64 MiB of page cache instead of SQLite's 2 MiB: ingest touches index leaves all over the visits and
  // page-view indexes, and every page not in the cache is a read from the file (and a WAL-index lookup).
  sqlite.pragma('cache_size = -65536');
  return sqlite;
}

function openSqlite(path: string): Storage {
  const sqlite = openSqliteConnection(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    engine: 'sqlite',
    ...(path === ':memory:' ? {} : { sqliteFile: resolve(path) }),
    close: () => db.destroy(),
  };
}

/**
 * Kysely prepares every query anew; on the ingest path the same few statements repeat thousands of
 * times a second, so keep prepared statements by their SQL text (bounded, oldest dropped first).
 *
 * Transactions begin IMMEDIATE: the ingest writer (collect and email engagement) has its own connection
 * in another thread, and a deferred transaction that read before that writer committed could not write
 * afterwards (SQLITE_BUSY without waiting); taking the write lock at BEGIN makes it wait its turn
 * (busy_timeout) instead.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, limit = 2_000) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const source = text === 'begin' ? 'begin immediate' : text;
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
