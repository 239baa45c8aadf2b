// Storage for mailing lists and their members. An unsubscribe keeps the member row (status
// 'unsubscribed'), so later sends to the list block the contact instead of forgetting the choice.
import type { Db } from '../contacts/store.ts';

export type MembershipSource = 'api' | 'form' | 'import';

/**
 * Subscribes a contact to a list. `resubscribe` decides what happens to a contact who unsubscribed
 * earlier: an admin adding people in bulk must not undo their choice; the contact asking again
 * (ticking a form's subscribe box) may.
 */
export async function subscribeContact(
  db: Db,
  listId: string,
  contactId: string,
  options: { source: MembershipSource; resubscribe: boolean; now: number },
): Promise<'added' | 'already' | 'resubscribed' | 'kept_unsubscribed'> {
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
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 ? 'added' : 'already';
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
  return 'resubscribed';
}

/** Takes a contact off these lists (kept as 'unsubscribed'); returns how many memberships changed. */
export async function unsubscribeFromLists(
  db: Db,
  contactId: string,
  listIds: readonly string[],
  attribution: { sendId: string | null; now: number },
): Promise<number> {
  if (listIds.length === 0) return 0;
  const result = await db
    .updateTable('list_members')
    .set({
      status: 'unsubscribed',
      unsubscribed_at: attribution.now,
      unsubscribed_send_id: attribution.sendId,
    })
    .where('contact_id', '=', contactId)
    .where('list_id', 'in', listIds)
    .where('status', '=', 'subscribed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
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
