// Storage for forward to a friend: the form's posts (forwards), each address's copy (the friend's address
// as a keyed hash; the plain address only until the copy is sent) and the copies' opens and clicks. The
// only file touching these tables.
import type { Insertable } from 'kysely';
import { afterBound } from '../../platform/interactions/after-bound.ts';
import type { SourceBound } from '../../platform/interactions/interaction.ts';
import type { Db, ForwardCopiesTable, ForwardCopyStatus } from '../../storage/schema.ts';
import type { CopyEvent } from './copy-event-plan.ts';

/** Copies this forwarder has had logged for this send (every outcome counts towards their limit). */
export async function copiesByForwarder(db: Db, sendId: string, contactId: string): Promise<number> {
  const row = await db
    .selectFrom('forward_copies')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('send_id', '=', sendId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Copies queued or sent to this address (by hash) since `since`: what the per-address limit counts. */
export async function copiesToFriendSince(db: Db, friendHash: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('forward_copies')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('friend_hash', '=', friendHash)
    .where('created_at', '>=', since)
    .where('status', 'in', ['queued', 'sent'])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Blanks the friends' hashes of copies logged before `before`, up to `limit` of them; returns how many.
 * The hash only serves the per-address daily limit; D365 deletes forwarded addresses after 30 days, and
 * so does the retention pass (src/privacy/apply-retention.ts). The copy row stays for the figures.
 */
export async function forgetFriendHashesBefore(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .updateTable('forward_copies')
    .set({ friend_hash: '' })
    .where(
      'id',
      'in',
      db
        .selectFrom('forward_copies')
        .select('id')
        .where('created_at', '<', before)
        .where('friend_hash', '<>', '')
        .where('email', 'is', null)
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertForward(
  db: Db,
  row: { id: string; send_id: string; contact_id: string; addresses: number; created_at: number },
): Promise<void> {
  await db.insertInto('forwards').values(row).execute();
}

export async function insertCopies(db: Db, rows: Insertable<ForwardCopiesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('forward_copies').values(rows).execute();
}

export async function findCopy(db: Db, id: string) {
  return db.selectFrom('forward_copies').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ends a queued copy: its outcome, and the plain address gone. False when it was not queued any more. */
export async function settleCopy(
  db: Db,
  id: string,
  outcome: { status: Exclude<ForwardCopyStatus, 'queued'>; detail: string | null; sentAt: number | null },
): Promise<boolean> {
  const result = await db
    .updateTable('forward_copies')
    .set({ status: outcome.status, detail: outcome.detail, sent_at: outcome.sentAt, email: null })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * A copy's send and when it went, for its opens and clicks; undefined when unknown (or erased). Locked on
 * PostgreSQL until the transaction ends, so two hits on one copy count its unique figures once.
 */
export async function copyForEvents(db: Db, engine: 'sqlite' | 'postgres', id: string) {
  let query = db
    .selectFrom('forward_copies')
    .select(['id', 'send_id', 'contact_id', 'sent_at'])
    .where('id', '=', id);
  if (engine === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function eventsOfCopy(db: Db, copyId: string): Promise<CopyEvent[]> {
  const rows = await db
    .selectFrom('forward_events as e')
    .leftJoin('send_links as l', (join) =>
      join.onRef('l.send_id', '=', 'e.send_id').onRef('l.position', '=', 'e.link_position'),
    )
    .select([
      'e.id',
      'e.kind',
      'e.link_position',
      'e.occurred_at',
      'e.source_hash',
      'e.machine',
      'e.machine_reason',
      'e.implied',
      'l.honeypot',
    ])
    .where('e.copy_id', '=', copyId)
    .orderBy('e.occurred_at')
    .orderBy('e.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    position: row.link_position === null ? -1 : Number(row.link_position),
    at: Number(row.occurred_at),
    sourceHash: row.source_hash,
    machine: Number(row.machine) === 1,
    reason: row.machine_reason,
    implied: Number(row.implied) === 1,
    honeypot: row.kind === 'click' && Number(row.honeypot ?? 0) === 1,
  }));
}

export async function writeCopyEvents(
  db: Db,
  copy: { id: string; sendId: string },
  insert: readonly CopyEvent[],
  relabel: readonly { id: string; reason: string }[],
  userAgent: string | null,
): Promise<void> {
  if (insert.length > 0)
    await db
      .insertInto('forward_events')
      .values(
        insert.map((event) => ({
          id: event.id,
          copy_id: copy.id,
          send_id: copy.sendId,
          kind: event.kind,
          link_position: event.kind === 'click' ? event.position : null,
          occurred_at: event.at,
          machine: event.machine ? 1 : 0,
          machine_reason: event.reason,
          implied: event.implied ? 1 : 0,
          source_hash: event.sourceHash,
          user_agent: userAgent,
        })),
      )
      .execute();
  for (const { id, reason } of relabel)
    await db
      .updateTable('forward_events')
      .set({ machine: 1, machine_reason: reason })
      .where('id', '=', id)
      .where('copy_id', '=', copy.id)
      .execute();
}

// The interaction feed: a forward (one post of the form) is the forwarder's interaction.
function forwardsWithSend(db: Db) {
  return db
    .selectFrom('forwards as f')
    .leftJoin('sends as s', 's.id', 'f.send_id')
    .leftJoin('messages as m', 'm.id', 's.message_id')
    .select([
      'f.id',
      'f.send_id',
      'f.contact_id',
      'f.addresses',
      'f.created_at',
      's.subject',
      's.message_id',
      'm.name as message_name',
    ]);
}

export type ForwardFeedRow = Awaited<ReturnType<typeof forwardsOfContact>>[number];

export async function forwardsOfContact(db: Db, contactId: string, bound: SourceBound | null, limit: number) {
  let query = forwardsWithSend(db).where('f.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('f.created_at', 'f.id', bound));
  return query.orderBy('f.created_at', 'desc').orderBy('f.id', 'desc').limit(limit).execute();
}

export async function forwardsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return forwardsWithSend(db)
    .where('f.id', 'in', [...ids])
    .execute();
}

// Personal data: the forwarder's forwards and copies (the friend's hash is no contact's data, but it goes
// with the forward it belongs to).
export async function forwardsForExport(db: Db, contactId: string) {
  const forwards = await db
    .selectFrom('forwards')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const copies = await db
    .selectFrom('forward_copies')
    .select(['forward_id', 'status', 'sent_at'])
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { forwards, copies };
}

export async function deleteForwardsOf(db: Db, contactId: string): Promise<number> {
  const copyIds = db.selectFrom('forward_copies').select('id').where('contact_id', '=', contactId);
  await db.deleteFrom('forward_events').where('copy_id', 'in', copyIds).execute();
  await db.deleteFrom('forward_copies').where('contact_id', '=', contactId).execute();
  const result = await db.deleteFrom('forwards').where('contact_id', '=', contactId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function moveForwards(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .updateTable('forwards')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
  await db
    .updateTable('forward_copies')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}
