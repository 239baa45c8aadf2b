// Each list's members counted by what a send would do with them (docs/decisions/021-send-estimate-counters.md):
// receivable, or blocked as unsubscribed, do not email or no address — the send's own permission rule
// (src/email/sends/permission-rules.ts) for one membership, but for the suppression list: a suppression
// expires with time (migration 016), which no trigger sees, so migration 019 counts the suppressed among
// the receivable by their suppression's expiry, and the estimate subtracts those in force when read. The
// send confirmation reads these instead of scanning a million memberships.
//
// Kept by triggers in the transaction of every change they count, so no writer has to remember them and
// none can forget: memberships (added, unsubscribed, resubscribed, moved by a merge, removed, erased,
// the hot path's one-click unsubscribes written by the SQLite writer thread) and a contact's do-not-email
// flag or address (edited, imported, merged, erased).
// The counters count memberships whose contact exists, as the estimate's old scan joined them.
//
// Also (issue 15): the emails sent before the send worker logged them in the interaction feed.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

const isSqlite = (db: AnyDb) => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * A membership's state: `status` is its status, `c` the contact row's alias. The order of blockReasonOf:
 * the contact's own choices first, then the facts about the address.
 */
export function audienceState(status: string, c: string): string {
  return `case when ${status} <> 'subscribed' then 'unsubscribed'
    when ${c}.do_not_email <> 0 then 'do_not_email'
    when ${c}.email is null or trim(${c}.email) = '' then 'no_address'
    else 'receivable' end`;
}

/**
 * Adds the deltas that `rows` selects (columns list_id, state, delta) to the counters, one statement, in
 * (list, state) order. A list deleted meanwhile has no counters: its deltas are dropped.
 */
function addDeltas(rows: string): string {
  return `insert into list_audience_counts (list_id, state, members)
    select list_id, state, sum(delta) from (${rows}) d where list_id in (select id from lists)
    group by list_id, state having sum(delta) <> 0 order by list_id, state
    on conflict (list_id, state) do update set members = list_audience_counts.members + excluded.members`;
}

/** `sign` × the memberships of `rows` (alias m: list_id, contact_id, status), each in its contact's state. */
const membershipDeltas = (rows: string, sign: 1 | -1) =>
  `select m.list_id, ${audienceState('m.status', 'c')} as state, ${sign} as delta
    from ${rows} m join contacts c on c.id = m.contact_id`;

/** `sign` × the memberships of contact row `c` (old or new), in that row's state. */
const contactDeltas = (c: 'old' | 'new', sign: 1 | -1) =>
  `select m.list_id, ${audienceState('m.status', c)} as state, ${sign} as delta
    from list_members m where m.contact_id = ${c}.id`;

const CONTACT_CHANGED = `old.do_not_email <> new.do_not_email or old.email is not new.email
  or old.id <> new.id`;

async function backfill(db: AnyDb): Promise<void> {
  await sql
    .raw(`insert into list_audience_counts (list_id, state, members)
      select m.list_id, ${audienceState('m.status', 'c')}, count(*)
      from list_members m join contacts c on c.id = m.contact_id
      group by m.list_id, ${audienceState('m.status', 'c')}`)
    .execute(db);
}

async function createTable(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('list_audience_counts')
    .addColumn('list_id', 'text', (c) => c.notNull())
    /** receivable, unsubscribed, do_not_email, no_address, hard_bounced */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('members', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('list_audience_counts_pk', ['list_id', 'state'])
    .execute();
}

async function upSqlite(db: AnyDb): Promise<void> {
  const triggers: [name: string, on: string, body: string[]][] = [
    [
      'member_insert',
      'after insert on list_members',
      [
        addDeltas(
          membershipDeltas(
            '(select new.list_id as list_id, new.contact_id as contact_id, new.status as status)',
            1,
          ),
        ),
      ],
    ],
    [
      'member_delete',
      'after delete on list_members',
      [
        addDeltas(
          membershipDeltas(
            '(select old.list_id as list_id, old.contact_id as contact_id, old.status as status)',
            -1,
          ),
        ),
      ],
    ],
    [
      'member_update',
      `after update of list_id, contact_id, status on list_members
        when old.list_id <> new.list_id or old.contact_id <> new.contact_id or old.status <> new.status`,
      [
        addDeltas(`${membershipDeltas('(select old.list_id as list_id, old.contact_id as contact_id, old.status as status)', -1)}
          union all ${membershipDeltas('(select new.list_id as list_id, new.contact_id as contact_id, new.status as status)', 1)}`),
      ],
    ],
    ['contact_delete', 'after delete on contacts', [addDeltas(contactDeltas('old', -1))]],
    [
      'contact_update',
      `after update of id, do_not_email, email on contacts when ${CONTACT_CHANGED}`,
      [addDeltas(`${contactDeltas('old', -1)} union all ${contactDeltas('new', 1)}`)],
    ],
    ['list_delete', 'after delete on lists', ['delete from list_audience_counts where list_id = old.id']],
  ];
  for (const [name, on, body] of triggers)
    await sql
      .raw(`create trigger list_audience_${name} ${on} begin ${body.map((s) => `${s};`).join(' ')} end`)
      .execute(db);
}

/**
 * PostgreSQL: the triggers stage their deltas in `list_audience_pending` (an insert, no lock on a shared
 * row), and a deferred trigger folds the transaction's staged deltas into the counters when it commits,
 * in (list, state) order. Updating the counters in place from each statement made two transactions that
 * touched two lists in opposite orders deadlock (a form adding to lists A then B, another B then A), and
 * held every list's counter rows locked for the whole transaction.
 */
function stageDeltas(rows: string): string {
  return `insert into list_audience_pending (list_id, state, delta)
    select list_id, state, sum(delta) from (${rows}) d
    group by list_id, state having sum(delta) <> 0`;
}

/** PostgreSQL trigger functions: name → body (statements run in order). */
export function postgresFunctions(): Record<string, string[]> {
  // Writers of memberships take a share lock on their contacts before reading their state, and a writer
  // of a contact's state holds its row: whichever commits second then reads the other's change (each
  // statement of a trigger function takes a new snapshot in READ COMMITTED), so concurrent changes
  // never count a membership in a stale state.
  const lockMembers = (ids: string) => `perform 1 from contacts where id in (${ids}) order by id for share`;
  return {
    member_insert: [
      lockMembers('select contact_id from new_rows'),
      stageDeltas(membershipDeltas('new_rows', 1)),
    ],
    member_delete: [
      lockMembers('select contact_id from old_rows'),
      stageDeltas(membershipDeltas('old_rows', -1)),
    ],
    member_update: [
      lockMembers('select contact_id from old_rows union select contact_id from new_rows'),
      stageDeltas(`${membershipDeltas('old_rows', -1)} union all ${membershipDeltas('new_rows', 1)}`),
    ],
    contact_delete: [stageDeltas(contactDeltas('old', -1))],
    contact_update: [stageDeltas(`${contactDeltas('old', -1)} union all ${contactDeltas('new', 1)}`)],
    list_delete: ['delete from list_audience_counts where list_id = old.id'],
    // At commit: the first call takes every staged row of the transaction, the others find none.
    apply: [
      `with staged as (
        delete from list_audience_pending where xid = pg_current_xact_id() returning list_id, state, delta
      )
      insert into list_audience_counts (list_id, state, members)
        select list_id, state, sum(delta) from staged where list_id in (select id from lists)
        group by list_id, state having sum(delta) <> 0 order by list_id, state
        on conflict (list_id, state) do update set members = list_audience_counts.members + excluded.members`,
    ],
  };
}

const POSTGRES_TRIGGERS: [name: string, on: string, fn: string][] = [
  // Memberships change in bulk (imports, a list's members added at once): one call per statement.
  [
    'member_insert',
    'after insert on list_members referencing new table as new_rows for each statement',
    'member_insert',
  ],
  [
    'member_delete',
    'after delete on list_members referencing old table as old_rows for each statement',
    'member_delete',
  ],
  [
    'member_update',
    'after update on list_members referencing old table as old_rows new table as new_rows for each statement',
    'member_update',
  ],
  ['contact_delete', 'after delete on contacts for each row', 'contact_delete'],
  [
    'contact_update',
    `after update of id, do_not_email, email on contacts for each row when (
      old.do_not_email <> new.do_not_email or old.email is distinct from new.email or old.id <> new.id)`,
    'contact_update',
  ],
  ['list_delete', 'after delete on lists for each row', 'list_delete'],
  ['apply', 'after insert on list_audience_pending deferrable initially deferred for each row', 'apply'],
];

async function upPostgres(db: AnyDb): Promise<void> {
  // Rows live only inside the transaction that stages them (the commit folds and deletes them), so
  // the table needs no WAL: after a crash it is empty, as it would be anyway.
  await sql`create unlogged table list_audience_pending (
    xid xid8 not null default pg_current_xact_id(),
    list_id text not null,
    state text not null,
    delta bigint not null
  )`.execute(db);
  await sql`create index list_audience_pending_by_xid on list_audience_pending (xid)`.execute(db);
  for (const [name, statements] of Object.entries(postgresFunctions()))
    await sql
      .raw(`create function list_audience_${name}() returns trigger language plpgsql
        set search_path from current as $$
        begin
          ${statements.map((s) => `${s};`).join('\n')}
          return null;
        end $$`)
      .execute(db);
  for (const [name, on, fn] of POSTGRES_TRIGGERS) {
    const constraint = name === 'apply' ? 'constraint ' : '';
    await sql
      .raw(`create ${constraint}trigger list_audience_${name} ${on} execute function list_audience_${fn}()`)
      .execute(db);
  }
}

/**
 * Emails sent before the send worker logged them as interactions (src/email/sends/send-interactions.ts),
 * oldest first: the feed and contacts' timelines start with them.
 */
export async function logSentEmails(db: AnyDb): Promise<void> {
  await sql`insert into interaction_log (source, item_id)
    select 'email_delivery', send_id || '.' || contact_id from send_recipients
    where status in ('sent', 'hard_bounce', 'soft_bounce')
    order by coalesce(sent_at, next_attempt_at), send_id, contact_id`.execute(db);
}

export async function up(db: AnyDb): Promise<void> {
  await logSentEmails(db);
  await createTable(db);
  await backfill(db);
  if (isSqlite(db)) await upSqlite(db);
  else await upPostgres(db);
}

export async function down(db: AnyDb): Promise<void> {
  const sqlite = isSqlite(db);
  for (const [name, on] of POSTGRES_TRIGGERS) {
    const table = on.split(' on ')[1]?.split(' ')[0];
    await sql.raw(`drop trigger if exists list_audience_${name}${sqlite ? '' : ` on ${table}`}`).execute(db);
  }
  if (!sqlite)
    for (const name of Object.keys(postgresFunctions()))
      await sql.raw(`drop function if exists list_audience_${name}()`).execute(db);
  if (!sqlite) await db.schema.dropTable('list_audience_pending').execute();
  await db.schema.dropTable('list_audience_counts').execute();
  await db.deleteFrom('interaction_log').where('source', '=', 'email_delivery').execute();
}
