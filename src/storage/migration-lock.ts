// The lock that keeps two nodes from migrating one PostgreSQL database at once, made safe behind
// PgBouncer in transaction pooling mode (decision 038).
//
// Kysely's own lock is a session-level advisory lock taken before its migration transaction and released
// after it, each a statement of its own. Through PgBouncer in transaction mode those can run on different
// server connections: the unlock then misses, the lock stays held by a server connection PgBouncer keeps
// open, and every later start of a node waits on it (Kysely waits up to an hour). It was also one key for
// the whole database, so Spoor databases in other schemas of one PostgreSQL waited for each other.
//
// Here the lock opens the transaction itself and takes a transaction-scoped lock keyed by the schema.
// Kysely's BEGIN that follows finds the transaction open (PostgreSQL only warns), and its COMMIT or
// ROLLBACK ends it and releases the lock: lock, migrations and release on one server connection.
import { type Kysely, PostgresAdapter, PostgresDialect, sql } from 'kysely';

export class TransactionLockPostgresAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`begin`.execute(db);
    try {
      await sql`select pg_advisory_xact_lock(hashtextextended('spoor:migrations:' || current_schema(), 0))`.execute(
        db,
      );
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  }

  /** Released by the COMMIT or ROLLBACK of Kysely's migration transaction. */
  override async releaseMigrationLock(): Promise<void> {}
}

/** PostgreSQL through Kysely, with the migration lock above. */
export class SpoorPostgresDialect extends PostgresDialect {
  override createAdapter(): PostgresAdapter {
    return new TransactionLockPostgresAdapter();
  }
}
