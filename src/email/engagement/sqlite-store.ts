// The engagement store on a SQLite file, for the writer thread: the same transaction as commit-hits.ts
// (load, classify, write, identify browsers, unsubscribe), as statements prepared once on the thread's
// connection; linking a browser and unsubscribing are identity's and lists' one functions, run here as
// statement programs (storage/statements.ts). Kysely built and compiled every batch's list-sized SQL anew, which cost the thread more
// than SQLite itself; here every statement is compiled once and run per row. What a batch reads about
// its recipients is remembered for the next ones (recipient-cache.ts) until another connection writes.
import type SqliteDatabase from 'better-sqlite3';
import { linkBrowserStatements } from '../../identity/store.ts';
import { isWellFormedId, newId } from '../../lib/ids.ts';
import { unsubscribeStatements } from '../../lists/store.ts';
import type { EmailEventKind } from '../../storage/schema.ts';
import { runOnSqlite } from '../../storage/statements.ts';
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
import { LOOKED_BACK, parseListIds } from './store.ts';

export type SqliteHitWriter = (hits: EngagementHit[], trackingDefault: boolean) => HitOutcome[];

type Row = Record<string, unknown>;
const nullableNumber = (value: unknown) => (value == null ? null : Number(value));

/** Recipients remembered across batches: about 0.6 KB each, some 12 MB when full. */
const CACHED_RECIPIENTS = 20_000;

export function sqliteHitWriter(sqlite: SqliteDatabase.Database, limit = CACHED_RECIPIENTS): SqliteHitWriter {
  const prepare = (source: string) => sqlite.prepare(source);
  const send = prepare('select list_ids from sends where id = ?');
  // A recipient and its contact's tracking choice in one read (a missing contact allows no tracking).
  const recipient = prepare(`select r.sent_at, c.id as contact, c.email_tracking from send_recipients r
    left join contacts c on c.id = r.contact_id where r.send_id = ? and r.contact_id = ?`);
  const tallies = prepare(
    'select scope, human, machine from send_engagement where send_id = ? and recipient_key = ?',
  );
  // The condition is the recipient index's own (see store.ts). In the index's order: ties of an instant
  // need no order of their own (the rules compare instants), and sorting them by id again cost a
  // temporary B-tree per clicking recipient.
  const recent = prepare(`select id, kind, link_position, occurred_at, machine, machine_reason, implied,
    source_hash from email_events where send_id = ? and recipient_key = ? and occurred_at >= ?
    and (${LOOKED_BACK}) order by occurred_at`);
  const insertEvent = prepare(`insert into email_events (id, send_id, contact_id, recipient_key, kind,
    link_position, occurred_at, machine, machine_reason, implied, source_hash, user_agent)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const relabel = prepare(`update email_events set machine = 1, machine_reason = ?
    where send_id = ? and recipient_key = ? and occurred_at = ? and id = ? and (${LOOKED_BACK})`);
  const upsertTally = prepare(`insert into send_engagement (send_id, recipient_key, scope, human, machine)
    values (?, ?, ?, ?, ?) on conflict (send_id, recipient_key, scope)
    do update set human = excluded.human, machine = excluded.machine`);
  const addCounter = prepare(`insert into send_counters (send_id, name, value) values (?, ?, ?)
    on conflict (send_id, name) do update set value = send_counters.value + excluded.value`);
  const insertVisitor = prepare(
    'insert into visitors (id, created_at, last_seen_at, contact_id) values (?, ?, ?, ?)',
  );

  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  const cache = new RecipientCache(limit);

  function listIdsOf(sendId: string): string[] | null {
    let listIds = cache.sends.get(sendId);
    if (listIds === undefined) {
      const row = send.get(sendId) as { list_ids: string } | undefined;
      listIds = row ? parseListIds(row.list_ids) : null;
      cache.rememberSend(sendId, listIds);
    }
    return listIds;
  }

  /** What the database holds about a recipient: its row, its contact's choice, its tallies. */
  function readFacts(hit: EngagementHit): RecipientFacts {
    const row = recipient.get(hit.sendId, hit.contactId) as Row | undefined;
    const facts: RecipientFacts = {
      contactId: hit.contactId,
      exists: row !== undefined,
      sentAt: nullableNumber(row?.['sent_at']),
      emailTracking: row?.['contact'] == null ? undefined : nullableNumber(row['email_tracking']),
      tallies: new Map(),
      recent: [],
      recentFrom: Number.POSITIVE_INFINITY,
    };
    // An unknown recipient's hits are not recorded: its tallies and events do not matter.
    if (!facts.exists) return facts;
    for (const t of tallies.all(hit.sendId, hit.recipientKey) as Row[])
      facts.tallies.set(t['scope'] as string, { human: Number(t['human']), machine: Number(t['machine']) });
    return facts;
  }

  function readRecent(hit: EngagementHit, since: number): KnownEvent[] {
    return (recent.all(hit.sendId, hit.recipientKey, since) as Row[]).map((row) => {
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
    });
  }

  /**
   * The same state as store.ts's loadPlanState, from the cache where it knows the recipient, else one
   * indexed read per send, recipient and (for clicks) recent events. Also returns each recipient's
   * facts: the planner's state holds the very objects, so after the commit they are what is stored.
   */
  function loadPlanState(hits: readonly EngagementHit[], trackingDefault: boolean) {
    const state: PlanState = {
      sends: new Map(),
      recipients: new Map(),
      tracking: new Map(),
      engagement: new Map(),
      recent: new Map(),
    };
    const batch = new Map<string, RecipientFacts>();
    // Only clicks look back (bursts, the honeypot window), from the batch's earliest click as store.ts does.
    const clicking = new Set<string>();
    let earliestClick = Number.POSITIVE_INFINITY;
    for (const hit of hits) {
      if (hit.kind !== 'click') continue;
      clicking.add(recentKey(hit.sendId, hit.recipientKey));
      earliestClick = Math.min(earliestClick, hit.at);
    }
    const since = earliestClick - LOOKBACK_MS;

    for (const hit of hits) {
      if (!state.sends.has(hit.sendId)) {
        const listIds = listIdsOf(hit.sendId);
        if (listIds) state.sends.set(hit.sendId, { listIds });
      }
      const key = recentKey(hit.sendId, hit.recipientKey);
      if (batch.has(key)) continue;
      const known = cache.get(key);
      // A recipient key is a keyed hash of (send, contact): one contact per key (another is read anew).
      const facts = known?.contactId === hit.contactId ? known : readFacts(hit);
      batch.set(key, facts);
      if (!facts.exists) continue;
      state.recipients.set(recipientOf(hit.sendId, hit.contactId), { sentAt: facts.sentAt });
      if (facts.emailTracking !== undefined)
        state.tracking.set(
          hit.contactId,
          facts.emailTracking === null ? trackingDefault : facts.emailTracking === 1,
        );
      state.engagement.set(key, facts.tallies);
      if (clicking.has(key)) {
        if (facts.recentFrom <= since) forgetBefore(facts, since);
        else {
          facts.recent = readRecent(hit, since);
          facts.recentFrom = since;
        }
      }
      // Events the planner adds land in this list, which then holds all of them since recentFrom.
      if (facts.recentFrom !== Number.POSITIVE_INFINITY) state.recent.set(key, facts.recent);
    }
    return { state, batch };
  }

  /** After the commit: the batch's recipients as now stored (the planner changed them in place). */
  function remember(batch: Map<string, RecipientFacts>, hits: EngagementHit[]): void {
    // Older events than any later batch looks back to (with room for hits that waited) are dropped.
    let latest = Number.NEGATIVE_INFINITY;
    for (const hit of hits) latest = Math.max(latest, hit.at);
    for (const [key, facts] of batch) {
      forgetBefore(facts, latest - 2 * LOOKBACK_MS);
      cache.set(key, facts);
    }
  }

  function applyWrites(writes: EngagementWrites): void {
    for (const e of writes.events) {
      insertEvent.run(
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
      );
    }
    for (const r of writes.relabels) relabel.run(r.reason, r.sendId, r.recipientKey, r.at, r.id);
    for (const t of writes.engagement)
      upsertTally.run(t.send_id, t.recipient_key, t.scope, t.human, t.machine);
    for (const [sendId, deltas] of writes.counters) {
      for (const [name, delta] of deltas) if (delta !== 0) addCounter.run(sendId, name, delta);
    }
  }

  const commit = sqlite.transaction((hits: EngagementHit[], trackingDefault: boolean) => {
    // Inside the transaction (the write lock is held): what the cache knows is checked against the
    // state this transaction sees.
    cache.sync(dataVersion.get() as number);
    const { state, batch } = loadPlanState(hits, trackingDefault);
    const { writes, outcomes } = planEngagement(hits, state);
    applyWrites(writes);
    for (const request of writes.identify) {
      const outcome = outcomes[request.hitIndex] as HitOutcome;
      if (isWellFormedId(request.visitorCookie)) {
        outcome.visitorId = runOnSqlite(
          sqlite,
          linkBrowserStatements(request.visitorCookie, request.contactId, request.at),
        );
      } else {
        outcome.visitorId = newId();
        insertVisitor.run(outcome.visitorId, request.at, request.at, request.contactId);
      }
    }
    for (const request of writes.unsubscribes) {
      const outcome = outcomes[request.hitIndex] as HitOutcome;
      outcome.unsubscribed = runOnSqlite(
        sqlite,
        unsubscribeStatements(request.contactId, request.listIds, {
          sendId: request.sendId,
          now: request.at,
        }),
      );
    }
    return { outcomes, batch };
  });
  return (hits, trackingDefault) => {
    let result: ReturnType<typeof commit>;
    try {
      // BEGIN IMMEDIATE: the write lock from the start, so the reads and the writes see one state.
      result = commit.immediate(hits, trackingDefault);
    } catch (error) {
      // Rolled back: the planner may have changed facts that were never stored.
      cache.clear();
      throw error;
    }
    remember(result.batch, hits);
    return result.outcomes;
  };
}
