// What a batch of email hits needs to be classified, read by the engagement store (batch-store.ts) in its
// transaction, as statement programs: on SQLite one indexed read of fixed text per send, recipient and
// clicking recipient's recent events, unless the writer thread remembers them (recipient-cache.ts); on
// PostgreSQL a fixed number of set-based reads whatever the batch's size.

import type { EmailEventKind } from '../../storage/schema.ts';
import { all, allTogether, first, type StatementProgram } from '../../storage/statements.ts';
import type { EngagementHit } from './engagement-hit.ts';
import { type KnownEvent, type PlanState, recentKey, recipientOf } from './engagement-plan.ts';
import { forgetBefore, type RecipientCache, type RecipientFacts } from './recipient-cache.ts';
import { LOOKBACK_MS } from './scanner-rules.ts';

/**
 * The events a click's look back needs (clicks, and the opens clicks implied), word for word the
 * condition of email_events_clicks_by_recipient: a query must repeat it for the index to serve it.
 * Other opens never decide a verdict, and leaving them out of the index saves a page write per open.
 */
export const LOOKED_BACK = "kind = 'click' or implied = 1";

// Each statement's text is made once (on SQLite the text is the key of the statement prepared for it).
const RECENT_COLUMNS = 'id, kind, link_position, occurred_at, machine, machine_reason, implied, source_hash';

/** SQLite: one send, one recipient at a time. */
const SQLITE = {
  send: 'select list_ids from sends where id = ?',
  /** A recipient, its contact's tracking choice and its tallies in one read: a row per tally (or one). */
  recipient: `select r.sent_at, r.email, c.id as contact, c.email_tracking, e.scope, e.human, e.machine
    from send_recipients r left join contacts c on c.id = r.contact_id
    left join send_engagement e on e.send_id = r.send_id and e.recipient_key = ?
    where r.send_id = ? and r.contact_id = ?`,
  // In the index's order: ties of an instant need no order of their own (the rules compare instants),
  // and sorting them by id again cost a temporary B-tree per clicking recipient.
  recent: `select ${RECENT_COLUMNS} from email_events where send_id = ? and recipient_key = ?
    and occurred_at >= ? and (${LOOKED_BACK}) order by occurred_at`,
};

/** PostgreSQL: the whole batch at once, from arrays. */
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
  // This read and the next two are joined to the batch's key pairs: with `send_id = any(…) and contact_id
  // = any(…)`, statistics that predate a send had the batch read every recipient of the send through the
  // primary key by send alone and filter them (decisions 047, 050).
  recipients: `select r.send_id, r.contact_id, r.sent_at, r.email, c.id as contact, c.email_tracking
    from unnest(?::text[], ?::text[]) as k (send_id, contact_id)
    join send_recipients r on r.send_id = k.send_id and r.contact_id = k.contact_id
    left join contacts c on c.id = r.contact_id for share of r`,
  tallies: `select e.send_id, e.recipient_key, scope, human, machine
    from unnest(?::text[], ?::text[]) as k (send_id, recipient_key)
    join send_engagement e on e.send_id = k.send_id and e.recipient_key = k.recipient_key`,
  // Joined to the clicking (send, recipient) pairs: one probe of the index per pair, whatever the
  // statistics. With `recipient_key = any(…)` beside the range on occurred_at, a table not yet analysed
  // was read through the index by send and time only, every click of the send since the look back
  // filtered one by one: 87 ms at 60,000 clicks (decision 047).
  recent: `select e.send_id, e.recipient_key, ${RECENT_COLUMNS}
    from unnest(?::text[], ?::text[]) as k (send_id, recipient_key)
    join email_events e on e.send_id = k.send_id and e.recipient_key = k.recipient_key
    where occurred_at >= ? and (${LOOKED_BACK}) order by occurred_at, id`,
};

/** What a batch's reads found: its plan state, and each recipient's facts by recentKey (now as stored). */
export interface Read {
  state: PlanState;
  recipients: Map<string, RecipientFacts>;
}

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
  state.recipients.set(recipientOf(hit.sendId, hit.contactId), { sentAt: facts.sentAt, email: facts.email });
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
    email: (row?.['email'] as string | null | undefined) ?? null,
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
export function* readOneByOne(
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

/** The hits' distinct (send, `other`) pairs as two arrays, for `unnest(?::text[], ?::text[])`. */
function sendPairs(
  hits: readonly EngagementHit[],
  other: (hit: EngagementHit) => string,
): [sends: string[], others: string[]] {
  const sends: string[] = [];
  const others: string[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    const key = `${hit.sendId}\n${other(hit)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sends.push(hit.sendId);
    others.push(other(hit));
  }
  return [sends, others];
}

/**
 * PostgreSQL: the batch's sends, recipients, tallies and recent events, four reads after the lock whatever
 * its size, sent together (one round trip in runOnPostgres).
 */
export function* readAtOnce(
  hits: readonly EngagementHit[],
  trackingDefault: boolean,
): StatementProgram<Read> {
  const sendIds = unique(hits.map((hit) => hit.sendId));
  const recipientKeys = unique(hits.map((hit) => hit.recipientKey));
  const { clicking, since } = lookBack(hits);
  const [recipientSends, recipientContacts] = sendPairs(hits, (hit) => hit.contactId);
  const [tallySends, tallyRecipients] = sendPairs(hits, (hit) => hit.recipientKey);
  const [clickSends, clickRecipients] = sendPairs(
    hits.filter((hit) => hit.kind === 'click'),
    (hit) => hit.recipientKey,
  );
  // One round trip on PostgreSQL: the lock, then the reads it guards (each after it, in order).
  const [, sendRows, recipientRows, tallyRows, recentRows] = (yield* allTogether([
    [POSTGRES.lockRecipients, [recipientKeys]],
    [POSTGRES.sends, [sendIds]],
    [POSTGRES.recipients, [recipientSends, recipientContacts]],
    [POSTGRES.tallies, [tallySends, tallyRecipients]],
    ...(clicking.size > 0
      ? ([[POSTGRES.recent, [clickSends, clickRecipients, since]]] as [string, unknown[]][])
      : []),
  ])) as Row[][];
  const state = emptyState();
  for (const row of sendRows ?? [])
    state.sends.set(row['id'] as string, { listIds: parseListIds(row['list_ids'] as string) });
  const found = new Map<string, Row>();
  for (const row of recipientRows ?? [])
    found.set(recipientOf(row['send_id'] as string, row['contact_id'] as string), row);
  const tallies = new Map<string, Map<string, { human: number; machine: number }>>();
  for (const t of tallyRows ?? []) {
    const key = recentKey(t['send_id'] as string, t['recipient_key'] as string);
    let scopes = tallies.get(key);
    if (!scopes) {
      scopes = new Map();
      tallies.set(key, scopes);
    }
    scopes.set(t['scope'] as string, { human: Number(t['human']), machine: Number(t['machine']) });
  }
  const recent = new Map<string, KnownEvent[]>();
  for (const row of recentRows ?? []) {
    const key = recentKey(row['send_id'] as string, row['recipient_key'] as string);
    const list = recent.get(key);
    if (list) list.push(knownEvent(row));
    else recent.set(key, [knownEvent(row)]);
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
