// PostgreSQL: send_recipients_by_status holds only the recipients a send still has to deal with (pending
// and sending), so a statement that names a send's recipient by key cannot be planned through it.
//
// When the table's statistics predate a send (its id is in no histogram; a big table is re-analysed only
// after 10 % of it changed), PostgreSQL estimates one row for `send_id = <the new send>` and then takes
// the smaller (send_id, status, …) index over the primary key: a lookup of one recipient read every
// recipient of the send — 18,000 rows for each bounce, each offer click and each batch of outcomes
// (decision 050). Once the index leaves out finished recipients, a lookup without `status = 'pending'` or
// `'sending'` is planned on an index that holds both its columns (the primary key); the claim, the outcome write and the interrupted-send sweep
// name those statuses and keep it. The index also shrinks to the open recipients: a send that has
// finished leaves nothing in it.
//
// SQLite keeps the whole index: it has no statistics to go stale, and it uses a partial index only for a
// query that repeats the index's condition word for word.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: AnyDb): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop index send_recipients_by_status`.execute(db);
  await sql`create index send_recipients_by_status on send_recipients (send_id, status, next_attempt_at)
    where status in ('pending', 'sending')`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop index send_recipients_by_status`.execute(db);
  await sql`create index send_recipients_by_status on send_recipients (send_id, status, next_attempt_at)`.execute(
    db,
  );
}
