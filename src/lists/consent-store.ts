// Storage for what a contact said about their lists: consent events (every change of a subscription, with
// what led to it) and sign-ups waiting for their confirmation (double opt-in). Lists' second store beside
// store.ts (memberships): the only file touching consent_events and pending_signups.
import { newId } from '../lib/ids.ts';
import { afterBound } from '../platform/interactions/after-bound.ts';
import type { SourceBound } from '../platform/interactions/interaction.ts';
import type { ConsentState, Db } from '../storage/schema.ts';
import { change, type StatementProgram } from '../storage/statements.ts';

export interface ConsentEventInput {
  contactId: string;
  listId: string;
  before: ConsentState;
  after: ConsentState;
  at: number;
  source: string;
  sendId: string | null;
  wordingVersion: string | null;
  /** For a confirmed sign-up: what it was and when (stored as JSON). */
  evidence: Record<string, unknown> | null;
}

const INSERT_EVENT = `insert into consent_events (id, contact_id, list_id, before, after, occurred_at, source,
  send_id, wording_version, evidence) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const eventParams = (event: ConsentEventInput) => [
  newId(),
  event.contactId,
  event.listId,
  event.before,
  event.after,
  event.at,
  event.source,
  event.sendId,
  event.wordingVersion,
  event.evidence === null ? null : JSON.stringify(event.evidence),
];

/** Records one consent event as a statement (inside a statement program: the unsubscribe's). */
export function* consentEventStatement(event: ConsentEventInput): StatementProgram<void> {
  yield* change(INSERT_EVENT, eventParams(event));
}

export async function recordConsentEvent(db: Db, event: ConsentEventInput): Promise<void> {
  await db
    .insertInto('consent_events')
    .values({
      id: newId(),
      contact_id: event.contactId,
      list_id: event.listId,
      before: event.before,
      after: event.after,
      occurred_at: event.at,
      source: event.source,
      send_id: event.sendId,
      wording_version: event.wordingVersion,
      evidence: event.evidence === null ? null : JSON.stringify(event.evidence),
    })
    .execute();
}

function eventsWithNames(db: Db) {
  return db
    .selectFrom('consent_events as e')
    .leftJoin('lists as l', 'l.id', 'e.list_id')
    .leftJoin('sends as s', 's.id', 'e.send_id')
    .selectAll('e')
    .select(['l.name as list_name', 's.subject as send_subject', 's.message_id']);
}

export type ConsentEventRow = Awaited<ReturnType<typeof consentEventsOfContact>>[number];

/** A contact's consent events, newest first, strictly after `bound` (the interaction feed's read). */
export async function consentEventsOfContact(
  db: Db,
  contactId: string,
  bound: SourceBound | null,
  limit: number,
) {
  let query = eventsWithNames(db).where('e.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('e.occurred_at', 'e.id', bound));
  return query.orderBy('e.occurred_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
}

export async function consentEventsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return eventsWithNames(db)
    .where('e.id', 'in', [...ids])
    .execute();
}

/** Oldest first, for the personal-data export. */
export async function consentEventsForExport(db: Db, contactId: string) {
  return eventsWithNames(db)
    .where('e.contact_id', '=', contactId)
    .orderBy('e.occurred_at')
    .orderBy('e.id')
    .execute();
}

export async function deleteConsentEventsOf(db: Db, contactId: string): Promise<number> {
  const result = await db.deleteFrom('consent_events').where('contact_id', '=', contactId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A merged-away contact's consent events become the winner's: what the person said still holds. */
export async function moveConsentEvents(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .updateTable('consent_events')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}

// ---- Public lists (the subscription center) ----

/** The lists the subscription center shows, by their public name. */
export async function publicListRows(db: Db) {
  return db
    .selectFrom('lists')
    .select(['id', 'name', 'public_name', 'public_description'])
    .where('public', '=', 1)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The names a person is shown for these lists (public name, else name), in the order given; gone lists left out. */
export async function listLabels(db: Db, listIds: readonly string[]): Promise<string[]> {
  if (listIds.length === 0) return [];
  const rows = await db
    .selectFrom('lists')
    .select(['id', 'name', 'public_name'])
    .where('id', 'in', [...listIds])
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row.public_name ?? row.name]));
  return [...new Set(listIds)].flatMap((id) => (byId.has(id) ? [byId.get(id) as string] : []));
}

/** A contact's status on each list they are on (any list, public or not). */
export async function statusesOf(
  db: Db,
  contactId: string,
): Promise<Map<string, 'subscribed' | 'unsubscribed'>> {
  const rows = await db
    .selectFrom('list_members')
    .select(['list_id', 'status'])
    .where('contact_id', '=', contactId)
    .execute();
  return new Map(rows.map((row) => [row.list_id, row.status]));
}

/** Which of these lists need a confirmed sign-up. */
export async function doubleOptInListIds(db: Db, listIds: readonly string[]): Promise<Set<string>> {
  if (listIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('lists')
    .select('id')
    .where('id', 'in', [...listIds])
    .where('double_opt_in', '=', 1)
    .execute();
  return new Set(rows.map((row) => row.id));
}

// ---- Sign-ups waiting for their confirmation ----

export interface PendingSignupInput {
  id: string;
  formId: string;
  submissionId: string;
  email: string;
  payload: string;
  createdAt: number;
  expiresAt: number;
}

export async function insertPendingSignup(db: Db, signup: PendingSignupInput): Promise<void> {
  await db
    .insertInto('pending_signups')
    .values({
      id: signup.id,
      form_id: signup.formId,
      submission_id: signup.submissionId,
      email: signup.email,
      payload: signup.payload,
      created_at: signup.createdAt,
      expires_at: signup.expiresAt,
      mail_sent_at: null,
    })
    .execute();
}

export async function findPendingSignup(db: Db, id: string) {
  return db.selectFrom('pending_signups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes the sign-up; true for the one caller that deleted it (a confirmation counts once). */
export async function takePendingSignup(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('pending_signups').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function markSignupMailSent(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('pending_signups').set({ mail_sent_at: at }).where('id', '=', id).execute();
}

/** Deletes sign-ups not confirmed in time; returns how many went. */
export async function deleteExpiredSignups(db: Db, now: number): Promise<number> {
  const result = await db.deleteFrom('pending_signups').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The people a send's email led to unsubscribe, by what they used (the unsubscribe link or a mail
 * provider's one-click button, the subscription center, a reply to the `mailto:` address …): each person
 * once per source, however many lists they left (index from migration 025).
 */
export async function unsubscribeSourcesOfSend(db: Db, sendId: string) {
  const rows = await db
    .selectFrom('consent_events')
    .select((eb) => ['source', eb.fn.count<number>('contact_id').distinct().as('n')])
    .where('send_id', '=', sendId)
    .where('after', '=', 'unsubscribed')
    .groupBy('source')
    .execute();
  return rows.map((row) => ({ source: row.source, count: Number(row.n) }));
}
