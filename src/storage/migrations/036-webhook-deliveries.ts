// Outgoing webhooks, part 2 (decision 037): one delivery per endpoint × feed item, written by the webhooks
// feed consumer in the transaction that moves its cursor, and every attempt to send it.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => !(db.getExecutor().adapter instanceof PostgresAdapter);

export async function up(db: AnyDb): Promise<void> {
  // seq: creation order, which is feed order (one consumer writes at a time); a contact's deliveries to an
  // endpoint go out in seq order, one at a time.
  await sql
    .raw(`create table webhook_deliveries (
      seq ${isSqlite(db) ? 'integer primary key autoincrement' : 'bigserial primary key'},
      id text not null unique,
      endpoint_id text not null,
      contact_id text not null,
      event_type text not null,
      payload text not null,
      state text not null,
      attempts integer not null default 0,
      next_attempt_at bigint not null,
      created_at bigint not null,
      window_start bigint not null,
      last_attempt_at bigint,
      delivered_at bigint,
      last_status integer,
      last_error text
    )`)
    .execute(db);
  await db.schema
    .createIndex('webhook_deliveries_lane')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'contact_id', 'state', 'seq'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_attempts_delivery')
    .on('webhook_attempts')
    .columns(['delivery_id', 'attempted_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('webhook_attempts').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
}
