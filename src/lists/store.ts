// Storage for mailing lists and their members. An unsubscribe keeps the member row (status
// 'unsubscribed'), so later sends to the list block the contact instead of forgetting the choice.
import type { AudienceState, Db, ListMemberStatus } from '../storage/schema.ts';
import { change, runOnDb, type StatementProgram } from '../storage/statements.ts';
import { type ConsentEventInput, consentEventStatement, recordConsentEvent } from './consent-store.ts';

export type MembershipSource = 'api' | 'form' | 'import' | 'subscription_center';

/**
 * What a change the person made is recorded with (a consent event per membership it changes): what made
 * it (default: the membership's source), the email that led there, the wording they saw, evidence.
 */
export type ConsentContext = Partial<
  Pick<ConsentEventInput, 'source' | 'sendId' | 'wordingVersion' | 'evidence'>
>;

/**
 * Subscribes a contact to a list. `resubscribe` decides what happens to a contact who unsubscribed
 * earlier: an admin adding people in bulk must not undo their choice; the contact asking again
 * (ticking a form's subscribe box) may.
 */
export async function subscribeContact(
  db: Db,
  listId: string,
  contactId: string,
  options: { source: MembershipSource; resubscribe: boolean; now: number; consent?: ConsentContext },
): Promise<'added' | 'already' | 'resubscribed' | 'kept_unsubscribed'> {
  const consentEvent = (before: 'none' | 'unsubscribed') =>
    recordConsentEvent(db, {
      contactId,
      listId,
      before,
      after: 'subscribed',
      at: options.now,
      source: options.consent?.source ?? options.source,
      sendId: options.consent?.sendId ?? null,
      wordingVersion: options.consent?.wordingVersion ?? null,
      evidence: options.consent?.evidence ?? null,
    });
  const existing = await db
    .selectFrom('list_members')
    .select('status')
    .where('list_id', '=', listId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  if (!existing) {
    const inserted = await db
      .insertInto('list_members')
      .values({
        list_id: listId,
        contact_id: contactId,
        status: 'subscribed',
        source: options.source,
        added_at: options.now,
        unsubscribed_at: null,
        unsubscribed_send_id: null,
      })
      .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 'already';
    await consentEvent('none');
    return 'added';
  }
  if (existing.status === 'subscribed') return 'already';
  if (!options.resubscribe) return 'kept_unsubscribed';
  await db
    .updateTable('list_members')
    .set({
      status: 'subscribed',
      source: options.source,
      added_at: options.now,
      unsubscribed_at: null,
      unsubscribed_send_id: null,
    })
    .where('list_id', '=', listId)
    .where('contact_id', '=', contactId)
    .execute();
  await consentEvent('unsubscribed');
  return 'resubscribed';
}

/** Takes a contact off these lists (kept as 'unsubscribed'); returns how many memberships changed. */
export async function unsubscribeFromLists(
  db: Db,
  contactId: string,
  listIds: readonly string[],
  attribution: UnsubscribeAttribution,
): Promise<number> {
  return runOnDb(db, unsubscribeStatements(contactId, listIds, attribution));
}

/** What led to an unsubscribe: the email (its send), when, and for the consent event what and which wording. */
export interface UnsubscribeAttribution {
  sendId: string | null;
  now: number;
  /** What made the change (default 'unsubscribe_link': the one-click link or a mail provider's button). */
  source?: string;
  wordingVersion?: string | null;
}

/**
 * The one function that unsubscribes (a statement program, storage/statements.ts: run by the engagement
 * store in the writer thread and through Kysely alike): ends each subscribed membership of the contact
 * on the given lists, attributed to the send, each a consent event; returns how many it ended. No cache of its own: the
 * thread's recipient cache holds no memberships.
 */
export function* unsubscribeStatements(
  contactId: string,
  listIds: readonly string[],
  attribution: UnsubscribeAttribution,
): StatementProgram<number> {
  let ended = 0;
  for (const listId of new Set(listIds)) {
    const changed = yield* change(
      `update list_members set status = 'unsubscribed', unsubscribed_at = ?, unsubscribed_send_id = ?
        where contact_id = ? and list_id = ? and status = 'subscribed'`,
      [attribution.now, attribution.sendId, contactId, listId],
    );
    if (changed === 0) continue;
    ended += changed;
    yield* consentEventStatement({
      contactId,
      listId,
      before: 'subscribed',
      after: 'unsubscribed',
      at: attribution.now,
      source: attribution.source ?? 'unsubscribe_link',
      sendId: attribution.sendId,
      wordingVersion: attribution.wordingVersion ?? null,
      evidence: null,
    });
  }
  return ended;
}

/** Removes the membership entirely (admin action): the contact is simply no longer on the list. */
export async function removeMember(db: Db, listId: string, contactId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('list_members')
    .where('list_id', '=', listId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---- Lists and bulk membership (admin API) ----

/** A list's own values as stored (1/0 for the flags). */
export interface ListValues {
  name: string;
  description: string | null;
  public: number;
  public_name: string | null;
  public_description: string | null;
  double_opt_in: number;
}

export async function insertList(db: Db, list: { id: string } & ListValues, now: number): Promise<void> {
  await db
    .insertInto('lists')
    .values({ ...list, created_at: now, updated_at: now })
    .execute();
}

export async function findListRow(db: Db, id: string) {
  return db.selectFrom('lists').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function allListRows(db: Db) {
  return db.selectFrom('lists').selectAll().orderBy('created_at').orderBy('id').execute();
}

/**
 * Member counts by list and status; `listId` narrows to one list. Read from the audience counters
 * (migration 015), which count members whose contact exists: unsubscribed, and subscribed whatever
 * else blocks them.
 */
export async function memberCounts(db: Db, listId?: string) {
  const counts = new Map<string, { subscribed: number; unsubscribed: number }>();
  for (const [id, states] of await audienceCounts(db, listId === undefined ? undefined : [listId])) {
    const total = Object.values(states).reduce((sum, n) => sum + n, 0);
    counts.set(id, { subscribed: total - states.unsubscribed, unsubscribed: states.unsubscribed });
  }
  return counts;
}

export type AudienceCounts = Record<AudienceState, number>;

const noMembers = (): AudienceCounts => ({
  receivable: 0,
  unsubscribed: 0,
  do_not_email: 0,
  no_address: 0,
  hard_bounced: 0,
});

/**
 * Each list's members by what a send would do with them (receivable, or the reason it is blocked),
 * kept by triggers in the transaction of every change (migration 015, decision 021): a primary-key read,
 * whatever the lists' sizes. `listIds` narrows to those lists (a list without members has no entry).
 */
export async function audienceCounts(
  db: Db,
  listIds?: readonly string[],
): Promise<Map<string, AudienceCounts>> {
  if (listIds?.length === 0) return new Map();
  let query = db.selectFrom('list_audience_counts').select(['list_id', 'state', 'members']);
  if (listIds) query = query.where('list_id', 'in', [...listIds]);
  const counts = new Map<string, AudienceCounts>();
  for (const row of await query.execute()) {
    const entry = counts.get(row.list_id) ?? noMembers();
    entry[row.state] += Number(row.members);
    counts.set(row.list_id, entry);
  }
  return counts;
}

export async function updateListRow(db: Db, id: string, values: ListValues, now: number): Promise<void> {
  await db
    .updateTable('lists')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Deletes a list with its memberships; returns how many memberships went. */
export async function deleteListRows(db: Db, id: string): Promise<number> {
  const members = await db.deleteFrom('list_members').where('list_id', '=', id).executeTakeFirst();
  await db.deleteFrom('lists').where('id', '=', id).execute();
  return Number(members.numDeletedRows);
}

/**
 * Sends not yet finished or cancelled: they still read their lists (preparing takes the recipients from
 * them, delivering checks each recipient is still subscribed on one of them).
 */
export async function unfinishedSends(db: Db) {
  return db
    .selectFrom('sends')
    .select(['id', 'list_ids', 'subject', 'status'])
    .where('status', 'in', ['queued', 'preparing', 'sending', 'paused'])
    .execute();
}

/**
 * Subscribes many contacts (all known to exist) at once, with subscribeContact's rule for those who
 * unsubscribed earlier. Returns per-outcome counts.
 */
export async function subscribeContacts(
  db: Db,
  listId: string,
  contactIds: readonly string[],
  options: { source: MembershipSource; resubscribe: boolean; now: number },
) {
  const counts = { added: 0, already: 0, keptUnsubscribed: 0, resubscribed: 0 };
  for (let i = 0; i < contactIds.length; i += 500) {
    const chunk = contactIds.slice(i, i + 500);
    const existing = await db
      .selectFrom('list_members')
      .select(['contact_id', 'status'])
      .where('list_id', '=', listId)
      .where('contact_id', 'in', chunk)
      .execute();
    const statusOf = new Map(existing.map((row) => [row.contact_id, row.status]));
    const fresh = chunk.filter((id) => !statusOf.has(id));
    if (fresh.length > 0) {
      const inserted = await db
        .insertInto('list_members')
        .values(
          fresh.map((contactId) => ({
            list_id: listId,
            contact_id: contactId,
            status: 'subscribed' as const,
            source: options.source,
            added_at: options.now,
            unsubscribed_at: null,
            unsubscribed_send_id: null,
          })),
        )
        .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
        .returning('contact_id')
        .execute();
      counts.added += inserted.length;
      // Added by someone else in the meantime.
      counts.already += fresh.length - inserted.length;
    }
    counts.already += existing.filter((row) => row.status === 'subscribed').length;
    const unsubscribed = existing.filter((row) => row.status === 'unsubscribed').map((row) => row.contact_id);
    if (unsubscribed.length === 0) continue;
    if (!options.resubscribe) {
      counts.keptUnsubscribed += unsubscribed.length;
      continue;
    }
    const updated = await db
      .updateTable('list_members')
      .set({
        status: 'subscribed',
        source: options.source,
        added_at: options.now,
        unsubscribed_at: null,
        unsubscribed_send_id: null,
      })
      .where('list_id', '=', listId)
      .where('contact_id', 'in', unsubscribed)
      .where('status', '=', 'unsubscribed')
      .executeTakeFirst();
    counts.resubscribed += Number(updated.numUpdatedRows);
    counts.already += unsubscribed.length - Number(updated.numUpdatedRows);
  }
  return counts;
}

export async function findMember(db: Db, listId: string, contactId: string) {
  return db
    .selectFrom('list_members')
    .selectAll()
    .where('list_id', '=', listId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
}

export interface MemberPageQuery {
  status?: ListMemberStatus;
  limit: number;
  /** Position after the previous page: its last member's added_at and contact id. */
  after?: { addedAt: number; contactId: string };
}

/** A list's members with the contact's name and address, oldest membership first. */
export async function pageMembers(db: Db, listId: string, query: MemberPageQuery) {
  let q = db
    .selectFrom('list_members as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    // The subject of the email that led to an unsubscribe, as it was sent (null: none, or deleted).
    .leftJoin('sends as s', 's.id', 'm.unsubscribed_send_id')
    .select([
      's.subject as unsubscribed_send_subject',
      'm.contact_id',
      'm.status',
      'm.source',
      'm.added_at',
      'm.unsubscribed_at',
      'm.unsubscribed_send_id',
      'c.email',
      'c.first_name',
      'c.last_name',
    ])
    .where('m.list_id', '=', listId);
  if (query.status) q = q.where('m.status', '=', query.status);
  if (query.after) {
    const { addedAt, contactId } = query.after;
    q = q.where((eb) =>
      eb.or([
        eb('m.added_at', '>', addedAt),
        eb.and([eb('m.added_at', '=', addedAt), eb('m.contact_id', '>', contactId)]),
      ]),
    );
  }
  return q.orderBy('m.added_at').orderBy('m.contact_id').limit(query.limit).execute();
}

/** A contact's lists, by list name. */
export async function membershipsOf(db: Db, contactId: string) {
  return db
    .selectFrom('list_members as m')
    .innerJoin('lists as l', 'l.id', 'm.list_id')
    .select([
      'm.list_id',
      'l.name',
      'm.status',
      'm.source',
      'm.added_at',
      'm.unsubscribed_at',
      'm.unsubscribed_send_id',
    ])
    .where('m.contact_id', '=', contactId)
    .orderBy('l.name')
    .orderBy('m.list_id')
    .execute();
}

/**
 * Gives a merged-away contact's memberships to the contact that stays. Where both are on a list, an
 * unsubscribe by either record wins: it is the same person, and their "no" must hold.
 */
export async function moveMemberships(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  const moving = await db
    .selectFrom('list_members')
    .selectAll()
    .where('contact_id', '=', fromContactId)
    .execute();
  for (const row of moving) {
    const kept = await findMember(db, row.list_id, toContactId);
    if (!kept) {
      await db
        .updateTable('list_members')
        .set({ contact_id: toContactId })
        .where('list_id', '=', row.list_id)
        .where('contact_id', '=', fromContactId)
        .execute();
      continue;
    }
    if (row.status === 'unsubscribed' && kept.status === 'subscribed') {
      await db
        .updateTable('list_members')
        .set({
          status: 'unsubscribed',
          unsubscribed_at: row.unsubscribed_at,
          unsubscribed_send_id: row.unsubscribed_send_id,
        })
        .where('list_id', '=', row.list_id)
        .where('contact_id', '=', toContactId)
        .execute();
    }
    await db
      .deleteFrom('list_members')
      .where('list_id', '=', row.list_id)
      .where('contact_id', '=', fromContactId)
      .execute();
  }
}

/** Deletes every membership of a contact (erasure); returns how many went. */
export async function deleteMembershipsOf(db: Db, contactId: string): Promise<number> {
  const result = await db.deleteFrom('list_members').where('contact_id', '=', contactId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Which of these ids are lists. */
export async function existingListIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('lists').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((row) => row.id));
}

/** Subscribes a contact to each of these lists that still exists (a form may outlive a list). */
export async function subscribeToLists(
  db: Db,
  contactId: string,
  listIds: readonly string[],
  options: { source: MembershipSource; resubscribe: boolean; now: number; consent?: ConsentContext },
): Promise<void> {
  const existing = await existingListIds(db, listIds);
  for (const listId of listIds)
    if (existing.has(listId)) await subscribeContact(db, listId, contactId, options);
}

/** A contact's memberships as the export shows them: in the order they joined, with each list's name. */
export async function membershipsForExport(db: Db, contactId: string) {
  return db
    .selectFrom('list_members')
    .leftJoin('lists', 'lists.id', 'list_members.list_id')
    .selectAll('list_members')
    .select('lists.name as list_name')
    .where('list_members.contact_id', '=', contactId)
    .orderBy('list_members.added_at')
    .orderBy('list_members.list_id')
    .execute();
}
