// The suppressed among each list's receivable members, counted by their suppression's expiry time
// (docs/decisions/021-send-estimate-counters.md): a suppression expires with time (migration 016), which
// no trigger sees, so `list_suppressed_counts (list_id, until, members)` keys the count by `until`
// (permanent: 2^53 − 1) and the estimate sums the keys later than now — one index range per
// list, instead of a walk of every suppression in force to its contacts and memberships.
//
// A membership counts here when migration 015's counters count it `receivable` (subscribed, may be
// emailed, has an address) and its contact's address has a row in email_suppressions (one per address),
// in force or not: expired rows stay under their past `until`, which the estimate never reads.
// Kept by triggers in the transaction of every change, as 015's: memberships, a contact's do-not-email
// flag, address or deletion, and the suppressions themselves (listed, extended, lifted, erased).
import { type Kysely, SqliteAdapter, sql } from 'kysely';
import { postgresFunctions as audienceFunctions } from './015-list-audience-counts.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => db.getExecutor().adapter instanceof SqliteAdapter;

/** The key of a permanent suppression: later than any time, and exact as a JavaScript number. */
export const NEVER = Number.MAX_SAFE_INTEGER;

const untilOf = (s: string) => `coalesce(${s}.until, ${NEVER})`;

/** Membership `status` of contact row `c` is receivable (migration 015's `receivable` state). */
const receivable = (status: string, c: string) =>
  `${status} = 'subscribed' and ${c}.do_not_email = 0 and ${c}.email is not null and trim(${c}.email) <> ''`;

/** `sign` × the memberships of `rows` (alias m) whose contact is receivable and suppressed. */
const membershipRows = (rows: string, sign: 1 | -1) =>
  `select m.list_id, ${untilOf('s')} as until, ${sign} as delta
    from ${rows} m join contacts c on c.id = m.contact_id join email_suppressions s on s.email_match = c.email_match
    where ${receivable('m.status', 'c')}`;

/** `sign` × the receivable memberships of contact row `c` (old or new), if its address is suppressed. */
const contactRows = (c: 'old' | 'new', sign: 1 | -1) =>
  `select m.list_id, ${untilOf('s')} as until, ${sign} as delta
    from list_members m join email_suppressions s on s.email_match = ${c}.email_match
    where m.contact_id = ${c}.id and ${receivable('m.status', c)}`;

/** `sign` × the receivable memberships of the contacts with suppression row `s`'s address. */
const suppressionRows = (s: 'old' | 'new', sign: 1 | -1) =>
  `select m.list_id, ${untilOf(s)} as until, ${sign} as delta
    from contacts c join list_members m on m.contact_id = c.id
    where c.email_match = ${s}.email_match and ${receivable('m.status', 'c')}`;

const CONTACT_CHANGED = `old.do_not_email <> new.do_not_email or old.email is not new.email
  or old.email_match is not new.email_match or old.id <> new.id`;

async function createTable(db: AnyDb, sqlite: boolean): Promise<void> {
  await db.schema
    .createTable('list_suppressed_counts')
    .addColumn('list_id', 'text', (c) => c.notNull())
    .addColumn('until', 'bigint', (c) => c.notNull())
    .addColumn('members', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('list_suppressed_counts_pk', ['list_id', 'until'])
    // SQLite: the rows in key order, so a list's range is read without a lookup per row.
    .$call((b) => (sqlite ? b.modifyEnd(sql`without rowid`) : b))
    .execute();
  await sql
    .raw(`insert into list_suppressed_counts (list_id, until, members)
      select m.list_id, ${untilOf('s')}, count(*)
      from email_suppressions s join contacts c on c.email_match = s.email_match
        join list_members m on m.contact_id = c.id
      where ${receivable('m.status', 'c')}
      group by m.list_id, ${untilOf('s')}`)
    .execute(db);
}

/** SQLite has one writer: the triggers add their deltas to the counters directly. */
function addDeltas(rows: string): string {
  return `insert into list_suppressed_counts (list_id, until, members)
    select list_id, until, sum(delta) from (${rows}) d where list_id in (select id from lists)
    group by list_id, until having sum(delta) <> 0 order by list_id, until
    on conflict (list_id, until) do update set members = list_suppressed_counts.members + excluded.members`;
}

const SQLITE_TRIGGERS: [name: string, on: string, body: string][] = [
  [
    'member_insert',
    'after insert on list_members',
    addDeltas(
      membershipRows(
        '(select new.list_id as list_id, new.contact_id as contact_id, new.status as status)',
        1,
      ),
    ),
  ],
  [
    'member_delete',
    'after delete on list_members',
    addDeltas(
      membershipRows(
        '(select old.list_id as list_id, old.contact_id as contact_id, old.status as status)',
        -1,
      ),
    ),
  ],
  [
    'member_update',
    `after update of list_id, contact_id, status on list_members
      when old.list_id <> new.list_id or old.contact_id <> new.contact_id or old.status <> new.status`,
    addDeltas(`${membershipRows('(select old.list_id as list_id, old.contact_id as contact_id, old.status as status)', -1)}
      union all ${membershipRows('(select new.list_id as list_id, new.contact_id as contact_id, new.status as status)', 1)}`),
  ],
  ['contact_delete', 'after delete on contacts', addDeltas(contactRows('old', -1))],
  [
    'contact_update',
    `after update of id, do_not_email, email, email_match on contacts when ${CONTACT_CHANGED}`,
    addDeltas(`${contactRows('old', -1)} union all ${contactRows('new', 1)}`),
  ],
  ['suppression_insert', 'after insert on email_suppressions', addDeltas(suppressionRows('new', 1))],
  ['suppression_delete', 'after delete on email_suppressions', addDeltas(suppressionRows('old', -1))],
  [
    'suppression_update',
    `after update of email_match, until on email_suppressions
      when old.email_match <> new.email_match or old.until is not new.until`,
    addDeltas(`${suppressionRows('old', -1)} union all ${suppressionRows('new', 1)}`),
  ],
  ['list_delete', 'after delete on lists', 'delete from list_suppressed_counts where list_id = old.id'],
];

async function upSqlite(db: AnyDb): Promise<void> {
  for (const [name, on, body] of SQLITE_TRIGGERS)
    await sql.raw(`create trigger list_suppressed_${name} ${on} begin ${body}; end`).execute(db);
}

/**
 * PostgreSQL: staged in `list_suppressed_pending` and folded at commit by 015's deferred function, which
 * now folds both tables, the audience counters first: every transaction locks counter rows in the same
 * order (a second deferred function could fold them in either order and deadlock two commits).
 */
function stageDeltas(rows: string): string {
  return `insert into list_suppressed_pending (list_id, until, delta)
    select list_id, until, sum(delta) from (${rows}) d
    group by list_id, until having sum(delta) <> 0`;
}

const FOLD_SUPPRESSED = `with staged as (
    delete from list_suppressed_pending where xid = pg_current_xact_id() returning list_id, until, delta
  )
  insert into list_suppressed_counts (list_id, until, members)
    select list_id, until, sum(delta) from staged where list_id in (select id from lists)
    group by list_id, until having sum(delta) <> 0 order by list_id, until
    on conflict (list_id, until) do update set members = list_suppressed_counts.members + excluded.members`;

/**
 * Whether a membership counts here depends on three rows no single row lock covers: the membership, its
 * contact and the suppression of the contact's address (which may not exist yet). Writers of a suppression
 * take an exclusive transaction lock on its address's bucket; writers of memberships and of contacts a
 * shared one on their contacts' addresses' buckets (after 015's share lock on the contacts, so the address
 * read is the one that commits). Whichever commits second then reads the other's change (each statement
 * of a trigger function takes a new snapshot in READ COMMITTED). Taken in one order within a statement.
 * Addresses fall in 64 buckets so that a statement over a million memberships (a list deleted) takes at
 * most 64 advisory locks (they live in PostgreSQL's shared lock table), not one per address.
 */
const LOCK_CLASS = 21_019;
const lockAddresses = (addresses: string, mode: 'shared' | 'exclusive') =>
  `perform pg_advisory_xact_lock${mode === 'shared' ? '_shared' : ''}(${LOCK_CLASS}, b) from (
    select distinct hashtext(a) & 63 as b from (${addresses}) x(a) where a is not null order by b) ordered`;

const lockContacts = (ids: string) => `perform 1 from contacts where id in (${ids}) order by id for share`;
const addressesOf = (ids: string) => `select email_match from contacts where id in (${ids})`;

function postgresFunctions(): Record<string, string[]> {
  const members = (ids: string) => [lockContacts(ids), lockAddresses(addressesOf(ids), 'shared')];
  return {
    member_insert: [
      ...members('select contact_id from new_rows'),
      stageDeltas(membershipRows('new_rows', 1)),
    ],
    member_delete: [
      ...members('select contact_id from old_rows'),
      stageDeltas(membershipRows('old_rows', -1)),
    ],
    member_update: [
      ...members('select contact_id from old_rows union select contact_id from new_rows'),
      stageDeltas(`${membershipRows('old_rows', -1)} union all ${membershipRows('new_rows', 1)}`),
    ],
    contact_delete: [lockAddresses('select old.email_match', 'shared'), stageDeltas(contactRows('old', -1))],
    contact_update: [
      lockAddresses('select old.email_match union select new.email_match', 'shared'),
      stageDeltas(`${contactRows('old', -1)} union all ${contactRows('new', 1)}`),
    ],
    suppression_insert: [
      lockAddresses('select new.email_match', 'exclusive'),
      stageDeltas(suppressionRows('new', 1)),
    ],
    suppression_delete: [
      lockAddresses('select old.email_match', 'exclusive'),
      stageDeltas(suppressionRows('old', -1)),
    ],
    suppression_update: [
      lockAddresses('select old.email_match union select new.email_match', 'exclusive'),
      stageDeltas(`${suppressionRows('old', -1)} union all ${suppressionRows('new', 1)}`),
    ],
    list_delete: ['delete from list_suppressed_counts where list_id = old.id'],
  };
}

const POSTGRES_TRIGGERS: [name: string, on: string][] = [
  ['member_insert', 'after insert on list_members referencing new table as new_rows for each statement'],
  ['member_delete', 'after delete on list_members referencing old table as old_rows for each statement'],
  [
    'member_update',
    'after update on list_members referencing old table as old_rows new table as new_rows for each statement',
  ],
  ['contact_delete', 'after delete on contacts for each row'],
  [
    'contact_update',
    `after update of id, do_not_email, email, email_match on contacts for each row when (
      old.do_not_email <> new.do_not_email or old.email is distinct from new.email
      or old.email_match is distinct from new.email_match or old.id <> new.id)`,
  ],
  ['suppression_insert', 'after insert on email_suppressions for each row'],
  ['suppression_delete', 'after delete on email_suppressions for each row'],
  [
    'suppression_update',
    `after update of email_match, until on email_suppressions for each row when (
      old.email_match <> new.email_match or old.until is distinct from new.until)`,
  ],
  ['list_delete', 'after delete on lists for each row'],
];

/** 015's fold at commit, then this one's. */
const applyFunction = (statements: string[]) => `create or replace function list_audience_apply()
  returns trigger language plpgsql set search_path from current as $$
  begin
    ${statements.map((s) => `${s};`).join('\n')}
    return null;
  end $$`;

async function upPostgres(db: AnyDb): Promise<void> {
  await sql`create unlogged table list_suppressed_pending (
    xid xid8 not null default pg_current_xact_id(),
    list_id text not null,
    until bigint not null,
    delta bigint not null
  )`.execute(db);
  await sql`create index list_suppressed_pending_by_xid on list_suppressed_pending (xid)`.execute(db);
  for (const [name, statements] of Object.entries(postgresFunctions()))
    await sql
      .raw(`create function list_suppressed_${name}() returns trigger language plpgsql
        set search_path from current as $$
        begin
          ${statements.map((s) => `${s};`).join('\n')}
          return null;
        end $$`)
      .execute(db);
  for (const [name, on] of POSTGRES_TRIGGERS)
    await sql
      .raw(`create trigger list_suppressed_${name} ${on} execute function list_suppressed_${name}()`)
      .execute(db);
  await sql.raw(applyFunction([...(audienceFunctions().apply ?? []), FOLD_SUPPRESSED])).execute(db);
  await sql
    .raw(`create constraint trigger list_suppressed_apply after insert on list_suppressed_pending
      deferrable initially deferred for each row execute function list_audience_apply()`)
    .execute(db);
}

export async function up(db: AnyDb): Promise<void> {
  const sqlite = isSqlite(db);
  await createTable(db, sqlite);
  if (sqlite) await upSqlite(db);
  else await upPostgres(db);
}

export async function down(db: AnyDb): Promise<void> {
  const sqlite = isSqlite(db);
  for (const [name, on] of sqlite ? SQLITE_TRIGGERS : POSTGRES_TRIGGERS) {
    const table = on.split(' on ')[1]?.split(/\s/)[0];
    await sql
      .raw(`drop trigger if exists list_suppressed_${name}${sqlite ? '' : ` on ${table}`}`)
      .execute(db);
  }
  if (!sqlite) {
    await sql.raw('drop trigger if exists list_suppressed_apply on list_suppressed_pending').execute(db);
    await sql.raw(applyFunction(audienceFunctions().apply ?? [])).execute(db);
    for (const name of Object.keys(postgresFunctions()))
      await sql.raw(`drop function if exists list_suppressed_${name}()`).execute(db);
    await db.schema.dropTable('list_suppressed_pending').execute();
  }
  await db.schema.dropTable('list_suppressed_counts').execute();
}
