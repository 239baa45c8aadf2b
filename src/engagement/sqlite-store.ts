// The engagement store on a SQLite file, for the writer thread: the same transaction as commit-hits.ts
// (load, classify, write, identify browsers, unsubscribe), as statements prepared once on the thread's
// connection. Kysely built and compiled every batch's list-sized SQL anew, which cost the thread more
// than SQLite itself; here every statement is compiled once and run per row.
import { randomFillSync } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
import { isWellFormedId } from '../lib/ids.ts';
import type { EmailEventKind } from '../storage/schema.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';
import {
  type EngagementWrites,
  engagementKey,
  type KnownEvent,
  type PlanState,
  planEngagement,
  recentKey,
  recipientOf,
} from './engagement-plan.ts';
import { LOOKBACK_MS } from './scanner-rules.ts';
import { parseListIds } from './store.ts';

export type SqliteHitWriter = (hits: EngagementHit[], trackingDefault: boolean) => HitOutcome[];

type Row = Record<string, unknown>;

/**
 * 128 random bits in base64url, as newId() makes them, drawn from a buffer filled a few hundred at a
 * time: one call into the random source per batch instead of one per event.
 */
function pooledIds(): () => string {
  const pool = Buffer.alloc(16 * 256);
  let at = pool.length;
  return () => {
    if (at === pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    at += 16;
    return pool.toString('base64url', at - 16, at);
  };
}

export function sqliteHitWriter(sqlite: SqliteDatabase.Database): SqliteHitWriter {
  const prepare = (source: string) => sqlite.prepare(source);
  const send = prepare('select list_ids from sends where id = ?');
  // A recipient and its contact's tracking choice in one read (a missing contact allows no tracking).
  const recipient = prepare(`select r.sent_at, c.id as contact, c.email_tracking from send_recipients r
    left join contacts c on c.id = r.contact_id where r.send_id = ? and r.contact_id = ?`);
  const tallies = prepare(
    'select scope, human, machine from send_engagement where send_id = ? and recipient_key = ?',
  );
  const recent = prepare(`select id, kind, link_position, occurred_at, machine, machine_reason, implied,
    source_hash from email_events where send_id = ? and recipient_key = ? and occurred_at >= ?
    and kind in ('click', 'open') order by occurred_at, id`);
  const insertEvent = prepare(`insert into email_events (id, send_id, contact_id, recipient_key, kind,
    link_position, occurred_at, machine, machine_reason, implied, source_hash, user_agent)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const relabel = prepare('update email_events set machine = 1, machine_reason = ? where id = ?');
  const upsertTally = prepare(`insert into send_engagement (send_id, recipient_key, scope, human, machine)
    values (?, ?, ?, ?, ?) on conflict (send_id, recipient_key, scope)
    do update set human = excluded.human, machine = excluded.machine`);
  const addCounter = prepare(`insert into send_counters (send_id, name, value) values (?, ?, ?)
    on conflict (send_id, name) do update set value = send_counters.value + excluded.value`);
  const visitorById = prepare('select id, contact_id from visitors where id = ?');
  const aliasOf = prepare('select visitor_id from visitor_aliases where alias_id = ?');
  const createVisitor = prepare(`insert into visitors (id, created_at, last_seen_at, contact_id)
    values (?, ?, ?, null) on conflict (id) do nothing`);
  const insertVisitor = prepare(
    'insert into visitors (id, created_at, last_seen_at, contact_id) values (?, ?, ?, ?)',
  );
  const setVisitorContact = prepare('update visitors set contact_id = ? where id = ?');
  const identifyVisits = prepare(
    'update visits set contact_id = ?, identified = 1 where visitor_id = ? and contact_id is null',
  );
  const unsubscribe = prepare(`update list_members set status = 'unsubscribed', unsubscribed_at = ?,
    unsubscribed_send_id = ? where contact_id = ? and list_id = ? and status = 'subscribed'`);
  const makeId = pooledIds();

  /** Same state as store.ts's loadPlanState, one indexed read per send, recipient and recipient key. */
  function loadPlanState(hits: readonly EngagementHit[], trackingDefault: boolean): PlanState {
    const state: PlanState = {
      sends: new Map(),
      recipients: new Map(),
      tracking: new Map(),
      engagement: new Map(),
      recent: new Map(),
    };
    const sendsSeen = new Set<string>();
    const recipientKeysSeen = new Set<string>();
    // Only clicks look back (bursts, the honeypot window), from the batch's earliest click as store.ts does.
    const clicking = new Set<string>();
    let earliestClick = Number.POSITIVE_INFINITY;
    for (const hit of hits) {
      if (hit.kind !== 'click') continue;
      clicking.add(recentKey(hit.sendId, hit.recipientKey));
      earliestClick = Math.min(earliestClick, hit.at);
    }

    for (const hit of hits) {
      if (!sendsSeen.has(hit.sendId)) {
        sendsSeen.add(hit.sendId);
        const row = send.get(hit.sendId) as { list_ids: string } | undefined;
        if (row) state.sends.set(hit.sendId, { listIds: parseListIds(row.list_ids) });
      }
      const who = recipientOf(hit.sendId, hit.contactId);
      if (!state.recipients.has(who)) {
        const row = recipient.get(hit.sendId, hit.contactId) as Row | undefined;
        if (row) {
          state.recipients.set(who, { sentAt: row['sent_at'] === null ? null : Number(row['sent_at']) });
          if (row['contact'] !== null) {
            const choice = row['email_tracking'];
            state.tracking.set(hit.contactId, choice === null ? trackingDefault : Number(choice) === 1);
          }
        }
      }
      const key = recentKey(hit.sendId, hit.recipientKey);
      if (recipientKeysSeen.has(key)) continue;
      recipientKeysSeen.add(key);
      for (const t of tallies.all(hit.sendId, hit.recipientKey) as Row[]) {
        state.engagement.set(engagementKey(hit.sendId, hit.recipientKey, t['scope'] as string), {
          human: Number(t['human']),
          machine: Number(t['machine']),
        });
      }
      if (!clicking.has(key)) continue;
      const events: KnownEvent[] = [];
      for (const row of recent.all(hit.sendId, hit.recipientKey, earliestClick - LOOKBACK_MS) as Row[]) {
        const kind = row['kind'] as EmailEventKind;
        events.push({
          id: row['id'] as string,
          kind,
          position: row['link_position'] === null ? -1 : Number(row['link_position']),
          at: Number(row['occurred_at']),
          sourceHash: row['source_hash'] as string | null,
          machine: Number(row['machine']) === 1,
          reason: row['machine_reason'] as string | null,
          implied: Number(row['implied']) === 1,
          honeypot: kind === 'click' && row['machine_reason'] === 'honeypot',
        });
      }
      if (events.length > 0) state.recent.set(key, events);
    }
    return state;
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
    for (const { id, reason } of writes.relabels) relabel.run(reason, id);
    for (const t of writes.engagement)
      upsertTally.run(t.send_id, t.recipient_key, t.scope, t.human, t.machine);
    for (const [sendId, deltas] of writes.counters) {
      for (const [name, delta] of deltas) if (delta !== 0) addCounter.run(sendId, name, delta);
    }
  }

  /** As commit-hits.ts's identifyBrowser: keep the browser's known visitor, adopt or create one, link it. */
  function identifyBrowser(cookieId: string, contactId: string, now: number): string {
    let known = visitorById.get(cookieId) as { id: string; contact_id: string | null } | undefined;
    if (!known) {
      const alias = aliasOf.get(cookieId) as { visitor_id: string } | undefined;
      if (alias) known = visitorById.get(alias.visitor_id) as typeof known;
    }
    const visitorId = known?.id ?? cookieId;
    if (!known) createVisitor.run(visitorId, now, now);
    // linkVisitor: the first link brings the browser's earlier anonymous visits along.
    const current = known?.contact_id ?? null;
    if (current === contactId) return visitorId;
    setVisitorContact.run(contactId, visitorId);
    if (!current) identifyVisits.run(contactId, visitorId);
    return visitorId;
  }

  const commit = sqlite.transaction((hits: EngagementHit[], trackingDefault: boolean) => {
    const { writes, outcomes } = planEngagement(hits, loadPlanState(hits, trackingDefault), makeId);
    applyWrites(writes);
    for (const request of writes.identify) {
      const outcome = outcomes[request.hitIndex] as HitOutcome;
      if (isWellFormedId(request.visitorCookie)) {
        outcome.visitorId = identifyBrowser(request.visitorCookie, request.contactId, request.at);
      } else {
        outcome.visitorId = makeId();
        insertVisitor.run(outcome.visitorId, request.at, request.at, request.contactId);
      }
    }
    for (const request of writes.unsubscribes) {
      const outcome = outcomes[request.hitIndex] as HitOutcome;
      let ended = 0;
      for (const listId of new Set(request.listIds))
        ended += unsubscribe.run(request.at, request.sendId, request.contactId, listId).changes;
      outcome.unsubscribed = ended;
    }
    return outcomes;
  });
  // BEGIN IMMEDIATE: the write lock from the start, so the reads and the writes see one state.
  return (hits, trackingDefault) => commit.immediate(hits, trackingDefault);
}
