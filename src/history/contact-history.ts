// A contact's history: every interaction, newest first, one page at a time. Each source answers the
// page's worth of its own items after the cursor; the merge keeps the newest `limit` of them.
import type { Db } from '../storage/schema.ts';
import { emailItems } from './email-items.ts';
import { formSubmissionItems } from './form-submission-items.ts';
import { boundFor, compareItems, decodeCursor, encodeCursor, type Position } from './history-cursor.ts';
import type { HistoryItem, HistorySource } from './history-item.ts';
import { requireContact } from './require-contact.ts';
import { visitItems } from './visit-items.ts';

/** Every kind of interaction a history shows. New kinds (offers, events) are added here. */
export const SOURCES: readonly HistorySource[] = [visitItems, formSubmissionItems, emailItems];

export interface HistoryPage {
  contactId: string;
  order: 'newest-first';
  items: HistoryItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export async function getContactHistory(
  db: Db,
  contactId: string,
  query: { limit: number; cursor?: string | undefined },
  sources: readonly HistorySource[] = SOURCES,
): Promise<HistoryPage> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  await requireContact(db, contactId);

  // One more than the page from each source tells whether anything is left after this page.
  const lists = await Promise.all(
    sources.map((source) =>
      source.list(db, contactId, after ? boundFor(after, source.type) : null, query.limit + 1),
    ),
  );
  const merged = lists
    .flat()
    .map((item) => ({ item, at: Date.parse(item.at), type: item.type }))
    .sort(compareItems);
  const page = merged.slice(0, query.limit).map((entry) => entry.item);
  const last = merged[query.limit - 1];
  const nextCursor =
    merged.length > query.limit && last
      ? encodeCursor({ at: last.at, type: last.type, id: last.item.id } satisfies Position)
      : null;

  for (const source of sources) {
    const own = page.filter((item) => item.type === source.type);
    if (source.complete && own.length > 0) await source.complete(db, own);
  }
  return { contactId, order: 'newest-first', items: page, nextCursor };
}
