// Email engagement's hot-path store, written once: one batch of opens, clicks and unsubscribes in one
// transaction — read what the hits need, classify them (engagement-plan.ts), write the plan, link browsers,
// unsubscribe — as one statement program (storage/statements.ts). The SQLite writer thread runs it on its
// own connection (openThreadStore); the in-process path runs it through Kysely (commitHits: PostgreSQL,
// and SQLite :memory:). Where the engines want different SQL, the program asks its dialect:
// - SQLite: per-row statements whose text never changes, each prepared once per connection and run per
//   row (decision 004: Kysely building and compiling each batch's list-sized SQL cost the thread more
//   than SQLite's own work). The thread also remembers recipients between batches (recipient-cache.ts).
// - PostgreSQL: set-based, a fixed number of statements per batch whatever its size: reads with
//   `= any(?)` over an array, writes as one insert (or upsert) from `unnest` of one array per column.
// Linking a browser and unsubscribing are identity's and lists' own programs, run inside this one.
import type SqliteDatabase from 'better-sqlite3';
import { linkBrowserStatements } from '../../identity/store.ts';
import { isWellFormedId, newId } from '../../lib/ids.ts';
import { unsubscribeStatements } from '../../lists/store.ts';
import type { Engine, Storage } from '../../storage/database.ts';
import type { EmailEventKind } from '../../storage/schema.ts';
import {
  all,
  change,
  changeEach,
  first,
  runOnDb,
  runOnSqlite,
  type StatementProgram,
} from '../../storage/statements.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';
import {
  type EngagementWrites,
  type KnownEvent,
  type PlanState,
  planEngagement,
  recentKey,
  recipientOf,
} from './engagement-plan.ts';
import { forgetBefore, RecipientCache, type RecipientFacts } from './recipient-cache.ts';
import { LOOKBACK_MS } from './scanner-rules.ts';

/**
 * The events a click's look back needs (clicks, and the opens clicks implied), word for word the
 * condition of email_events_clicks_by_recipient: a query must repeat it for the index to serve it.
 * Other opens never decide a verdict, and leaving them out of the index saves a page write per open.
 */
const LOOKED_BACK = "kind = 'click' or implied = 1";

// The statements, each text made once (on SQLite the text is the key of the statement prepared for it).
const RECENT_COLUMNS = 'id, kind, link_position, occurred_at, machine, machine_reason, implied, source_hash';
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
  send: 'select list_ids from sends where id = ?',
  /** A recipient, its contact's tracking choice and its tallies in one read: a row per tally (or one). */
  recipient: `select r.sent_at, c.id as contact, c.email_tracking, e.scope, e.human, e.machine
    from send_recipients r left join contacts c on c.id = r.contact_id
    left join send_engagement e on e.send_id = r.send_id and e.recipient_key = ?
    where r.send_id = ? and r.contact_id = ?`,
  // In the index's order: ties of an instant need no order of their own (the rules compare instants),
  // and sorting them by id again cost a temporary B-tree per clicking recipient.
  recent: `select ${RECENT_COLUMNS} from email_events where send_id = ? and recipient_key = ?
    and occurred_at >= ? and (${LOOKED_BACK}) order by occurred_at`,
  insertEvent: `insert into email_events (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  upsertTally: `insert into send_engagement (send_id, recipient_key, scope, human, machine)
    values (?, ?, ?, ?, ?) ${TALLY_CONFLICT}`,
  addCounter: `insert into send_counters (send_id, name, value) values (?, ?, ?) ${COUNTER_CONFLICT}`,
  insertVisitor: 'insert into visitors (id, created_at, last_seen_at, contact_id) values (?, ?, ?, ?)',
};

/** PostgreSQL: every row of the batch at once, from arrays (one per column). */
const POSTGRES = {
  /**
   * Serialises batches that touch the same recipients (PostgreSQL commits several at once): each reads a
   * recipient's tallies and recent events and writes them back, so two must not interleave. Taken in one
   * order, so batches holding several cannot deadlock.
   */
  lockRecipients: `select pg_advisory_xact_lock(h) from (select distinct hashtextextended('email:' || k, 0)
    as h from unnest(?::text[]) as k order by h) as ordered`,
  sends: 'select id, list_ids from sends where id = any(?::text[])',
  // An erasure deletes recipient rows first: it waits for this batch, or this batch finds them gone.
  recipients: `select r.send_id, r.contact_id, r.sent_at, c.id as contact, c.email_tracking
    from send_recipients r left join contacts c on c.id = r.contact_id
    where r.send_id = any(?::text[]) and r.contact_id = any(?::text[]) for share of r`,
  tallies: `select send_id, recipient_key, scope, human, machine from send_engagement
    where send_id = any(?::text[]) and recipient_key = any(?::text[])`,
  recent: `select send_id, recipient_key, ${RECENT_COLUMNS} from email_events
    where send_id = any(?::text[]) and recipient_key = any(?::text[]) and occurred_at >= ?
    and (${LOOKED_BACK}) order by occurred_at, id`,
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
  return storage.db.transaction().execute(async (tx) => {
    const { outcomes } = await runOnDb(tx, batchStatements(hits, trackingDefault, storage.engine, null));
    return outcomes;
  });
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

/** What a batch's reads found: its plan state, and each recipient's facts by recentKey (now as stored). */
interface Read {
  state: PlanState;
  recipients: Map<string, RecipientFacts>;
}

/**
 * The batch's transaction as a program. `remembered` (SQLite, writer thread only) answers for the
 * recipients it knows; the returned facts are the very objects the planner changed, so after the commit
 * they are what is stored.
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
    });
  }
  return { outcomes, recipients: read.recipients };
}

// ---- Reading what the batch needs ----

/** Only clicks look back (bursts, the honeypot window), from the batch's earliest click. */
function lookBack(hits: readonly EngagementHit[]): { clicking: Set<string>; since: number } {
  const clicking = new Set<string>();
  let earliestClick = Number.POSITIVE_INFINITY;
  for (const hit of hits) {
    if (hit.kind !== 'click') continue;
    clicking.add(recentKey(hit.sendId, hit.recipientKey));
    earliestClick = Math.min(earliestClick, hit.at);
  }
  return { clicking, since: earliestClick - LOOKBACK_MS };
}

const emptyState = (): PlanState => ({
  sends: new Map(),
  recipients: new Map(),
  tracking: new Map(),
  engagement: new Map(),
  recent: new Map(),
});

/** Puts a recipient's facts into the planner's state (the same objects: the planner changes them). */
function addRecipient(
  state: PlanState,
  hit: EngagementHit,
  key: string,
  facts: RecipientFacts,
  trackingDefault: boolean,
) {
  if (!facts.exists) return;
  state.recipients.set(recipientOf(hit.sendId, hit.contactId), { sentAt: facts.sentAt });
  if (facts.emailTracking !== undefined)
    state.tracking.set(
      hit.contactId,
      facts.emailTracking === null ? trackingDefault : facts.emailTracking === 1,
    );
  state.engagement.set(key, facts.tallies);
  // Events the planner adds land in this list, which then holds all of them since recentFrom.
  if (facts.recentFrom !== Number.POSITIVE_INFINITY) state.recent.set(key, facts.recent);
}

type Row = Record<string, unknown>;
const nullableNumber = (value: unknown) => (value == null ? null : Number(value));

/** A recipient's row and its contact's tracking choice (a missing contact allows no tracking). */
function recipientFacts(contactId: string, row: Row | null | undefined): RecipientFacts {
  return {
    contactId,
    exists: row != null,
    sentAt: nullableNumber(row?.['sent_at']),
    emailTracking: row?.['contact'] == null ? undefined : nullableNumber(row['email_tracking']),
    tallies: new Map(),
    recent: [],
    recentFrom: Number.POSITIVE_INFINITY,
  };
}

function knownEvent(row: Row): KnownEvent {
  const kind = row['kind'] as EmailEventKind;
  return {
    id: row['id'] as string,
    kind,
    position: row['link_position'] === null ? -1 : Number(row['link_position']),
    at: Number(row['occurred_at']),
    sourceHash: row['source_hash'] as string | null,
    machine: Number(row['machine']) === 1,
    reason: row['machine_reason'] as string | null,
    implied: Number(row['implied']) === 1,
    honeypot: kind === 'click' && row['machine_reason'] === 'honeypot',
  };
}

function parseListIds(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * SQLite: each send, recipient and (for clicks) recent events by its own indexed read of fixed text,
 * unless the thread remembers it.
 */
function* readOneByOne(
  hits: readonly EngagementHit[],
  trackingDefault: boolean,
  remembered: RecipientCache | null,
): StatementProgram<Read> {
  const { clicking, since } = lookBack(hits);
  const state = emptyState();
  const recipients = new Map<string, RecipientFacts>();
  const sendsRead = new Set<string>();
  for (const hit of hits) {
    if (!sendsRead.has(hit.sendId)) {
      sendsRead.add(hit.sendId);
      let listIds = remembered?.sends.get(hit.sendId);
      if (listIds === undefined) {
        const row = yield* first<{ list_ids: string }>('select list_ids from sends where id = ?', [
          hit.sendId,
        ]);
        listIds = row ? parseListIds(row.list_ids) : null;
        remembered?.rememberSend(hit.sendId, listIds);
      }
      if (listIds) state.sends.set(hit.sendId, { listIds });
    }
    const key = recentKey(hit.sendId, hit.recipientKey);
    if (recipients.has(key)) continue;
    const known = remembered?.get(key);
    // A recipient key is a keyed hash of (send, contact): one contact per key (another is read anew).
    const facts = known?.contactId === hit.contactId ? known : yield* readRecipient(hit);
    recipients.set(key, facts);
    if (facts.exists && clicking.has(key)) {
      if (facts.recentFrom <= since) forgetBefore(facts, since);
      else {
        const rows = yield* all(SQLITE.recent, [hit.sendId, hit.recipientKey, since]);
        facts.recent = rows.map(knownEvent);
        facts.recentFrom = since;
      }
    }
    addRecipient(state, hit, key, facts, trackingDefault);
  }
  return { state, recipients };
}

/** SQLite: what the database holds about one recipient (its row, its contact's choice, its tallies). */
function* readRecipient(hit: EngagementHit): StatementProgram<RecipientFacts> {
  const rows = yield* all(SQLITE.recipient, [hit.recipientKey, hit.sendId, hit.contactId]);
  const facts = recipientFacts(hit.contactId, rows[0]);
  for (const t of rows)
    if (t['scope'] !== null)
      facts.tallies.set(t['scope'] as string, { human: Number(t['human']), machine: Number(t['machine']) });
  return facts;
}

const unique = <T>(values: Iterable<T>) => [...new Set(values)];

/** PostgreSQL: the batch's sends, recipients, tallies and recent events, four reads whatever its size. */
function* readAtOnce(hits: readonly EngagementHit[], trackingDefault: boolean): StatementProgram<Read> {
  const sendIds = unique(hits.map((hit) => hit.sendId));
  const recipientKeys = unique(hits.map((hit) => hit.recipientKey));
  yield* all(POSTGRES.lockRecipients, [recipientKeys]);
  const state = emptyState();
  for (const row of yield* all(POSTGRES.sends, [sendIds]))
    state.sends.set(row['id'] as string, { listIds: parseListIds(row['list_ids'] as string) });
  const found = new Map<string, Row>();
  const recipientRows = yield* all(POSTGRES.recipients, [sendIds, unique(hits.map((hit) => hit.contactId))]);
  for (const row of recipientRows)
    found.set(recipientOf(row['send_id'] as string, row['contact_id'] as string), row);
  const tallies = new Map<string, Map<string, { human: number; machine: number }>>();
  const tallyRows = yield* all(POSTGRES.tallies, [sendIds, recipientKeys]);
  for (const t of tallyRows) {
    const key = recentKey(t['send_id'] as string, t['recipient_key'] as string);
    let scopes = tallies.get(key);
    if (!scopes) {
      scopes = new Map();
      tallies.set(key, scopes);
    }
    scopes.set(t['scope'] as string, { human: Number(t['human']), machine: Number(t['machine']) });
  }
  const { clicking, since } = lookBack(hits);
  const recent = new Map<string, KnownEvent[]>();
  if (clicking.size > 0) {
    const clicks = hits.filter((hit) => hit.kind === 'click');
    const rows = yield* all(POSTGRES.recent, [
      unique(clicks.map((hit) => hit.sendId)),
      unique(clicks.map((hit) => hit.recipientKey)),
      since,
    ]);
    for (const row of rows) {
      const key = recentKey(row['send_id'] as string, row['recipient_key'] as string);
      const list = recent.get(key);
      if (list) list.push(knownEvent(row));
      else recent.set(key, [knownEvent(row)]);
    }
  }
  const recipients = new Map<string, RecipientFacts>();
  for (const hit of hits) {
    const key = recentKey(hit.sendId, hit.recipientKey);
    if (recipients.has(key)) continue;
    const facts = recipientFacts(hit.contactId, found.get(recipientOf(hit.sendId, hit.contactId)));
    facts.tallies = tallies.get(key) ?? facts.tallies;
    if (clicking.has(key)) {
      facts.recent = recent.get(key) ?? [];
      facts.recentFrom = since;
    }
    recipients.set(key, facts);
    addRecipient(state, hit, key, facts, trackingDefault);
  }
  return { state, recipients };
}

// ---- Writing the plan ----

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
    yield* change(POSTGRES.insertEvents, [
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
    yield* change(POSTGRES.upsertTallies, [
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
    yield* change(POSTGRES.addCounters, [
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
    yield* change(POSTGRES.insertVisitors, [
      fresh.map((v) => v.id),
      fresh.map((v) => v.at),
      fresh.map((v) => v.at),
      fresh.map((v) => v.contactId),
    ]);
}
