// Storage for email engagement: what a batch of hits needs to be classified, writing its events,
// relabels, engagement tallies and counters, link destinations, and the reads behind insights and a
// contact's email history. The only file in src/engagement that touches storage.
import { sql } from 'kysely';
import { afterBound } from '../../platform/interactions/after-bound.ts';
import type { SourceBound } from '../../platform/interactions/interaction.ts';
import type { Engine } from '../../storage/database.ts';
import type { Db } from '../../storage/schema.ts';
import { addToCounters } from '../counters/store.ts';
import type { EngagementHit } from './engagement-hit.ts';
import {
  type EngagementWrites,
  type KnownEvent,
  type PlanState,
  recentKey,
  recipientOf,
} from './engagement-plan.ts';
import { LOOKBACK_MS } from './scanner-rules.ts';

const unique = <T>(values: Iterable<T>) => [...new Set(values)];

/**
 * Serialises batches that touch the same recipients (PostgreSQL runs several at once): each reads a
 * recipient's tallies and recent events and writes them back, so two must not interleave. Locks are
 * taken in one order, so batches holding several cannot deadlock.
 */
export async function lockRecipients(
  db: Db,
  engine: Engine,
  recipientKeys: readonly string[],
): Promise<void> {
  if (engine !== 'postgres' || recipientKeys.length === 0) return;
  const keys = unique(recipientKeys).map((key) => `email:${key}`);
  await sql`select pg_advisory_xact_lock(h) from (
    select distinct hashtextextended(k, 0) as h from unnest(${keys}::text[]) as k order by h
  ) as ordered`.execute(db);
}

/**
 * The events a click's look back needs (clicks, and the opens clicks implied), word for word the
 * condition of email_events_clicks_by_recipient: a query must repeat it for the index to serve it.
 * Other opens never decide a verdict, and leaving them out of the index saves a page write per open.
 */
export const LOOKED_BACK = "kind = 'click' or implied = 1";
const lookedBack = sql<boolean>`(${sql.raw(LOOKED_BACK)})`;

export function parseListIds(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export async function loadPlanState(
  db: Db,
  engine: Engine,
  hits: readonly EngagementHit[],
  trackingDefault: boolean,
): Promise<PlanState> {
  const sendIds = unique(hits.map((hit) => hit.sendId));
  const contactIds = unique(hits.map((hit) => hit.contactId));
  const recipientKeys = unique(hits.map((hit) => hit.recipientKey));

  let recipientQuery = db
    .selectFrom('send_recipients')
    .select(['send_id', 'contact_id', 'sent_at'])
    .where('send_id', 'in', sendIds)
    .where('contact_id', 'in', contactIds);
  // An erasure deletes recipient rows first: it waits for this batch, or this batch finds them gone.
  if (engine === 'postgres') recipientQuery = recipientQuery.forShare();
  const [sends, contacts, recipients, tallies] = await Promise.all([
    db.selectFrom('sends').select(['id', 'list_ids']).where('id', 'in', sendIds).execute(),
    db.selectFrom('contacts').select(['id', 'email_tracking']).where('id', 'in', contactIds).execute(),
    recipientQuery.execute(),
    db
      .selectFrom('send_engagement')
      .selectAll()
      .where('send_id', 'in', sendIds)
      .where('recipient_key', 'in', recipientKeys)
      .execute(),
  ]);

  const state: PlanState = {
    sends: new Map(sends.map((s) => [s.id, { listIds: parseListIds(s.list_ids) }])),
    recipients: new Map(
      recipients.map((r) => [
        recipientOf(r.send_id, r.contact_id),
        { sentAt: r.sent_at === null ? null : Number(r.sent_at) },
      ]),
    ),
    tracking: new Map(
      contacts.map((c) => [
        c.id,
        c.email_tracking === null ? trackingDefault : Number(c.email_tracking) === 1,
      ]),
    ),
    engagement: new Map(),
    recent: new Map(),
  };
  for (const t of tallies) {
    const key = recentKey(t.send_id, t.recipient_key);
    const scopes = state.engagement.get(key) ?? new Map();
    scopes.set(t.scope, { human: Number(t.human), machine: Number(t.machine) });
    state.engagement.set(key, scopes);
  }

  // Only clicks look back (bursts, the honeypot window); opens and unsubscribes need no history.
  const clicks = hits.filter((hit) => hit.kind === 'click');
  if (clicks.length > 0) {
    const since = Math.min(...clicks.map((hit) => hit.at)) - LOOKBACK_MS;
    const rows = await db
      .selectFrom('email_events')
      .select([
        'id',
        'send_id',
        'recipient_key',
        'kind',
        'link_position',
        'occurred_at',
        'machine',
        'machine_reason',
        'implied',
        'source_hash',
      ])
      .where('send_id', 'in', unique(clicks.map((hit) => hit.sendId)))
      .where('recipient_key', 'in', unique(clicks.map((hit) => hit.recipientKey)))
      .where('occurred_at', '>=', since)
      .where(lookedBack)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const key = recentKey(row.send_id, row.recipient_key);
      const event: KnownEvent = {
        id: row.id,
        kind: row.kind,
        position: row.link_position === null ? -1 : Number(row.link_position),
        at: Number(row.occurred_at),
        sourceHash: row.source_hash,
        machine: Number(row.machine) === 1,
        reason: row.machine_reason,
        implied: Number(row.implied) === 1,
        honeypot: row.kind === 'click' && row.machine_reason === 'honeypot',
      };
      const list = state.recent.get(key);
      if (list) list.push(event);
      else state.recent.set(key, [event]);
    }
  }
  return state;
}

export async function applyWrites(db: Db, writes: EngagementWrites): Promise<void> {
  if (writes.events.length > 0) {
    // 12 columns per row; stay well under SQLite's and PostgreSQL's bound-parameter limits.
    for (let i = 0; i < writes.events.length; i += 500) {
      await db
        .insertInto('email_events')
        .values(writes.events.slice(i, i + 500))
        .execute();
    }
  }
  // Relabels are rare (bursts, honeypot hits); each finds its event through the recipient's index.
  for (const r of writes.relabels) {
    await db
      .updateTable('email_events')
      .set({ machine: 1, machine_reason: r.reason })
      .where('send_id', '=', r.sendId)
      .where('recipient_key', '=', r.recipientKey)
      .where('occurred_at', '=', r.at)
      .where('id', '=', r.id)
      .where(lookedBack)
      .execute();
  }
  if (writes.engagement.length > 0) {
    for (let i = 0; i < writes.engagement.length; i += 500) {
      await db
        .insertInto('send_engagement')
        .values(writes.engagement.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['send_id', 'recipient_key', 'scope']).doUpdateSet({
            human: sql`excluded.human`,
            machine: sql`excluded.machine`,
          }),
        )
        .execute();
    }
  }
  // Counters in one order (send, then name) in every batch, so concurrent batches cannot deadlock.
  for (const sendId of [...writes.counters.keys()].sort()) {
    const deltas = writes.counters.get(sendId) as Map<string, number>;
    await addToCounters(db, sendId, new Map([...deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }
}

/** New browsers, each already mapped to the contact whose click created it (no visits to attach yet). */
export async function insertIdentifiedVisitors(
  db: Db,
  visitors: readonly { id: string; contactId: string; at: number }[],
): Promise<void> {
  if (visitors.length === 0) return;
  for (let i = 0; i < visitors.length; i += 500) {
    await db
      .insertInto('visitors')
      .values(
        visitors
          .slice(i, i + 500)
          .map((v) => ({ id: v.id, created_at: v.at, last_seen_at: v.at, contact_id: v.contactId })),
      )
      .execute();
  }
}

export async function findLink(
  db: Db,
  sendId: string,
  position: number,
): Promise<{ url: string; honeypot: boolean } | null> {
  const row = await db
    .selectFrom('send_links')
    .select(['url', 'honeypot'])
    .where('send_id', '=', sendId)
    .where('position', '=', position)
    .executeTakeFirst();
  return row ? { url: row.url, honeypot: Number(row.honeypot) === 1 } : null;
}

export async function findSendForInsights(db: Db, sendId: string) {
  return db
    .selectFrom('sends')
    .leftJoin('messages', 'messages.id', 'sends.message_id')
    .select([
      'sends.id',
      'sends.message_id',
      'messages.name as message_name',
      'sends.subject',
      'sends.status',
      'sends.recipients_total',
      'sends.duplicates',
      'sends.created_at',
      'sends.finished_at',
    ])
    .where('sends.id', '=', sendId)
    .executeTakeFirst();
}

export async function linksOfSend(db: Db, sendId: string) {
  return db
    .selectFrom('send_links')
    .select(['position', 'url', 'honeypot'])
    .where('send_id', '=', sendId)
    .orderBy('position')
    .execute();
}

/** An email event with its send, message and link, for the interaction feed (email-interactions.ts). */
function emailEventsWithSend(db: Db) {
  return db
    .selectFrom('email_events')
    .leftJoin('sends', 'sends.id', 'email_events.send_id')
    .leftJoin('messages', 'messages.id', 'sends.message_id')
    .leftJoin('send_links', (join) =>
      join
        .onRef('send_links.send_id', '=', 'email_events.send_id')
        .onRef('send_links.position', '=', 'email_events.link_position'),
    )
    .select([
      'email_events.id',
      'email_events.contact_id',
      'email_events.send_id',
      'email_events.kind',
      'email_events.link_position',
      'email_events.occurred_at',
      'email_events.machine',
      'email_events.machine_reason',
      'sends.subject',
      'sends.message_id',
      'messages.name as message_name',
      'send_links.url',
      'send_links.honeypot',
    ]);
}

export type ContactEmailEventRow = Awaited<ReturnType<typeof emailEventsOfContact>>[number];

/**
 * A contact's email events for their history, newest first: only events attached to them (those made
 * with tracking consent), without the opens a click implied (the click says it).
 */
export async function emailEventsOfContact(
  db: Db,
  contactId: string,
  bound: SourceBound | null,
  limit: number,
) {
  let query = emailEventsWithSend(db)
    .where('email_events.contact_id', '=', contactId)
    .where('email_events.implied', '=', 0);
  if (bound) query = query.where(afterBound('email_events.occurred_at', 'email_events.id', bound));
  return query
    .orderBy('email_events.occurred_at', 'desc')
    .orderBy('email_events.id', 'desc')
    .limit(limit)
    .execute();
}

/** Email events by id that belong to a contact (implied opens are not interactions). */
export async function contactEmailEventsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return emailEventsWithSend(db)
    .where('email_events.id', 'in', [...ids])
    .where('email_events.contact_id', 'is not', null)
    .where('email_events.implied', '=', 0)
    .execute();
}

export async function emailEventsForExport(db: Db, contactId: string) {
  return db
    .selectFrom('email_events')
    .leftJoin('send_links', (join) =>
      join
        .onRef('send_links.send_id', '=', 'email_events.send_id')
        .onRef('send_links.position', '=', 'email_events.link_position'),
    )
    .select([
      'email_events.id',
      'email_events.send_id',
      'email_events.kind',
      'email_events.link_position',
      'send_links.url',
      'send_links.honeypot',
      'email_events.occurred_at',
      'email_events.machine',
      'email_events.machine_reason',
      'email_events.implied',
      'email_events.user_agent',
    ])
    .where('email_events.contact_id', '=', contactId)
    .orderBy('email_events.occurred_at')
    .orderBy('email_events.implied')
    .orderBy('email_events.id')
    .execute();
}

/**
 * Deletes the events attached to the contact. Per-send counters stay (aggregates); events made without
 * tracking consent name no one, and with the contact id gone nothing links them to anyone.
 */
export async function deleteEmailEventsOf(db: Db, contactId: string): Promise<number> {
  const result = await db.deleteFrom('email_events').where('contact_id', '=', contactId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A merged-away contact's email events become the winner's. */
export async function moveEmailEvents(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .updateTable('email_events')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}
