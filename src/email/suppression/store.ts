// Storage for the suppression list: the suppression in force per address (email_suppressions, which the
// send path reads) and each address's history of listings and lifts. Expired suppressions stay as rows
// (their listing count matters for the next one) and are simply no longer in force.
import { sql } from 'kysely';
import { newId } from '../../lib/ids.ts';
import type { Db } from '../../storage/schema.ts';

export interface CurrentSuppression {
  email_match: string;
  reason: string;
  send_id: string | null;
  contact_id: string | null;
  category: string | null;
  detail: string | null;
  created_at: number;
  until: number | null;
  listings: number;
}

/** SQL for "this suppression row is in force at `now`" (alias `s`). */
export function inForce(now: number) {
  return sql<boolean>`(s.until is null or s.until > ${now})`;
}

export async function currentSuppression(
  db: Db,
  emailMatch: string,
): Promise<CurrentSuppression | undefined> {
  const row = await db
    .selectFrom('email_suppressions')
    .selectAll()
    .where('email_match', '=', emailMatch)
    .executeTakeFirst();
  return row
    ? {
        ...row,
        created_at: Number(row.created_at),
        until: row.until === null ? null : Number(row.until),
        listings: Number(row.listings),
      }
    : undefined;
}

/** Bounce listings the address has had (complaints are not counted: they never end). */
export async function bounceListingsOf(db: Db, emailMatch: string): Promise<number> {
  const row = await db
    .selectFrom('email_suppression_history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_match', '=', emailMatch)
    .where('action', '=', 'listed')
    .where('reason', '!=', 'complaint')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface Listing {
  emailMatch: string;
  contactId: string | null;
  reason: 'hard_bounce' | 'soft_bounces' | 'complaint';
  category: string | null;
  sendId: string | null;
  detail: string | null;
  listing: number;
  until: number | null;
  now: number;
}

/** Puts the address on the list (replacing an expired suppression) and writes the history line. */
export async function listAddress(db: Db, entry: Listing): Promise<void> {
  const row = {
    reason: entry.reason,
    send_id: entry.sendId,
    contact_id: entry.contactId,
    category: entry.category,
    detail: entry.detail,
    created_at: entry.now,
    until: entry.until,
    listings: Math.max(entry.listing, 1),
  };
  await db
    .insertInto('email_suppressions')
    .values({ email_match: entry.emailMatch, ...row })
    .onConflict((oc) => oc.column('email_match').doUpdateSet(row))
    .execute();
  await db
    .insertInto('email_suppression_history')
    .values({
      id: newId(),
      email_match: entry.emailMatch,
      contact_id: entry.contactId,
      action: 'listed',
      reason: entry.reason,
      category: entry.category,
      send_id: entry.sendId,
      detail: entry.detail,
      listing: entry.listing,
      until: entry.until,
      at: entry.now,
    })
    .execute();
}

/** Ends the suppression in force (an administrator says the mailbox works again); history kept. */
export async function liftAddress(db: Db, emailMatch: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('email_suppressions as s')
    .set({ until: now })
    .where('email_match', '=', emailMatch)
    .where(inForce(now))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db
    .insertInto('email_suppression_history')
    .values({
      id: newId(),
      email_match: emailMatch,
      contact_id: null,
      action: 'lifted',
      reason: 'manual',
      category: null,
      send_id: null,
      detail: null,
      listing: null,
      until: null,
      at: now,
    })
    .execute();
  return true;
}

export async function historyOf(db: Db, emailMatch: string) {
  return db
    .selectFrom('email_suppression_history')
    .selectAll()
    .where('email_match', '=', emailMatch)
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(500)
    .execute();
}

/** Deletes an address's suppression history (erasure, when no other contact has the address). */
export async function deleteHistoryOf(db: Db, emailMatch: string): Promise<number> {
  const result = await db
    .deleteFrom('email_suppression_history')
    .where('email_match', '=', emailMatch)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
