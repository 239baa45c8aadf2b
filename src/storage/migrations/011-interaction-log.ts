// The interaction log: one row per interaction, in commit order, for reading every contact's interactions
// "after cursor X" (src/platform/interactions, docs/decisions/013-interaction-feed.md).
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

// The log holds positions, not copies: (seq, source, item id). What an item says is read from its domain
// when the log is read, so a merge, a relabel or an erasure needs no second write here.
//
// Rows are written by triggers in the transaction that makes an interaction a contact's, so no write path
// has to remember it (ingest's code is unchanged) and none can forget it:
// - email: an open, click or unsubscribe recorded with a contact (implied opens are not interactions);
// - visit: a visit that starts with a known visitor, or whose browser is identified later;
// - form_submission: a submission the moment it is matched to a contact.
// A merge moves items between contacts (contact_id not null before): no new row, the item keeps its place.
//
// SQLite has one writer at a time, so an AUTOINCREMENT key (never reused, even after deletes) is commit
// order. PostgreSQL transactions commit in any order, so each row also records its transaction id, and
// readers stop below the oldest transaction still running (store.ts in src/platform/interactions).
//
// PostgreSQL: nearly every email event is a contact's, so its insert trigger runs once per statement over
// the statement's new rows; most visits start anonymous (and submissions are matched later), so theirs
// is a row trigger whose WHEN test, false for those rows, calls nothing.
const SOURCES = [
  {
    source: 'email',
    table: 'email_events',
    onInsert: 'new.contact_id is not null and new.implied = 0',
    perStatement: true,
  },
  { source: 'visit', table: 'visits', onInsert: 'new.contact_id is not null', perStatement: false },
  {
    source: 'form_submission',
    table: 'form_submissions',
    onInsert: 'new.contact_id is not null',
    perStatement: false,
  },
] as const;

/** Sources whose items can become a contact's after they were stored (identification, processing). */
const ATTRIBUTED_LATER = new Set(['visit', 'form_submission']);

const isSqlite = (db: AnyDb) => db.getExecutor().adapter instanceof SqliteAdapter;

/** What was already a contact's before the log existed, oldest first: the feed starts with it. */
async function backfill(db: AnyDb): Promise<void> {
  await sql`insert into interaction_log (source, item_id)
    select source, id from (
      select 'email' as source, id, occurred_at as at from email_events
        where contact_id is not null and implied = 0
      union all select 'visit', id, started_at from visits where contact_id is not null
      union all select 'form_submission', id, received_at from form_submissions where contact_id is not null
    ) existing
    order by at, source, id`.execute(db);
}

export async function up(db: AnyDb): Promise<void> {
  if (isSqlite(db)) {
    await sql`create table interaction_log (
      seq integer primary key autoincrement,
      source text not null,
      item_id text not null
    )`.execute(db);
    await backfill(db);
    for (const { source, table, onInsert } of SOURCES) {
      await sql
        .raw(`create trigger interaction_log_${source}_insert after insert on ${table}
          when ${onInsert}
          begin insert into interaction_log (source, item_id) values ('${source}', new.id); end`)
        .execute(db);
      if (!ATTRIBUTED_LATER.has(source)) continue;
      await sql
        .raw(`create trigger interaction_log_${source}_attributed after update of contact_id on ${table}
          when old.contact_id is null and new.contact_id is not null
          begin insert into interaction_log (source, item_id) values ('${source}', new.id); end`)
        .execute(db);
    }
    return;
  }
  // One index: the primary key is the read order.
  await sql`create table interaction_log (
    seq bigserial not null,
    xid xid8 not null default pg_current_xact_id(),
    source text not null,
    item_id text not null,
    primary key (xid, seq)
  )`.execute(db);
  await backfill(db);
  for (const { source, table, onInsert, perStatement } of SOURCES) {
    // search_path from the migration's session: the functions find the log in this schema whatever the
    // writing connection's search_path is.
    await sql
      .raw(`create function interaction_log_${source}() returns trigger language plpgsql
        set search_path from current as $$
        begin
          insert into interaction_log (source, item_id) values ('${source}', new.id);
          return null;
        end $$`)
      .execute(db);
    if (perStatement) {
      // A row trigger's call per event cost a 256-event batch ~20 % more commit time; one call per
      // statement ~8 % (docs/decisions/013-interaction-feed.md).
      await sql
        .raw(`create function interaction_log_${source}_rows() returns trigger language plpgsql
          set search_path from current as $$
          begin
            insert into interaction_log (source, item_id)
              select '${source}', id from new_rows where ${onInsert.replaceAll('new.', '')};
            return null;
          end $$`)
        .execute(db);
      await sql
        .raw(`create trigger interaction_log_${source}_insert after insert on ${table}
          referencing new table as new_rows for each statement
          execute function interaction_log_${source}_rows()`)
        .execute(db);
    } else {
      await sql
        .raw(`create trigger interaction_log_${source}_insert after insert on ${table}
          for each row when (${onInsert}) execute function interaction_log_${source}()`)
        .execute(db);
    }
    if (!ATTRIBUTED_LATER.has(source)) continue;
    // Rare (identification, matching), and a transition table cannot be limited to one column.
    await sql
      .raw(`create trigger interaction_log_${source}_attributed after update of contact_id on ${table}
        for each row when (old.contact_id is null and new.contact_id is not null)
        execute function interaction_log_${source}()`)
      .execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const { source, table } of SOURCES) {
    const on = isSqlite(db) ? '' : ` on ${table}`;
    await sql.raw(`drop trigger if exists interaction_log_${source}_insert${on}`).execute(db);
    await sql.raw(`drop trigger if exists interaction_log_${source}_attributed${on}`).execute(db);
    if (isSqlite(db)) continue;
    await sql.raw(`drop function if exists interaction_log_${source}_rows()`).execute(db);
    await sql.raw(`drop function if exists interaction_log_${source}()`).execute(db);
  }
  await db.schema.dropTable('interaction_log').execute();
}
