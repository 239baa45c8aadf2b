// Email engagement's hot-path store, written once: one batch of opens, clicks and unsubscribes in one
// transaction — read what the hits need, classify them (engagement-plan.ts), write the plan, link browsers,
// unsubscribe — as one statement program (storage/statements.ts). The SQLite writer thread runs it on its
// own connection (openThreadStore); the in-process path (commitHits) on a raw PostgreSQL client with its
// statements pipelined (runOnPostgres, decision 042), or through Kysely on SQLite :memory:. Where the engines want different SQL, the program asks its dialect:
// - SQLite: per-row statements whose text never changes, each prepared once per connection and run per
//   row (decision 004: Kysely building and compiling each batch's list-sized SQL cost the thread more
//   than SQLite's own work). The thread also remembers recipients between batches (recipient-cache.ts).
// - PostgreSQL: set-based, a fixed number of statements per batch whatever its size: reads with
//   `= any(?)` over an array, writes as one insert (or upsert) from `unnest` of one array per column.
// Its reads are in batch-reads.ts. Linking a browser and unsubscribing are identity's and lists' own
// programs, run inside this one.
import type SqliteDatabase from 'better-sqlite3';
import { linkBrowserStatements } from '../../identity/store.ts';
import { isWellFormedId, newId } from '../../lib/ids.ts';
import { unsubscribeStatements } from '../../lists/store.ts';
import type { Engine, Storage } from '../../storage/database.ts';
import {
  changeEach,
  runOnDb,
  runOnPostgres,
  runOnSqlite,
  type StatementProgram,
  write,
} from '../../storage/statements.ts';
import { LOOKED_BACK, readAtOnce, readOneByOne } from './batch-reads.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';
import { type EngagementWrites, planEngagement } from './engagement-plan.ts';
import { forgetBefore, RecipientCache, type RecipientFacts } from './recipient-cache.ts';
import { LOOKBACK_MS } from './scanner-rules.ts';

// Each statement's text is made once (on SQLite the text is the key of the statement prepared for it).
const EVENT_COLUMNS = `id, send_id, contact_id, recipient_key, kind, link_position, occurred_at, machine,
  machine_reason, implied, source_hash, user_agent`;
const TALLY_CONFLICT =
  'on conflict (send_id, recipient_key, scope) do update set human = excluded.human, machine = excluded.machine';
const COUNTER_CONFLICT =
  'on conflict (send_id, name) do update set value = send_counters.value + excluded.value';
/** Relabels are rare (bursts, honeypot hits); each finds its event through the recipient's index. */
const RELABEL = `update email_events set machine = 1, machine_reason = ?
  where send_id = ? and recipient_key = ? and occurred_at = ? and id = ? and (${LOOKED_BACK})`;

/** SQLite: one row each. */
const SQLITE = {
  insertEvent: `insert into email_events (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertTally: `insert into send_engagement (send_id, recipient_key, scope, human, machine)
    values (?, ?, ?, ?, ?) ${TALLY_CONFLICT}`,
  addCounter: `insert into send_counters (send_id, name, value) values (?, ?, ?) ${COUNTER_CONFLICT}`,
  insertVisitor: 'insert into visitors (id, created_at, last_seen_at, contact_id) values (?, ?, ?, ?)',
};

/** PostgreSQL: every row of the batch at once, from arrays (one per column). */
const POSTGRES = {
  insertEvents: `insert into email_events (${EVENT_COLUMNS}) select * from unnest(?::text[], ?::text[],
    ?::text[], ?::text[], ?::text[], ?::integer[], ?::bigint[], ?::integer[], ?::text[], ?::integer[],
    ?::text[], ?::text[])`,
  upsertTallies: `insert into send_engagement (send_id, recipient_key, scope, human, machine)
    select * from unnest(?::text[], ?::text[], ?::text[], ?::integer[], ?::integer[]) ${TALLY_CONFLICT}`,
  /** Rows lock in the order unnest yields them: the caller sorts them. */
  addCounters: `insert into send_counters (send_id, name, value)
    select * from unnest(?::text[], ?::text[], ?::bigint[]) ${COUNTER_CONFLICT}`,
  insertVisitors: `insert into visitors (id, created_at, last_seen_at, contact_id)
    select * from unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[])`,
};

/** One batch in one transaction, in process: PostgreSQL (several batches at once) and SQLite :memory:. */
export async function commitHits(
  storage: Storage,
  hits: EngagementHit[],
  trackingDefault: boolean,
): Promise<HitOutcome[]> {
  const program = batchStatements(hits, trackingDefault, storage.engine, null);
  // PostgreSQL: a raw client, the statements pipelined (decision 042).
  if (storage.pgPool) return (await runOnPostgres(storage.pgPool, program)).outcomes;
  return storage.db.transaction().execute(async (tx) => (await runOnDb(tx, program)).outcomes);
}

/** Recipients remembered across batches: about 0.6 KB each, some 12 MB when full. */
const CACHED_RECIPIENTS = 20_000;

/**
 * The writer thread's store (ENGAGEMENT_PATH's threadStore): the same program, run synchronously in a
 * `BEGIN IMMEDIATE` transaction on the thread's connection, with what earlier batches read about their
 * recipients remembered. What is remembered holds while only this connection writes the engagement
 * tables: `PRAGMA data_version`, read inside each transaction, moves when another connection has
 * committed (the main thread writes contacts, sends, recipients; erasure and merges delete and move
 * events), and then everything is forgotten. This connection's own commits never move it: those are this
 * program's writes, which the remembered objects already hold (the planner changed them in place). A
 * failed transaction forgets everything too: the planner may have changed what was never stored.
 */
export function openThreadStore(
  sqlite: SqliteDatabase.Database,
  limit = CACHED_RECIPIENTS,
): (hits: EngagementHit[], trackingDefault: boolean) => HitOutcome[] {
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  const remembered = new RecipientCache(limit);
  const commit = sqlite.transaction((hits: EngagementHit[], trackingDefault: boolean) => {
    // Inside the transaction (the write lock is held): checked against the state this transaction sees.
    remembered.sync(dataVersion.get() as number);
    return runOnSqlite(sqlite, batchStatements(hits, trackingDefault, 'sqlite', remembered));
  });
  return (hits, trackingDefault) => {
    let result: ReturnType<typeof commit>;
    try {
      // BEGIN IMMEDIATE: the write lock from the start, so the reads and the writes see one state.
      result = commit.immediate(hits, trackingDefault);
    } catch (error) {
      remembered.clear();
      throw error;
    }
    // Older events than any later batch looks back to (with room for hits that waited) are dropped.
    let latest = Number.NEGATIVE_INFINITY;
    for (const hit of hits) latest = Math.max(latest, hit.at);
    for (const [key, facts] of result.recipients) {
      forgetBefore(facts, latest - 2 * LOOKBACK_MS);
      remembered.set(key, facts);
    }
    return result.outcomes;
  };
}

/**
 * The batch's transaction as a program. `remembered` (SQLite, writer thread only) answers for the
 * recipients it knows; the returned facts are the very objects the planner changed, so after the commit
 * they are what is stored. In process nothing is remembered: on PostgreSQL other connections write at any
 * time, and on :memory: every write (the admin API's too) goes through the one connection, so
 * `data_version` would never tell.
 */
export function* batchStatements(
  hits: readonly EngagementHit[],
  trackingDefault: boolean,
  dialect: Engine,
  remembered: RecipientCache | null,
): StatementProgram<{ outcomes: HitOutcome[]; recipients: Map<string, RecipientFacts> }> {
  const read =
    dialect === 'sqlite'
      ? yield* readOneByOne(hits, trackingDefault, remembered)
      : yield* readAtOnce(hits, trackingDefault);
  const { writes, outcomes } = planEngagement(hits, read.state);
  if (dialect === 'sqlite') yield* writeOneByOne(writes);
  else yield* writeAtOnce(writes);
  yield* linkBrowsers(writes, outcomes, dialect);
  for (const request of writes.unsubscribes) {
    const outcome = outcomes[request.hitIndex] as HitOutcome;
    outcome.unsubscribed = yield* unsubscribeStatements(request.contactId, request.listIds, {
      sendId: request.sendId,
      now: request.at,
      ...(request.source ? { source: request.source, wordingVersion: request.wordingVersion ?? null } : {}),
    });
  }
  return { outcomes, recipients: read.recipients };
}

/** The counter deltas to add, as (send, name, delta) rows. */
function counterRows(writes: EngagementWrites): [string, string, number][] {
  const rows: [string, string, number][] = [];
  for (const [sendId, deltas] of writes.counters)
    for (const [name, delta] of deltas) if (delta !== 0) rows.push([sendId, name, delta]);
  return rows;
}

const relabelRows = (writes: EngagementWrites) =>
  writes.relabels.map((r) => [r.reason, r.sendId, r.recipientKey, r.at, r.id]);

/** SQLite: each statement of fixed text run once per row. */
function* writeOneByOne(writes: EngagementWrites): StatementProgram<void> {
  yield* changeEach(
    SQLITE.insertEvent,
    writes.events.map((e) => [
      e.id,
      e.send_id,
      e.contact_id,
      e.recipient_key,
      e.kind,
      e.link_position,
      e.occurred_at,
      e.machine,
      e.machine_reason,
      e.implied,
      e.source_hash,
      e.user_agent,
    ]),
  );
  yield* changeEach(RELABEL, relabelRows(writes));
  yield* changeEach(
    SQLITE.upsertTally,
    writes.engagement.map((t) => [t.send_id, t.recipient_key, t.scope, t.human, t.machine]),
  );
  yield* changeEach(SQLITE.addCounter, counterRows(writes));
}

/** PostgreSQL: one insert per table for the whole batch, from one array per column. */
function* writeAtOnce(writes: EngagementWrites): StatementProgram<void> {
  const { events, engagement } = writes;
  if (events.length > 0)
    yield* write(POSTGRES.insertEvents, [
      events.map((e) => e.id),
      events.map((e) => e.send_id),
      events.map((e) => e.contact_id),
      events.map((e) => e.recipient_key),
      events.map((e) => e.kind),
      events.map((e) => e.link_position),
      events.map((e) => e.occurred_at),
      events.map((e) => e.machine),
      events.map((e) => e.machine_reason),
      events.map((e) => e.implied),
      events.map((e) => e.source_hash),
      events.map((e) => e.user_agent),
    ]);
  yield* changeEach(RELABEL, relabelRows(writes));
  if (engagement.length > 0)
    yield* write(POSTGRES.upsertTallies, [
      engagement.map((t) => t.send_id),
      engagement.map((t) => t.recipient_key),
      engagement.map((t) => t.scope),
      engagement.map((t) => t.human),
      engagement.map((t) => t.machine),
    ]);
  // Counters in one order (send, then name) in every batch, so concurrent batches cannot deadlock.
  const counters = counterRows(writes).sort(([s1, n1], [s2, n2]) =>
    s1 < s2 ? -1 : s1 > s2 ? 1 : n1 < n2 ? -1 : n1 > n2 ? 1 : 0,
  );
  if (counters.length > 0)
    yield* write(POSTGRES.addCounters, [
      counters.map((c) => c[0]),
      counters.map((c) => c[1]),
      counters.map((c) => c[2]),
    ]);
}

/**
 * Human clicks with tracking consent: a browser that has a visitor id is linked (identity's one rule);
 * one without (most email clicks) gets a new visitor, already the contact's (no visits to attach yet).
 */
function* linkBrowsers(
  writes: EngagementWrites,
  outcomes: HitOutcome[],
  dialect: Engine,
): StatementProgram<void> {
  const fresh: { id: string; contactId: string; at: number }[] = [];
  for (const request of writes.identify) {
    const outcome = outcomes[request.hitIndex] as HitOutcome;
    if (isWellFormedId(request.visitorCookie))
      outcome.visitorId = yield* linkBrowserStatements(request.visitorCookie, request.contactId, request.at);
    else {
      outcome.visitorId = newId();
      fresh.push({ id: outcome.visitorId, contactId: request.contactId, at: request.at });
    }
  }
  if (fresh.length === 0) return;
  if (dialect === 'sqlite')
    yield* changeEach(
      SQLITE.insertVisitor,
      fresh.map((v) => [v.id, v.at, v.at, v.contactId]),
    );
  else
    yield* write(POSTGRES.insertVisitors, [
      fresh.map((v) => v.id),
      fresh.map((v) => v.at),
      fresh.map((v) => v.at),
      fresh.map((v) => v.contactId),
    ]);
}
