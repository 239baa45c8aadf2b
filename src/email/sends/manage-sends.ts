// Sends as the API shows them: creating one (a snapshot of the message, queued for the workers),
// reading progress from the per-send counters, paging, cancelling, and resuming a paused send.

import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pageOf } from '../../lib/page.ts';
import type { BlockReason, Db, RecipientStatus, SendStatus } from '../../storage/schema.ts';
import { COUNTER } from '../counters/counter-names.ts';
import { prepareMessage } from '../messages/render-email.ts';
import { currentSuppression, liftAddress } from '../suppression/store.ts';
import {
  cancelSend as cancelStoredSend,
  countersOfSends,
  existingListIds,
  findMessage,
  findSend,
  insertSend,
  pageRecipients,
  pageSends,
  pageSuppressions,
  resumePausedSend,
  type SendRow,
} from './store.ts';

export interface SendProgress {
  /** Memberships found on the lists (a contact on two lists counts twice). */
  recipients: number;
  duplicates: number;
  blocked: {
    total: number;
    unsubscribed: number;
    doNotEmail: number;
    noAddress: number;
    hardBounced: number;
  };
  /** Final and not blocked: accepted, bounced or unconfirmed (recipients − duplicates − blocked, once done). */
  sent: number;
  accepted: number;
  hardBounces: number;
  softBounces: number;
  /** Handed to SMTP when a node died; may have been delivered, never sent again. */
  unconfirmed: number;
  /** Temporary refusals so far (each retried later). */
  deferrals: number;
  /** Refusals for a reason that is not the recipient's (relay, sender, policy, content) so far; never suppress. */
  policyRefusals: number;
  /** Not final yet: waiting, being sent, or waiting for a retry. */
  pending: number;
}

export interface Send {
  id: string;
  messageId: string;
  listIds: string[];
  status: SendStatus;
  subject: string;
  createdAt: string;
  preparedAt: string | null;
  finishedAt: string | null;
  /** Why the send is paused (what to fix before resuming); null otherwise. */
  error: string | null;
  /**
   * The latest time the SMTP server could not be reached, greeted or logged in to (or refused the
   * sender for a reason not the recipients'), with what it said; null if it never happened. It stays
   * after the server recovers: compare `at` with the progress.
   */
  lastError: { message: string; at: string } | null;
  progress: SendProgress;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function progressOf(counters: ReadonlyMap<string, number>): SendProgress {
  const get = (name: string) => counters.get(name) ?? 0;
  const blockedBy = (reason: BlockReason) => get(COUNTER.blocked(reason));
  const blocked = {
    unsubscribed: blockedBy('unsubscribed'),
    doNotEmail: blockedBy('do_not_email'),
    noAddress: blockedBy('no_address'),
    hardBounced: blockedBy('hard_bounced'),
  };
  const blockedTotal = blocked.unsubscribed + blocked.doNotEmail + blocked.noAddress + blocked.hardBounced;
  const recipients = get(COUNTER.recipients);
  const duplicates = get(COUNTER.duplicates);
  const sent = get(COUNTER.sent);
  return {
    recipients,
    duplicates,
    blocked: { total: blockedTotal, ...blocked },
    sent,
    accepted: get(COUNTER.accepted),
    hardBounces: get(COUNTER.hardBounces),
    softBounces: get(COUNTER.softBounces),
    unconfirmed: get(COUNTER.unconfirmed),
    deferrals: get(COUNTER.deferrals),
    policyRefusals: get(COUNTER.policyRefusals),
    pending: Math.max(0, recipients - duplicates - blockedTotal - sent),
  };
}

function toSend(row: SendRow, counters: ReadonlyMap<string, number>): Send {
  return {
    id: row.id,
    messageId: row.message_id,
    listIds: JSON.parse(row.list_ids) as string[],
    status: row.status,
    subject: row.subject,
    createdAt: iso(row.created_at)!,
    preparedAt: iso(row.prepared_at),
    finishedAt: iso(row.finished_at),
    error: row.error ?? null,
    lastError:
      row.last_error && row.last_error_at !== null
        ? { message: row.last_error, at: iso(row.last_error_at) as string }
        : null,
    progress: progressOf(counters),
  };
}

/** The lists a send (or its estimate) goes to, each once; a 422 naming every id that is not a list. */
export async function requireLists(db: Db, ids: readonly string[]): Promise<string[]> {
  const listIds = [...new Set(ids)];
  const known = await existingListIds(db, listIds);
  const unknown = listIds.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new AppError(
      'unprocessable',
      `There is no list with id ${unknown.map((id) => `"${id}"`).join(', ')}.`,
      { unknownListIds: unknown },
    );
  return listIds;
}

export async function createSend(db: Db, input: { messageId: string; listIds: string[] }): Promise<Send> {
  const message = await findMessage(db, input.messageId);
  if (!message) throw new AppError('unprocessable', `There is no message with id "${input.messageId}".`);
  const listIds = await requireLists(db, input.listIds);
  // A template that does not parse fails here, not hours later in the worker.
  const { offerIds } = prepareMessage({ subject: message.subject, html: message.html, text: message.text });
  const now = Date.now();
  const row = {
    id: newId(),
    message_id: message.id,
    list_ids: JSON.stringify(listIds),
    status: 'queued' as const,
    subject: message.subject,
    html: message.html,
    text: message.text,
    from_name: message.from_name,
    from_email: message.from_email,
    reply_to: message.reply_to,
    created_at: now,
    prepared_at: null,
    finished_at: null,
    lease_owner: null,
    lease_until: null,
  };
  await insertSend(db, row, offerIds);
  return toSend(
    {
      ...row,
      recipients_total: 0,
      duplicates: 0,
      error: null,
      refusal_streak: 0,
      last_error: null,
      last_error_at: null,
    },
    new Map(),
  );
}

export async function getSend(db: Db, id: string): Promise<Send> {
  const row = await findSend(db, id);
  if (!row) throw new AppError('not_found', `There is no send with id "${id}".`);
  const counters = await countersOfSends(db, [id]);
  return toSend(row, counters.get(id) ?? new Map());
}

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) throw new AppError('bad_request', 'cursor is not one this API returned.');
  return { createdAt: Number(match[1]), id: match[2]! };
}

/**
 * A suppression cursor is an address in base64url, as listSuppressions hands it out. Anything else (a
 * NUL byte or invalid UTF-8 once decoded, which PostgreSQL cannot compare) is refused, not queried.
 */
function decodeSuppressionCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,700}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  if (decoded === '' || decoded.includes('\u0000') || decoded.includes('\uFFFD'))
    throw new AppError('bad_request', 'cursor is not one this API returned.');
  return decoded;
}

export async function listSends(
  db: Db,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ sends: Send[]; nextCursor: string | null }> {
  const rows = await pageSends(db, { limit: query.limit + 1, after: decodeCursor(query.cursor) });
  const page = pageOf(rows, query.limit, (last) => `${Number(last.created_at)}.${last.id}`);
  const counters = await countersOfSends(
    db,
    page.rows.map((row) => row.id),
  );
  return {
    sends: page.rows.map((row) => toSend(row, counters.get(row.id) ?? new Map())),
    nextCursor: page.nextCursor,
  };
}

/** Stops attempting the rest; what was already sent stays sent, in-flight emails finish. */
export async function cancelSend(db: Db, id: string): Promise<Send> {
  const row = await findSend(db, id);
  if (!row) throw new AppError('not_found', `There is no send with id "${id}".`);
  if (!(await cancelStoredSend(db, id, Date.now())))
    throw new AppError('conflict', `This send is already ${row.status === 'done' ? 'done' : 'cancelled'}.`);
  return getSend(db, id);
}

/** Sends a paused send on, once the relay is fixed; recipients still waiting are tried again at once. */
export async function resumeSend(db: Db, id: string): Promise<Send> {
  const row = await findSend(db, id);
  if (!row) throw new AppError('not_found', `There is no send with id "${id}".`);
  if (!(await resumePausedSend(db, id, Date.now())))
    throw new AppError('conflict', `This send is ${row.status}, not paused: there is nothing to resume.`);
  return getSend(db, id);
}

export interface SendRecipient {
  contactId: string;
  email: string | null;
  status: RecipientStatus;
  blockReason: BlockReason | null;
  attempts: number;
  /** The SMTP server's last answer for this recipient (a refusal's reason included). */
  lastResponse: string | null;
  sentAt: string | null;
}

/** A send's recipients with what happened to each, a page at a time in contact id order. */
export async function listRecipients(
  db: Db,
  id: string,
  query: { status?: RecipientStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<{ recipients: SendRecipient[]; nextCursor: string | null }> {
  if (!(await findSend(db, id))) throw new AppError('not_found', `There is no send with id "${id}".`);
  const rows = await pageRecipients(db, id, {
    status: query.status,
    after: query.cursor,
    limit: query.limit + 1,
  });
  const page = pageOf(rows, query.limit, (last) => last.contact_id);
  return {
    recipients: page.rows.map((row) => ({
      contactId: row.contact_id,
      email: row.email,
      status: row.status,
      blockReason: row.block_reason,
      attempts: Number(row.attempts),
      lastResponse: row.last_response,
      sentAt: iso(row.sent_at),
    })),
    nextCursor: page.nextCursor,
  };
}

export interface Suppression {
  email: string;
  /** The contact the address belonged to when it was listed (null for listings older than 016). */
  contactId: string | null;
  /** hard_bounce, soft_bounces (the window filled) or complaint. */
  reason: string;
  /** The bounce category (invalid-mailbox, full-mailbox …) or complaint. */
  category: string | null;
  sendId: string | null;
  /** The SMTP server's answer or the report's text that caused it. */
  detail: string | null;
  createdAt: string;
  /** When it ends; null = permanent (a complaint). */
  until: string | null;
  /** Which bounce listing of the address this is (7, 14, 30, then 180 days). */
  listing: number;
}

/** The suppression list: addresses not attempted while their suppression is in force. */
export async function listSuppressions(
  db: Db,
  query: { email?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ suppressions: Suppression[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeSuppressionCursor(query.cursor);
  const rows = await pageSuppressions(db, { email: query.email, after, limit: query.limit + 1 });
  const page = pageOf(rows, query.limit, (last) => Buffer.from(last.email_match).toString('base64url'));
  return {
    suppressions: page.rows.map((row) => ({
      email: row.email_match,
      contactId: row.contact_id,
      reason: row.reason,
      category: row.category,
      sendId: row.send_id,
      detail: row.detail,
      createdAt: new Date(Number(row.created_at)).toISOString(),
      until: row.until === null ? null : new Date(Number(row.until)).toISOString(),
      listing: Number(row.listings),
    })),
    nextCursor: page.nextCursor,
  };
}

/** Lifts a suppression (the mailbox works again); later sends attempt the address. */
export async function liftSuppression(db: Db, email: string, now = Date.now()): Promise<void> {
  const current = await currentSuppression(db, email.toLowerCase());
  if (!current || (current.until !== null && current.until <= now))
    throw new AppError('not_found', `The address "${email}" is not on the suppression list.`);
  // As D365: only the person who complained can ask to be emailed again, not the sender.
  if (current.reason === 'complaint')
    throw new AppError(
      'conflict',
      `The address "${email}" is suppressed for good: its owner complained (marked an email as spam). Only they can ask to be emailed again, by subscribing anew.`,
    );
  await liftAddress(db, current.email_match, now);
}
