// What the dashboard's contacts, lists and forms pages read without scanning: prefix search on contacts,
// CSV imports with their progress, each form's daily counters (views, submissions, contacts created and
// updated) and a form's submissions newest first.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * The expressions contact search compares by prefix (src/contacts/search-terms.ts writes the same ones).
 * PostgreSQL compares them in the "C" collation so a range [prefix, prefix + U+10FFFF] is exactly the
 * strings starting with the prefix whatever the database's collation; SQLite compares bytes already.
 */
export const SEARCH_INDEXES = {
  sqlite: {
    contacts_search_email: 'email_match',
    contacts_search_domain: "substr(email_match, instr(email_match, '@') + 1)",
    contacts_search_first_name: 'lower(first_name)',
    contacts_search_last_name: 'lower(last_name)',
    contacts_search_company: 'lower(company)',
  },
  postgres: {
    contacts_search_email: '(email_match collate "C")',
    contacts_search_domain: '(split_part(email_match, \'@\', 2) collate "C")',
    contacts_search_first_name: '(lower(first_name) collate "C")',
    contacts_search_last_name: '(lower(last_name) collate "C")',
    contacts_search_company: '(lower(company) collate "C")',
  },
} as const;

export async function up(db: AnyDb): Promise<void> {
  const engine = isSqlite(db) ? 'sqlite' : 'postgres';
  for (const [name, expression] of Object.entries(SEARCH_INDEXES[engine])) {
    // SQLite's plain email index (contacts_by_email) already serves prefix ranges.
    if (engine === 'sqlite' && name === 'contacts_search_email') continue;
    await sql.raw(`create index ${name} on contacts (${expression})`).execute(db);
  }

  await db.schema
    .createTable('contact_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** 'waiting' (no file yet), 'running', 'done', 'failed'. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('list_id', 'text')
    .addColumn('on_duplicate', 'text', (c) => c.notNull())
    .addColumn('unknown_columns', 'text', (c) => c.notNull())
    /** The body's declared length, when it had one: what progress is measured against. */
    .addColumn('bytes_total', 'bigint')
    .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
    /** JSON ImportSummary so far (src/contacts/csv-import.ts), per-row errors included. */
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('contact_imports_by_created')
    .on('contact_imports')
    .columns(['created_at', 'id'])
    .execute();

  await db.schema
    .createTable('form_daily_counts')
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('views', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('submissions', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('form_daily_counts_pk', ['form_id', 'day'])
    .execute();
  // Submissions made before the counters existed (views were not counted: they start at zero).
  const day =
    engine === 'sqlite'
      ? sql`strftime('%Y-%m-%d', received_at / 1000, 'unixepoch')`
      : sql`to_char(to_timestamp(received_at / 1000) at time zone 'UTC', 'YYYY-MM-DD')`;
  await sql`insert into form_daily_counts (form_id, day, views, submissions, created, updated)
    select form_id, ${day}, 0, count(*),
      sum(case when outcome = 'created' then 1 else 0 end),
      sum(case when outcome = 'updated' then 1 else 0 end)
    from form_submissions group by form_id, ${day}`.execute(db);

  await db.schema
    .createIndex('form_submissions_by_form')
    .on('form_submissions')
    .columns(['form_id', 'received_at', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('form_submissions_by_form').execute();
  await db.schema.dropTable('form_daily_counts').execute();
  await db.schema.dropTable('contact_imports').execute();
  for (const name of Object.keys(SEARCH_INDEXES.sqlite))
    await sql.raw(`drop index if exists ${name}`).execute(db);
}
