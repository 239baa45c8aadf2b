// Storage for email engagement off the hot path: link destinations, and the reads behind insights, a
// contact's email history and the personal-data registry. The hot path's batches (events, relabels,
// tallies, counters) are batch-store.ts's; the two are the only files here that touch storage.
import { afterBound } from '../../platform/interactions/after-bound.ts';
import type { SourceBound } from '../../platform/interactions/interaction.ts';
import type { Db } from '../../storage/schema.ts';

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

/** Email events with the link each click followed (none for an open). */
function eventsWithLinks(db: Db) {
  return db
    .selectFrom('email_events')
    .leftJoin('send_links', (join) =>
      join
        .onRef('send_links.send_id', '=', 'email_events.send_id')
        .onRef('send_links.position', '=', 'email_events.link_position'),
    );
}

/** An email event with its send, message and link, for the interaction feed (email-interactions.ts). */
function emailEventsWithSend(db: Db) {
  return eventsWithLinks(db)
    .leftJoin('sends', 'sends.id', 'email_events.send_id')
    .leftJoin('messages', 'messages.id', 'sends.message_id')
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
  return eventsWithLinks(db)
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

/** A recipient's clicks on a send since `since`, for the scanner rules of a link served elsewhere (offers). */
export async function recentClicksOf(db: Db, sendId: string, recipientKey: string, since: number) {
  return eventsWithLinks(db)
    .select([
      'email_events.link_position',
      'email_events.occurred_at',
      'email_events.source_hash',
      'email_events.machine',
      'send_links.honeypot',
    ])
    .where('email_events.send_id', '=', sendId)
    .where('email_events.recipient_key', '=', recipientKey)
    .where('email_events.kind', '=', 'click')
    .where('email_events.occurred_at', '>=', since)
    .execute();
}
