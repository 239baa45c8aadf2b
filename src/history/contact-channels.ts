// What a contact's page shows beside the timeline: the browsers known to be theirs, and the emails sent
// to them (sent, blocked or bounced, one per send) with whether their address is suppressed.
import { mergeContactOf } from '../email/messages/merge-contact.ts';
import { subjectFor } from '../email/messages/render-email.ts';
import { sendRecipientsOf, suppressionsOf } from '../email/sends/store.ts';
import { linkedVisitors } from '../identity/store.ts';
import type { BlockReason, Db, RecipientStatus } from '../storage/schema.ts';
import { requireContact } from './require-contact.ts';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export interface ContactBrowser {
  /** The browser's visitor id (the install-wide cookie). */
  id: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

export async function browsersOfContact(db: Db, contactId: string): Promise<{ browsers: ContactBrowser[] }> {
  await requireContact(db, contactId);
  const rows = await linkedVisitors(db, contactId);
  return {
    browsers: rows.map((row) => ({
      id: row.id,
      firstSeenAt: iso(row.created_at)!,
      lastSeenAt: iso(row.last_seen_at)!,
    })),
  };
}

export interface ContactEmail {
  sendId: string;
  messageId: string | null;
  subject: string | null;
  status: RecipientStatus;
  blockReason: BlockReason | null;
  sentAt: string | null;
  /** The receiving server's last answer (a bounce's reason). */
  lastResponse: string | null;
}

export interface ContactEmails {
  /** The address is on the suppression list (never attempted again) and why; null when it is not. */
  suppressed: { reason: string; since: string; detail: string | null } | null;
  /** Emails not sent (yet, or blocked) first, then newest sent first. */
  emails: ContactEmail[];
}

export async function emailsOfContact(db: Db, contactId: string): Promise<ContactEmails> {
  const contact = await requireContact(db, contactId);
  const [rows, suppressions] = await Promise.all([
    sendRecipientsOf(db, contactId),
    suppressionsOf(db, contact.email_match),
  ]);
  // Only a suppression in force (an expired one is history: GET /api/contacts/{id}/suppression).
  const merge = mergeContactOf(contact);
  const suppression = suppressions.find((s) => s.until === null || Number(s.until) > Date.now());
  return {
    suppressed: suppression
      ? { reason: suppression.reason, since: iso(suppression.created_at)!, detail: suppression.detail }
      : null,
    emails: rows
      .map((row) => ({
        sendId: row.send_id,
        messageId: row.message_id ?? null,
        subject: row.subject === null || row.subject === undefined ? null : subjectFor(row.subject, merge),
        status: row.status,
        blockReason: row.block_reason,
        sentAt: iso(row.sent_at),
        lastResponse: row.last_response,
      }))
      .sort(newestFirst),
  };
}

/** Unsent first, then by sending time newest first; the send id breaks ties (the same on both engines). */
function newestFirst(a: ContactEmail, b: ContactEmail): number {
  if (a.sentAt !== b.sentAt) {
    if (a.sentAt === null) return -1;
    if (b.sentAt === null) return 1;
    return a.sentAt < b.sentAt ? 1 : -1;
  }
  return a.sendId < b.sendId ? -1 : a.sendId > b.sendId ? 1 : 0;
}
