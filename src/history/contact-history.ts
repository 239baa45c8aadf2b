// A contact's history: every interaction the feed holds for them, newest first, one page at a time, in
// the shapes the history API has always answered with.
import { mergeContactOf } from '../email/messages/merge-contact.ts';
import { subjectFor } from '../email/messages/render-email.ts';
import { decodeContactCursor } from '../platform/interactions/contact-cursor.ts';
import { interactionsOfContact } from '../platform/interactions/read-contact.ts';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { Db } from '../storage/schema.ts';
import type { HistoryItem } from './history-item.ts';
import { requireContact } from './require-contact.ts';
import { addPageviews, toHistoryItem } from './to-history-item.ts';

export interface HistoryPage {
  contactId: string;
  order: 'newest-first';
  items: HistoryItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export async function getContactHistory(
  db: Db,
  feed: InteractionRegistry,
  contactId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<HistoryPage> {
  // A cursor this API never gave out is refused before the contact is looked up (400 before 404).
  if (query.cursor) decodeContactCursor(query.cursor);
  const contact = mergeContactOf(await requireContact(db, contactId));
  const page = await interactionsOfContact(db, feed.all(), contactId, query);
  const items = page.items.map(toHistoryItem);
  // Sends carry their subject template; the contact's page shows it as they read it.
  for (const item of items)
    if ('send' in item && item.send.subject !== null)
      item.send.subject = subjectFor(item.send.subject, contact);
  await addPageviews(db, items);
  return { contactId, order: 'newest-first', items, nextCursor: page.nextCursor };
}
