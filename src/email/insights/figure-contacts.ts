// The contacts behind a figure of a send's insights, a page at a time, and all of them as CSV. Delivery
// figures list recipient rows by status; engagement figures list the recipients whose tallies count in
// the figure, named where their events name them (tracking consent), the others counted as unnamed.
import { csvRow } from '../../lib/csv-row.ts';
import { AppError } from '../../lib/errors.ts';
import type { BlockReason, Db, RecipientStatus } from '../../storage/schema.ts';
import { type Audience, type ContactFigure, contactFigureLabel, DELIVERY_FIGURES } from './figure-labels.ts';
import {
  namedRecipients,
  pageEngagedKeys,
  pageRecipientsByStatus,
  type RecipientRow,
  recipientsOf,
  sendExists,
} from './store.ts';

export interface FigureQuery {
  figure: ContactFigure;
  /** Opened or clicked: a person's (default) or a machine's. */
  audience?: Audience | undefined;
  /** Clicked: one link, by position. */
  link?: number | undefined;
  /** Blocked: one reason. */
  reason?: BlockReason | undefined;
  /** Delivery figures: the recipients at one domain. */
  domain?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface FigureContact {
  contactId: string;
  email: string | null;
  status: RecipientStatus;
  blockReason: BlockReason | null;
  sentAt: string | null;
}

export interface FigureContacts {
  figure: ContactFigure;
  label: string;
  contacts: FigureContact[];
  /** On this page: recipients counted in the figure whose events name no one (no tracking consent, or erased). */
  unnamed: number;
  nextCursor: string | null;
}

const STATUSES: Record<string, readonly RecipientStatus[] | null> = {
  recipients: null,
  blocked: ['blocked'],
  sent: ['sent', 'hard_bounce', 'soft_bounce', 'unconfirmed'],
  // Delivered = sent − bounces: an unconfirmed one counts, as in the counters.
  delivered: ['sent', 'unconfirmed'],
  bounced: ['hard_bounce', 'soft_bounce'],
  hard_bounce: ['hard_bounce'],
  soft_bounce: ['soft_bounce'],
  pending: ['pending', 'sending'],
};

const isDelivery = (figure: ContactFigure) => DELIVERY_FIGURES.includes(figure);

/** Options that do not belong to the figure are refused rather than quietly ignored. */
function checkQuery(query: FigureQuery): void {
  const wrong = (option: string, figures: string) =>
    new AppError('bad_request', `"${option}" goes with figure ${figures}, not "${query.figure}".`);
  if (query.audience !== undefined && !['opened', 'clicked'].includes(query.figure))
    throw wrong('audience', '"opened" or "clicked"');
  if (query.link !== undefined && query.figure !== 'clicked') throw wrong('link', '"clicked"');
  if (query.reason !== undefined && query.figure !== 'blocked') throw wrong('reason', '"blocked"');
  if (query.domain !== undefined && !isDelivery(query.figure))
    throw wrong('domain', `${DELIVERY_FIGURES.map((f) => `"${f}"`).join(', ')}`);
}

const toContact = (row: RecipientRow): FigureContact => ({
  contactId: row.contact_id,
  email: row.email,
  status: row.status,
  blockReason: row.block_reason,
  sentAt: row.sent_at === null ? null : new Date(row.sent_at).toISOString(),
});

function scopeOf(query: FigureQuery): string {
  if (query.figure === 'opened') return 'open';
  if (query.figure === 'unsubscribed') return 'unsubscribe';
  return query.link === undefined ? 'click' : `link:${query.link}`;
}

export async function listFigureContacts(
  db: Db,
  sendId: string,
  query: FigureQuery,
): Promise<FigureContacts> {
  checkQuery(query);
  if (!(await sendExists(db, sendId))) throw new AppError('not_found', `No send with id "${sendId}".`);
  const label = contactFigureLabel(query.figure, query);
  const domain = query.domain?.toLowerCase();
  if (isDelivery(query.figure)) {
    const rows = await pageRecipientsByStatus(db, sendId, {
      statuses: STATUSES[query.figure] ?? null,
      reason: query.reason,
      domain,
      after: query.cursor,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? page[page.length - 1]?.contact_id : undefined;
    return {
      figure: query.figure,
      label,
      contacts: page.map(toContact),
      unnamed: 0,
      nextCursor: next ?? null,
    };
  }

  const keys = await pageEngagedKeys(db, sendId, {
    scope: scopeOf(query),
    audience: query.audience ?? 'human',
    after: query.cursor,
    limit: query.limit,
  });
  const page = keys.slice(0, query.limit);
  const named = await namedRecipients(db, sendId, page);
  const rows = await recipientsOf(db, sendId, [...named.values()]);
  const contacts: FigureContact[] = [];
  for (const key of page) {
    const row = rows.get(named.get(key) ?? '');
    if (row) contacts.push(toContact(row));
  }
  contacts.sort((a, b) => (a.contactId < b.contactId ? -1 : 1));
  return {
    figure: query.figure,
    label,
    contacts,
    unnamed: page.length - contacts.length,
    nextCursor: keys.length > query.limit ? (page[page.length - 1] ?? null) : null,
  };
}

export const CSV_COLUMNS = ['contact_id', 'email', 'status', 'block_reason', 'sent_at'] as const;

/**
 * Every contact behind the figure as CSV lines (header first), read a page at a time: a listing, not a
 * figure, so it streams (the route pipes this generator to the response) with keyset paging — each page
 * continues after the last key of the one before, never an OFFSET, and holds at most 1,000 rows in
 * memory. Delivery figures walk send_recipients' primary key (send_id, contact_id) from the cursor;
 * engagement figures walk send_engagement's (send_id, recipient_key, scope), then name the page's keys
 * through email_events_named_by_recipient (migration 015) and read their recipients by primary key. Over
 * a whole export each of the send's rows is read once.
 */
export async function* figureContactsCsv(
  db: Db,
  sendId: string,
  query: Omit<FigureQuery, 'cursor' | 'limit'>,
): AsyncGenerator<string> {
  let cursor: string | undefined;
  let first = true;
  do {
    const page = await listFigureContacts(db, sendId, { ...query, cursor, limit: 1000 });
    if (first) yield csvRow(CSV_COLUMNS);
    first = false;
    let chunk = '';
    for (const c of page.contacts) chunk += csvRow([c.contactId, c.email, c.status, c.blockReason, c.sentAt]);
    if (chunk) yield chunk;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
