// Storage for sends: the send rows with their leases, preparing recipients from list memberships,
// claiming recipients for SMTP and recording what happened to each.
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { enqueueJob } from '../../platform/jobs/store.ts';
import type { Engine } from '../../storage/database.ts';
import type {
  BlockReason,
  ContactsTable,
  Database,
  Db,
  EmailSuppressionsTable,
  MessagesTable,
  RecipientStatus,
  SendStatus,
  SendsTable,
} from '../../storage/schema.ts';
import { DOMAIN_PREFIX, HOURLY_PREFIX } from '../counters/counter-names.ts';
import { inForce } from '../suppression/store.ts';

export type SendRow = Selectable<SendsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type ContactRow = Selectable<ContactsTable>;

/** The job kind that works on a send (send-job.ts); its job is enqueued with the write that makes the send active. */
export const SEND_JOB = 'email.send';

/** Statuses a send is still being worked on in. */
export const ACTIVE_STATUSES: SendStatus[] = ['queued', 'preparing', 'sending'];

// ---- the API side ----

export async function findMessage(db: Db, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function existingListIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('lists').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((row) => row.id));
}

/** Adds the send, the offers its message carries and its job, together. */
export async function insertSend(
  db: Db,
  row: Insertable<SendsTable>,
  offerIds: readonly string[] = [],
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.insertInto('sends').values(row).execute();
    if (offerIds.length > 0)
      await trx
        .insertInto('send_offers')
        .values(offerIds.map((offerId) => ({ send_id: row.id, offer_id: offerId })))
        .execute();
    await enqueueJob(trx, { kind: SEND_JOB, key: row.id, runAt: row.created_at }, row.created_at);
  });
}

function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : (db as Kysely<Database>).transaction().execute(work);
}

export async function findSend(db: Db, id: string): Promise<SendRow | undefined> {
  return db.selectFrom('sends').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; `after` is the last row of the previous page. */
export async function pageSends(
  db: Db,
  options: { limit: number; after?: { createdAt: number; id: string } },
): Promise<SendRow[]> {
  const after = options.after;
  return db
    .selectFrom('sends')
    .selectAll()
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('created_at', '<', after!.createdAt),
          eb.and([eb('created_at', '=', after!.createdAt), eb('id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
}

export async function countersOfSends(db: Db, sendIds: readonly string[]) {
  const bySend = new Map<string, Map<string, number>>(sendIds.map((id) => [id, new Map()]));
  if (sendIds.length === 0) return bySend;
  const rows = await db
    .selectFrom('send_counters')
    .select(['send_id', 'name', 'value'])
    .where('send_id', 'in', sendIds)
    // Progress needs none of the hourly or per-domain counters (there can be many).
    .where('name', 'not like', `${HOURLY_PREFIX}%`)
    .where('name', 'not like', `${DOMAIN_PREFIX}%`)
    .execute();
  for (const row of rows) bySend.get(row.send_id)?.set(row.name, Number(row.value));
  return bySend;
}

/** Stops a send that is still under way or paused; false when it had already finished or been cancelled. */
export async function cancelSend(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('sends')
    .set({ status: 'cancelled', finished_at: now })
    .where('id', '=', id)
    .where('status', 'in', [...ACTIVE_STATUSES, 'paused'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Sends a paused send on: the workers take it again, and every recipient still waiting (those the
 * relay refused before the pause included) gets a fresh set of tries at once. False unless paused.
 */
export async function resumePausedSend(db: Db, id: string, now: number): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable('sends')
      .set({ status: 'sending', error: null, refusal_streak: 0 })
      .where('id', '=', id)
      .where('status', '=', 'paused')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('send_recipients')
      .set({ attempts: 0, next_attempt_at: now })
      .where('send_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await enqueueJob(trx, { kind: SEND_JOB, key: id, runAt: now }, now);
    return true;
  });
}

// ---- leases: one node works on a send at a time ----

/**
 * Takes the send (or, without `id`, the oldest under way) when its lease is free or expired; the
 * conditional UPDATE decides races.
 */
export async function acquireSend(
  db: Db,
  owner: string,
  now: number,
  leaseMs: number,
  id?: string,
): Promise<SendRow | undefined> {
  const candidates = await db
    .selectFrom('sends')
    .select('id')
    .$if(id !== undefined, (qb) => qb.where('id', '=', id as string))
    .where('status', 'in', ACTIVE_STATUSES)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .orderBy('created_at')
    .limit(5)
    .execute();
  for (const { id } of candidates) {
    const taken = await db
      .updateTable('sends')
      .set({ lease_owner: owner, lease_until: now + leaseMs })
      .where('id', '=', id)
      .where('status', 'in', ACTIVE_STATUSES)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) > 0) return findSend(db, id);
  }
  return undefined;
}

/** Extends this node's lease; false when another node holds it now or the send is no longer active. */
export async function renewLease(db: Db, sendId: string, owner: string, until: number): Promise<boolean> {
  const result = await db
    .updateTable('sends')
    .set({ lease_until: until })
    .where('id', '=', sendId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives the send back; no node takes it before `notBefore` (the next retry due, or now). */
export async function releaseLease(db: Db, sendId: string, owner: string, notBefore: number): Promise<void> {
  await db
    .updateTable('sends')
    .set({ lease_owner: null, lease_until: notBefore })
    .where('id', '=', sendId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Moves the send on from one status to the next, only while this node holds it. */
export async function advanceStatus(
  db: Db,
  sendId: string,
  owner: string,
  from: SendStatus,
  to: SendStatus,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sends')
    .set({
      status: to,
      ...(to === 'sending' ? { prepared_at: now } : {}),
      ...(to === 'done' ? { finished_at: now } : {}),
    })
    .where('id', '=', sendId)
    .where('lease_owner', '=', owner)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Whether this node still holds the send and it is still in `status` (not cancelled meanwhile). */
export async function stillWorking(db: Db, sendId: string, owner: string, status: SendStatus) {
  const row = await db
    .selectFrom('sends')
    .select('id')
    .where('id', '=', sendId)
    .where('lease_owner', '=', owner)
    .where('status', '=', status)
    .executeTakeFirst();
  return row !== undefined;
}

// ---- preparing ----

/** The last contact id already expanded into recipients (contacts are taken in id order). */
export async function preparedUpTo(db: Db, sendId: string): Promise<string | null> {
  const row = await db
    .selectFrom('send_recipients')
    .select((eb) => eb.fn.max('contact_id').as('last'))
    .where('send_id', '=', sendId)
    .executeTakeFirst();
  return (row?.last as string | null | undefined) ?? null;
}

/**
 * The `chunk`-th contact after `after` on one list (index order), or null when fewer remain. The
 * smallest of these over the send's lists bounds the next chunk, so no list gives more than `chunk`.
 */
export async function chunkBoundOnList(
  db: Db,
  listId: string,
  after: string | null,
  chunk: number,
): Promise<string | null> {
  const row = await db
    .selectFrom('list_members as lm')
    .innerJoin('contacts as c', 'c.id', 'lm.contact_id')
    .select('lm.contact_id')
    .where('lm.list_id', '=', listId)
    .$if(after !== null, (qb) => qb.where('lm.contact_id', '>', after!))
    .orderBy('lm.contact_id')
    .limit(1)
    .offset(chunk - 1)
    .executeTakeFirst();
  return row?.contact_id ?? null;
}

/** The smallest of these contact ids in the database's own ordering (its collation need not be JavaScript's). */
export async function smallestContactId(db: Db, ids: readonly string[]): Promise<string | null> {
  if (ids.length === 0) return null;
  const row = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.min('id').as('first'))
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return (row?.first as string | null | undefined) ?? null;
}

export interface Candidate {
  contact_id: string;
  email: string | null;
  do_not_email: number;
  memberships: number;
  subscribed: number;
  suppressed: number;
}

/** One row per contact with memberships on the lists in (after, upTo]: what the permission rule needs. */
export async function candidatesBetween(
  db: Db,
  listIds: readonly string[],
  after: string | null,
  upTo: string | null,
  now: number = Date.now(),
): Promise<Candidate[]> {
  const rows = await db
    .selectFrom('list_members as lm')
    .innerJoin('contacts as c', 'c.id', 'lm.contact_id')
    .select([
      'lm.contact_id',
      'c.email',
      'c.do_not_email',
      sql<number>`count(*)`.as('memberships'),
      sql<number>`sum(case when lm.status = 'subscribed' then 1 else 0 end)`.as('subscribed'),
      sql<number>`case when exists (select 1 from email_suppressions s where s.email_match = c.email_match and ${inForce(now)}) then 1 else 0 end`.as(
        'suppressed',
      ),
    ])
    .where('lm.list_id', 'in', listIds)
    .$if(after !== null, (qb) => qb.where('lm.contact_id', '>', after!))
    .$if(upTo !== null, (qb) => qb.where('lm.contact_id', '<=', upTo!))
    .groupBy(['lm.contact_id', 'c.email', 'c.do_not_email', 'c.email_match'])
    .execute();
  return rows.map((row) => ({
    ...row,
    do_not_email: Number(row.do_not_email),
    memberships: Number(row.memberships),
    subscribed: Number(row.subscribed),
    suppressed: Number(row.suppressed),
  }));
}

export interface NewRecipient {
  contact_id: string;
  email: string | null;
  status: 'pending' | 'blocked';
  block_reason: BlockReason | null;
}

export async function insertRecipients(db: Db, sendId: string, rows: readonly NewRecipient[]) {
  // Both engines cap bound parameters per statement; 5 per row.
  for (let at = 0; at < rows.length; at += 1000) {
    await db
      .insertInto('send_recipients')
      .values(rows.slice(at, at + 1000).map((row) => ({ send_id: sendId, ...row })))
      .onConflict((oc) => oc.columns(['send_id', 'contact_id']).doNothing())
      .execute();
  }
}

/** Adds a chunk's memberships to the send's totals, only while this node holds it and it is preparing. */
export async function addPreparedTotals(
  db: Db,
  sendId: string,
  owner: string,
  memberships: number,
  duplicates: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sends')
    .set({
      recipients_total: sql`recipients_total + ${memberships}`,
      duplicates: sql`duplicates + ${duplicates}`,
    })
    .where('id', '=', sendId)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'preparing')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertLinks(
  db: Db,
  sendId: string,
  links: readonly { position: number; url: string; honeypot: boolean }[],
): Promise<void> {
  if (links.length === 0) return;
  await db
    .insertInto('send_links')
    .values(
      links.map((link) => ({
        send_id: sendId,
        position: link.position,
        url: link.url,
        honeypot: link.honeypot ? 1 : 0,
      })),
    )
    .onConflict((oc) => oc.columns(['send_id', 'position']).doNothing())
    .execute();
}

// ---- sending ----

/**
 * Recipients left 'sending' by a node that is gone: handed to SMTP, outcome unknown. They become
 * 'unconfirmed' and are never sent again. Returns how many.
 */
export async function markInterrupted(db: Db, sendId: string): Promise<number> {
  const result = await db
    .updateTable('send_recipients')
    .set({ status: 'unconfirmed', last_response: 'interrupted while being sent; not sent again' })
    .where('send_id', '=', sendId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface DueRecipient {
  contact_id: string;
  email: string | null;
  attempts: number;
}

/**
 * Claims up to `limit` due recipients as 'sending' in one statement, only while `owner` holds the send
 * and it is sending (so a node that lost its lease claims nothing). Returns what was claimed.
 */
export async function claimDue(
  db: Db,
  engine: Engine,
  sendId: string,
  owner: string,
  now: number,
  limit: number,
): Promise<DueRecipient[]> {
  const leased = sql`exists (select 1 from sends where id = ${sendId} and lease_owner = ${owner} and status = 'sending')`;
  // PostgreSQL: the due rows are picked by the index, locked, and updated by their tuple ids. The plain
  // `contact_id in (…)` form let PostgreSQL join every pending recipient of the send against the
  // sub-select, re-run once per pending row, whenever its statistics predate the send (a new send's id is
  // in no histogram, and a big table is re-analysed only after 10 % of it changed): 174 ms per claim at
  // 18,000 pending recipients, growing with the list, against 0.4 ms this way (decision 049).
  // SKIP LOCKED lets another claimer pass rows this one holds instead of waiting on them. The rows are
  // locked from the sub-select on, so they are still pending when updated: the update repeats no status
  // test, which, since send_recipients_by_status holds only open recipients (decision 050), PostgreSQL
  // took as a reason to walk every pending recipient of every send and filter them by tuple id.
  const result =
    engine === 'postgres'
      ? await sql<{ contact_id: string; email: string | null; attempts: number }>`
    update send_recipients set status = 'sending'
    where ctid = any(array(
      select ctid from send_recipients
      where send_id = ${sendId} and status = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at limit ${limit}
      for update skip locked))
    and ${leased}
    returning contact_id, email, attempts`.execute(db)
      : // SQLite looks each listed contact up in send_recipients_by_status_contact (its plan, checked).
        await sql<{ contact_id: string; email: string | null; attempts: number }>`
    update send_recipients set status = 'sending'
    where send_id = ${sendId} and status = 'pending' and contact_id in (
      select contact_id from send_recipients
      where send_id = ${sendId} and status = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at limit ${limit})
    and ${leased}
    returning contact_id, email, attempts`.execute(db);
  return result.rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

export type ContactWithMemberships = ContactRow & { memberships: number; subscribed: number };

/** The contacts, each with its memberships on the send's lists now (for the permission re-check). */
export async function contactsWithMemberships(
  db: Db,
  listIds: readonly string[],
  ids: readonly string[],
): Promise<Map<string, ContactWithMemberships>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('contacts as c')
    .selectAll('c')
    .select([
      sql<number>`(select count(*) from list_members lm where lm.contact_id = c.id and lm.list_id in (${sql.join(listIds)}))`.as(
        'memberships',
      ),
      sql<number>`(select count(*) from list_members lm where lm.contact_id = c.id and lm.list_id in (${sql.join(listIds)}) and lm.status = 'subscribed')`.as(
        'subscribed',
      ),
    ])
    .where('c.id', 'in', ids)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      { ...row, memberships: Number(row.memberships), subscribed: Number(row.subscribed) },
    ]),
  );
}

/** The addresses among these with a suppression in force at `now` (lower-cased). */
export async function suppressedAmong(
  db: Db,
  emails: readonly string[],
  now: number = Date.now(),
): Promise<Set<string>> {
  const matches = [...new Set(emails.map((email) => email.toLowerCase()))];
  if (matches.length === 0) return new Set();
  const rows = await db
    .selectFrom('email_suppressions as s')
    .select('s.email_match')
    .where('s.email_match', 'in', matches)
    .where(inForce(now))
    .execute();
  return new Set(rows.map((row) => row.email_match));
}

/** A claimed recipient the permission re-check refuses: blocked (in the transaction that claimed it). */
export async function markBlocked(db: Db, sendId: string, contactId: string, reason: BlockReason) {
  const result = await db
    .updateTable('send_recipients')
    .set({ status: 'blocked', block_reason: reason })
    .where('send_id', '=', sendId)
    .where('contact_id', '=', contactId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Records an attempt's outcome, only if the recipient is still 'sending': when another node has since
 * declared it unconfirmed (this node lost its lease), the late answer changes nothing.
 */
export interface AttemptRow {
  contact_id: string;
  status: RecipientStatus;
  attempts: number;
  next_attempt_at: number;
  last_response: string;
  sent_at: number | null;
  smtp_message_id: string | null;
}

/**
 * Records the outcomes of a batch of attempts in one statement (UPDATE … FROM VALUES, which SQLite and
 * PostgreSQL both take); only recipients still 'sending' are touched. Returns the contacts recorded: one
 * missing was declared unconfirmed by another node after this one lost the send.
 */
export async function recordAttempts(
  db: Db,
  sendId: string,
  rows: readonly AttemptRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  // Typed in every row: PostgreSQL takes untyped parameters in VALUES as text.
  const values = rows.map(
    (row) =>
      sql`(cast(${row.contact_id} as text), cast(${row.status} as text), cast(${row.attempts} as integer), cast(${row.next_attempt_at} as bigint), cast(${row.last_response} as text), cast(${row.sent_at} as bigint), cast(${row.smtp_message_id} as text))`,
  );
  // VALUES columns are column1… in both engines (SQLite takes no column list after the alias).
  const result = await sql<{ contact_id: string }>`
    update send_recipients set status = v.column2, attempts = v.column3, next_attempt_at = v.column4,
      last_response = v.column5, sent_at = v.column6, smtp_message_id = v.column7
    from (values ${sql.join(values)}) as v
    where send_recipients.send_id = ${sendId} and send_recipients.contact_id = v.column1
      and send_recipients.status = 'sending'
    returning send_recipients.contact_id`.execute(db);
  return new Set(result.rows.map((row) => row.contact_id));
}

/**
 * Records the run of refusals that were not the recipients'; with `pauseError`, also pauses the send
 * (only while it is sending: a cancel meanwhile wins, and the first reason given stays).
 */
export async function recordRefusalStreak(
  db: Db,
  sendId: string,
  streak: number,
  pauseError: string | null,
): Promise<void> {
  await db.updateTable('sends').set({ refusal_streak: streak }).where('id', '=', sendId).execute();
  if (pauseError === null) return;
  await db
    .updateTable('sends')
    .set({ status: 'paused', error: pauseError })
    .where('id', '=', sendId)
    .where('status', '=', 'sending')
    .execute();
}

/** The SMTP server could not be reached, greeted or logged in to: what it said, and when. */
export async function recordLastError(db: Db, sendId: string, error: string, at: number): Promise<void> {
  await db
    .updateTable('sends')
    .set({ last_error: error, last_error_at: at })
    .where('id', '=', sendId)
    .execute();
}

/** How many sends there are in each status (for /metrics). */
export async function countSendsByStatus(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('sends')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((row) => [row.status, Number(row.n)]));
}

/** Recipients not yet final, and when the earliest pending one is due. */
export async function openRecipients(db: Db, sendId: string) {
  const row = await db
    .selectFrom('send_recipients')
    .select([
      sql<number>`count(*)`.as('open'),
      sql<number | null>`min(case when status = 'pending' then next_attempt_at end)`.as('next_due'),
    ])
    .where('send_id', '=', sendId)
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), nextDue: row.next_due === null ? null : Number(row.next_due) };
}

/** A send's recipients in contact id order after `after` (a cursor), optionally of one status. */
export async function pageRecipients(
  db: Db,
  sendId: string,
  query: { status?: RecipientStatus | undefined; after?: string | undefined; limit: number },
) {
  return db
    .selectFrom('send_recipients')
    .select(['contact_id', 'email', 'status', 'block_reason', 'attempts', 'last_response', 'sent_at'])
    .where('send_id', '=', sendId)
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status!))
    .$if(query.after !== undefined, (qb) => qb.where('contact_id', '>', query.after!))
    .orderBy('contact_id')
    .limit(query.limit)
    .execute();
}

export type SuppressionRow = Selectable<EmailSuppressionsTable>;

/**
 * Suppressions in force at `now`, in address order, after `after` (a cursor: the last address of the
 * previous page).
 */
export async function pageSuppressions(
  db: Db,
  query: { email?: string | undefined; after?: string | undefined; limit: number; now?: number },
): Promise<SuppressionRow[]> {
  let select = db
    .selectFrom('email_suppressions as s')
    .selectAll()
    .where(inForce(query.now ?? Date.now()))
    .orderBy('s.email_match')
    .limit(query.limit);
  if (query.email) select = select.where('s.email_match', '=', query.email.toLowerCase());
  if (query.after) select = select.where('s.email_match', '>', query.after);
  return select.execute();
}

export async function deleteSuppression(db: Db, email: string): Promise<boolean> {
  const result = await db
    .deleteFrom('email_suppressions')
    .where('email_match', '=', email.toLowerCase())
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---- one contact's emails (the personal-data registry: export, erasure, merge) ----

/** The emails sent (or blocked, or bounced) to the contact, one row per send. */
export async function sendRecipientsOf(db: Db, contactId: string) {
  return db
    .selectFrom('send_recipients')
    .leftJoin('sends', 'sends.id', 'send_recipients.send_id')
    .selectAll('send_recipients')
    .select(['sends.subject', 'sends.message_id'])
    .where('send_recipients.contact_id', '=', contactId)
    .orderBy('send_recipients.sent_at')
    .orderBy('send_recipients.send_id')
    .execute();
}

/**
 * Deletes the contact's recipient rows. They go before the contact's email events: the engagement
 * writer reads them with a share lock, so a click being recorded for this contact finishes before (and
 * its event is deleted after this) or finds the recipient gone and records nothing.
 */
export async function deleteRecipientsOf(db: Db, contactId: string): Promise<number> {
  const result = await db
    .deleteFrom('send_recipients')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A merged-away contact's recipient rows become the winner's; where both got the same send, the winner's stands. */
export async function moveRecipients(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .deleteFrom('send_recipients')
    .where('contact_id', '=', fromContactId)
    .where('send_id', 'in', (q) =>
      q.selectFrom('send_recipients').select('send_id').where('contact_id', '=', toContactId),
    )
    .execute();
  await db
    .updateTable('send_recipients')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}

/** Suppression-list entries for an address (a hard bounce keeps it from being emailed again). */
export async function suppressionsOf(db: Db, emailMatch: string | null): Promise<SuppressionRow[]> {
  if (!emailMatch) return [];
  return db.selectFrom('email_suppressions').selectAll().where('email_match', '=', emailMatch).execute();
}

// ---- estimating a send before it is made ----

/** Contacts on the lists grouped by the facts the permission rule reads: a handful of rows. */
export interface AudienceGroup {
  subscribed: number;
  do_not_email: number;
  has_email: number;
  suppressed: number;
  contacts: number;
  memberships: number;
}

/**
 * One pass over the lists' memberships (their index), each contact's facts folded to the few
 * combinations the rule tells apart, so the caller applies the rule itself (permission-rules.ts) and
 * the estimate cannot disagree with the send about who is blocked and why.
 */
export async function audienceGroups(
  db: Db,
  listIds: readonly string[],
  now: number = Date.now(),
): Promise<AudienceGroup[]> {
  if (listIds.length === 0) return [];
  const ids = sql.join(listIds.map((id) => sql`${id}`));
  const result = await sql<AudienceGroup>`
    select subscribed, do_not_email, has_email, suppressed,
      count(*) as contacts, sum(memberships) as memberships
    from (
      select lm.contact_id,
        count(*) as memberships,
        case when sum(case when lm.status = 'subscribed' then 1 else 0 end) > 0 then 1 else 0 end as subscribed,
        max(c.do_not_email) as do_not_email,
        max(case when c.email is null or trim(c.email) = '' then 0 else 1 end) as has_email,
        max(case when exists (select 1 from email_suppressions s where s.email_match = c.email_match
            and ${inForce(now)})
          then 1 else 0 end) as suppressed
      from list_members lm
      join contacts c on c.id = lm.contact_id
      where lm.list_id in (${ids})
      group by lm.contact_id
    ) per_contact
    group by subscribed, do_not_email, has_email, suppressed`.execute(db);
  return result.rows.map((row) => ({
    subscribed: Number(row.subscribed),
    do_not_email: Number(row.do_not_email),
    has_email: Number(row.has_email),
    suppressed: Number(row.suppressed),
    contacts: Number(row.contacts),
    memberships: Number(row.memberships),
  }));
}

/** The most recent failure to reach the SMTP server recorded on any send (for the SMTP status). */
export async function latestSendError(db: Db) {
  return db
    .selectFrom('sends')
    .select(['id', 'last_error', 'last_error_at'])
    .where('last_error_at', 'is not', null)
    .orderBy('last_error_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---- the interaction feed's "email sent" items (send-interactions.ts) ----

/** The outcomes of an attempt the send worker logs as a contact's interaction (deliver-send.ts). */
export const FEED_STATUSES = [
  'sent',
  'hard_bounce',
  'soft_bounce',
] as const satisfies readonly RecipientStatus[];
export type SentStatus = (typeof FEED_STATUSES)[number];

/** When the outcome was recorded: sent_at for a sent email, the attempt's time for a bounce. */
const outcomeAt = sql<number>`coalesce(send_recipients.sent_at, send_recipients.next_attempt_at)`;
/** The feed's item id: the send and the contact (ids never contain a dot). */
const feedId = sql<string>`send_recipients.send_id || '.' || send_recipients.contact_id`;

function deliveredWithSend(db: Db) {
  return db
    .selectFrom('send_recipients')
    .leftJoin('sends', 'sends.id', 'send_recipients.send_id')
    .leftJoin('messages', 'messages.id', 'sends.message_id')
    .select([
      'send_recipients.send_id',
      'send_recipients.contact_id',
      'send_recipients.status',
      'send_recipients.last_response',
      outcomeAt.as('occurred_at'),
      'sends.subject',
      'sends.message_id',
      'messages.name as message_name',
    ])
    .where('send_recipients.status', 'in', [...FEED_STATUSES]);
}

export type DeliveredRow = Awaited<ReturnType<typeof deliveredOfContact>>[number];

/** A contact's sent (or bounced) emails, newest first by (time, item id), after `bound`. */
export async function deliveredOfContact(
  db: Db,
  contactId: string,
  bound: { at: number; orEqual: boolean; sameAtIdBelow?: string } | null,
  limit: number,
) {
  let query = deliveredWithSend(db).where('send_recipients.contact_id', '=', contactId);
  if (bound) {
    const after =
      bound.sameAtIdBelow !== undefined
        ? sql<boolean>`(${outcomeAt} < ${bound.at} or (${outcomeAt} = ${bound.at} and ${feedId} < ${bound.sameAtIdBelow}))`
        : bound.orEqual
          ? sql<boolean>`${outcomeAt} <= ${bound.at}`
          : sql<boolean>`${outcomeAt} < ${bound.at}`;
    query = query.where(after);
  }
  return query.orderBy(outcomeAt, 'desc').orderBy(feedId, 'desc').limit(limit).execute();
}

/** The sent emails with these item ids ("send.contact") that still exist, by primary key. */
export async function deliveredByIds(db: Db, ids: readonly string[]) {
  const pairs = ids.flatMap((id) => {
    const [sendId, contactId, extra] = id.split('.');
    return sendId && contactId && extra === undefined ? [{ sendId, contactId }] : [];
  });
  if (pairs.length === 0) return [];
  return deliveredWithSend(db)
    .where((eb) =>
      eb.or(
        pairs.map(({ sendId, contactId }) =>
          eb.and([
            eb('send_recipients.send_id', '=', sendId),
            eb('send_recipients.contact_id', '=', contactId),
          ]),
        ),
      ),
    )
    .execute();
}

/**
 * Per list: members the list audience counters count as receivable (subscribed, may be emailed, with an
 * address) whose address is suppressed at `now`. Triggers keep them counted by their suppression's expiry
 * (migration 019), so this sums one key range per list — the keys later than now (a permanent
 * suppression's is 2^53 − 1) — whatever the size of the suppression list.
 */
export async function suppressedReceivable(
  db: Db,
  listIds: readonly string[],
  now: number = Date.now(),
): Promise<Map<string, number>> {
  if (listIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('list_suppressed_counts')
    .select(['list_id', (eb) => eb.fn.sum<number | string>('members').as('n')])
    .where('list_id', 'in', [...listIds])
    .where('until', '>', now)
    .groupBy('list_id')
    .execute();
  return new Map(rows.map((row) => [row.list_id, Number(row.n)]));
}

// ---- offers (src/offers reads these: "delivered", and when a recipient's email was handed over) ----

/** Contacts an email carrying the offer was delivered to (sent − bounced, as the send's counters say). */
export async function contactsDeliveredOffer(db: Db, offerId: string): Promise<number> {
  const row = await db
    .selectFrom('send_offers')
    .innerJoin('send_recipients', 'send_recipients.send_id', 'send_offers.send_id')
    .select((eb) => eb.fn.count<string | number>('send_recipients.contact_id').distinct().as('contacts'))
    .where('send_offers.offer_id', '=', offerId)
    .where('send_recipients.status', 'in', ['sent', 'unconfirmed'])
    .executeTakeFirst();
  return Number(row?.contacts ?? 0);
}

/** One recipient of a send: whether it exists (a contact erased since has none) and when it was sent. */
export async function recipientSentAt(db: Db, sendId: string, contactId: string) {
  return db
    .selectFrom('send_recipients')
    .select(['status', 'sent_at'])
    .where('send_id', '=', sendId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
}
