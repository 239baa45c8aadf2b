// Email engagement: tables and indexes laid out so that recording a hit writes fewer B-tree pages.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

// Every page a SQLite commit changes is a 4 KB WAL frame, written by the writer and copied again by the
// checkpoint, and a random index insert changes a page no other hit of the batch shares.
//
// - The recipient index only serves the look back of a click (its recipient's earlier clicks, and the
//   opens clicks implied); it now holds just those rows, so an open from the pixel no longer takes a
//   page in it. Both engines.
// - SQLite: email_events' random text primary key put each event into a random page of its own index,
//   and nothing looks an event up by its id alone (relabels go through the recipient index; history,
//   export and erasure by contact). Without it new rows append to the table. Event ids stay 128 random
//   bits (src/lib/ids.ts). PostgreSQL keeps the key: its tables are heaps either way, and the key is the
//   replica identity logical replication needs to publish the relabel updates.
// - SQLite: send_engagement as its primary key (WITHOUT ROWID) keeps a recipient's scopes in one place,
//   instead of rows scattered over the pages they were appended to plus a separate key index.
export async function up(db: AnyDb): Promise<void> {
  if (!isSqlite(db)) {
    await db.schema.dropIndex('email_events_by_recipient').execute();
    await clicksByRecipient(db);
    return;
  }
  await db.transaction().execute(async (tx) => {
    await rebuild(tx, 'email_events', emailEvents(tx, false), async () => {
      await clicksByRecipient(tx);
      await byContact(tx);
    });
    await rebuild(tx, 'send_engagement', sendEngagement(tx, true));
  });
}

export async function down(db: AnyDb): Promise<void> {
  if (!isSqlite(db)) {
    await db.schema.dropIndex('email_events_clicks_by_recipient').execute();
    await byRecipient(db);
    return;
  }
  await db.transaction().execute(async (tx) => {
    await rebuild(tx, 'email_events', emailEvents(tx, true), async () => {
      await byRecipient(tx);
      await byContact(tx);
    });
    await rebuild(tx, 'send_engagement', sendEngagement(tx, false));
  });
}

const isSqlite = (db: AnyDb) => db.getExecutor().adapter instanceof SqliteAdapter;

/** Queries that use it repeat this condition word for word (email/engagement/batch-store.ts). */
async function clicksByRecipient(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('email_events_clicks_by_recipient')
    .on('email_events')
    .columns(['send_id', 'recipient_key', 'occurred_at'])
    .where(sql<boolean>`kind = 'click' or implied = 1`)
    .execute();
}

async function byRecipient(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('email_events_by_recipient')
    .on('email_events')
    .columns(['send_id', 'recipient_key', 'occurred_at'])
    .execute();
}

async function byContact(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('email_events_by_contact')
    .on('email_events')
    .columns(['contact_id', 'occurred_at'])
    .execute();
}

interface NewTable {
  columns: string[];
  create: { execute(): Promise<unknown> };
}

/** SQLite cannot change a table's key in place: create the new layout, copy, swap, index again. */
async function rebuild(
  tx: AnyDb,
  table: string,
  { columns, create }: NewTable,
  index: () => Promise<void> = async () => {},
): Promise<void> {
  await create.execute();
  const list = sql.join(columns.map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(`${table}_new`)} (${list}) select ${list} from ${sql.table(table)}`.execute(
    tx,
  );
  await tx.schema.dropTable(table).execute();
  await tx.schema.alterTable(`${table}_new`).renameTo(table).execute();
  await index();
}

/** The columns of 004-email.ts. */
function emailEvents(tx: AnyDb, idIsKey: boolean): NewTable {
  const create = tx.schema
    .createTable('email_events_new')
    .addColumn('id', 'text', (c) => (idIsKey ? c.primaryKey() : c.notNull()))
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('recipient_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('link_position', 'integer')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('machine', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('machine_reason', 'text')
    .addColumn('implied', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source_hash', 'text')
    .addColumn('user_agent', 'text');
  return {
    columns: [
      'id',
      'send_id',
      'contact_id',
      'recipient_key',
      'kind',
      'link_position',
      'occurred_at',
      'machine',
      'machine_reason',
      'implied',
      'source_hash',
      'user_agent',
    ],
    create,
  };
}

function sendEngagement(tx: AnyDb, withoutRowid: boolean): NewTable {
  const table = tx.schema
    .createTable('send_engagement_new')
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('recipient_key', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('human', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('machine', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('send_engagement_pk', ['send_id', 'recipient_key', 'scope']);
  return {
    columns: ['send_id', 'recipient_key', 'scope', 'human', 'machine'],
    create: withoutRowid ? table.modifyEnd(sql`without rowid`) : table,
  };
}
