// Reads behind "the contacts behind a figure": a send's recipient rows by status (their primary key,
// keyset-paged by contact id) and its recipients' engagement tallies by scope (their primary key, paged
// by recipient key), and who an engaged recipient is where their events name them. Figures themselves
// come from counters (counters/store.ts); these only list the people behind one, a page at a time.
import { sql } from 'kysely';
import type { Audience } from '../../email/counters/counter-names.ts';
import type { BlockReason, Db, RecipientStatus } from '../../storage/schema.ts';

export interface RecipientRow {
  contact_id: string;
  email: string | null;
  status: RecipientStatus;
  block_reason: BlockReason | null;
  sent_at: number | null;
}

const RECIPIENT_COLUMNS = ['contact_id', 'email', 'status', 'block_reason', 'sent_at'] as const;

/** `x` as a LIKE pattern matching itself literally (with `escape '\'`). */
const literalLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Recipients in some statuses, in contact id order after `after`; `limit + 1` rows for paging. Each status
 * is read on its own through send_recipients_by_status_contact (send_id, status, contact_id), already in
 * contact order and stopping at the page, and the few lists are merged: one IN over several statuses would
 * sort every matching row, and walking the primary key reads every recipient when a status is rare (decision 024).
 */
export async function pageRecipientsByStatus(
  db: Db,
  sendId: string,
  query: {
    statuses: readonly RecipientStatus[] | null;
    reason?: BlockReason | undefined;
    domain?: string | undefined;
    after?: string | undefined;
    limit: number;
  },
): Promise<RecipientRow[]> {
  const page = (status: RecipientStatus | null) =>
    db
      .selectFrom('send_recipients')
      .select(RECIPIENT_COLUMNS)
      .where('send_id', '=', sendId)
      .$if(status !== null, (qb) => qb.where('status', '=', status!))
      .$if(query.reason !== undefined, (qb) => qb.where('block_reason', '=', query.reason!))
      .$if(query.domain !== undefined, (qb) =>
        qb.where(sql<boolean>`lower(email) like ${`%@${literalLike(query.domain!)}`} escape '\\'`),
      )
      .$if(query.after !== undefined, (qb) => qb.where('contact_id', '>', query.after!))
      .orderBy('contact_id')
      .limit(query.limit + 1)
      .execute();
  const lists = await Promise.all(query.statuses === null ? [page(null)] : query.statuses.map(page));
  return lists
    .flat()
    .sort((a, b) => (a.contact_id < b.contact_id ? -1 : a.contact_id > b.contact_id ? 1 : 0))
    .slice(0, query.limit + 1)
    .map((row) => ({ ...row, sent_at: row.sent_at === null ? null : Number(row.sent_at) }));
}

/** Recipient keys with at least one event of `audience` in `scope`, in key order after `after`. */
export async function pageEngagedKeys(
  db: Db,
  sendId: string,
  query: { scope: string; audience: Audience; after?: string | undefined; limit: number },
): Promise<string[]> {
  const rows = await db
    .selectFrom('send_engagement')
    .select('recipient_key')
    .where('send_id', '=', sendId)
    .$if(query.after !== undefined, (qb) => qb.where('recipient_key', '>', query.after!))
    .where('scope', '=', query.scope)
    .where(query.audience, '>', 0)
    .orderBy('recipient_key')
    .limit(query.limit + 1)
    .execute();
  return rows.map((row) => row.recipient_key);
}

/**
 * The contact each recipient key's events name, where they do: events are attached to a contact only
 * with their tracking consent (and not after an erasure), so the others stay counted but unnamed.
 */
export async function namedRecipients(
  db: Db,
  sendId: string,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('email_events')
    .select(['recipient_key', 'contact_id'])
    .distinct()
    .where('send_id', '=', sendId)
    .where('recipient_key', 'in', [...keys])
    .where('contact_id', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [row.recipient_key, row.contact_id as string]));
}

/** The recipient rows of these contacts (by primary key). */
export async function recipientsOf(
  db: Db,
  sendId: string,
  contactIds: readonly string[],
): Promise<Map<string, RecipientRow>> {
  if (contactIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('send_recipients')
    .select(RECIPIENT_COLUMNS)
    .where('send_id', '=', sendId)
    .where('contact_id', 'in', [...contactIds])
    .execute();
  return new Map(
    rows.map((row) => [
      row.contact_id,
      { ...row, sent_at: row.sent_at === null ? null : Number(row.sent_at) },
    ]),
  );
}

export async function sendExists(db: Db, sendId: string): Promise<boolean> {
  const row = await db.selectFrom('sends').select('id').where('id', '=', sendId).executeTakeFirst();
  return row !== undefined;
}
