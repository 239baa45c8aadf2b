// Opens the database named by DATABASE_URL (SQLite file or PostgreSQL) behind one typed Kysely handle.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { SpoorPostgresDialect } from './migration-lock.ts';
import { ReaderThreadDialect } from './reader-dialect.ts';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  /**
   * For reads that may take a while (the dashboard's reports, overview, contact search), never for a read
   * that belongs to a write's transaction. On a SQLite file its queries run on the reader thread, off the
   * event loop, and it only reads (storage/reader-dialect.ts, decision 048); on PostgreSQL and `:memory:`
   * SQLite it is `db` itself (PostgreSQL's reads never run on the event loop; `:memory:` has one connection).
   */
  reads: Kysely<Database>;
  engine: Engine;
  /** SQLite only: the database file, so another thread can open its own connection (none for :memory:). */
  sqliteFile?: string;
  /** SQLite only: the size cap every connection to the file applies (OpenOptions.sqliteMaxSizeMb). */
  sqliteMaxSizeMb?: number;
  /** PostgreSQL only: the pool's connections right now (read by /metrics). */
  poolStats?: () => { total: number; idle: number; waiting: number };
  /**
   * PostgreSQL only: the pool behind `db`, for the hot paths' transactions, which run on a raw client
   * with their statements pipelined (storage/statements.ts runOnPostgres; decision 042).
   */
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

// bigint (int8) and numeric (SUM over bigint) come back from pg as strings; our counts fit in a double.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

export interface OpenOptions {
  /** PostgreSQL only: a schema to create and use (tests give each suite its own). */
  schema?: string;
  poolSize?: number;
  /**
   * SQLite only: the largest the database may grow, in MiB (0 or absent: no limit). Past it, commits
   * fail as on a full disk (SQLITE_FULL): events get 503 and /healthz says why, before the disk itself
   * fills and takes the rest of the host with it.
   */
  sqliteMaxSizeMb?: number;
}

export function openStorage(databaseUrl: string, options: OpenOptions = {}): Storage {
  if (databaseUrl.startsWith('sqlite:'))
    return openSqlite(databaseUrl.slice('sqlite:'.length), options.sqliteMaxSizeMb ?? 0);
  return openPostgres(databaseUrl, options);
}

/** A connection to a SQLite file with Spoor's settings; every connection to the file must be opened so. */
export function openSqliteConnection(path: string, maxSizeMb = 0): SqliteDatabase.Database {
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
  // The cap is per connection: every connection that writes must set it.
  if (maxSizeMb > 0) {
    const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${Math.floor((maxSizeMb * 1_048_576) / pageSize)}`);
  }
  return sqlite;
}

function openSqlite(path: string, maxSizeMb: number): Storage {
  const sqlite = openSqliteConnection(path, maxSizeMb);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const file = path === ':memory:' ? undefined : resolve(path);
  const reads = file ? new Kysely<Database>({ dialect: new ReaderThreadDialect(file) }) : db;
  return {
    db,
    reads,
    engine: 'sqlite',
    ...(file ? { sqliteFile: file } : {}),
    ...(maxSizeMb > 0 ? { sqliteMaxSizeMb: maxSizeMb } : {}),
    // The reader first: it answers the queries it was sent, then its thread ends.
    close: async () => {
      if (reads !== db) await reads.destroy();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; on the ingest path the same few statements repeat thousands of
 * times a second, so keep prepared statements by their SQL text (the reader thread keeps its own so too).
 *
 * Transactions begin IMMEDIATE: the ingest writer (collect and email engagement) has its own connection
 * in another thread, and a deferred transaction that read before that writer committed could not write
 * afterwards (SQLITE_BUSY without waiting); taking the write lock at BEGIN makes it wait its turn
 * (busy_timeout) instead.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, limit = 2_000) {
  // Eviction: the least recently used statement past `limit` (lru-cache); never stale (a statement is
  // its SQL text).
  const cache = new LRUCache<string, SqliteDatabase.Statement>({ max: limit });
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const source = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(source);
      if (!statement) {
        statement = sqlite.prepare(source);
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
    // A server that does not answer must not hold requests for ever: they get a 503 after this.
    connectionTimeoutMillis: 5_000,
    // A peer that vanished without closing (a network cut) is noticed by the OS instead of never.
    keepAlive: true,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // A connection the server drops (pg_terminate_backend, a restart, a failover) emits 'error', and an
  // unhandled 'error' event ends the process. An idle one is dropped by the pool, which re-emits it
  // here; a checked-out one also fails its query, which is where the caller sees (and answers 503).
  // Either way the next query opens a new connection, so Spoor serves again once the server is back.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new SpoorPostgresDialect({ pool }) });
  return {
    db,
    reads: db,
    engine: 'postgres',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    pgPool: pool,
    close: () => db.destroy(),
  };
}
