// A contact's interactions, newest first, one page at a time. Each source answers the page's worth of its
// own items after the cursor; the merge keeps the newest `limit` of them.
import type { Db } from '../../storage/schema.ts';
import {
  boundFor,
  type ContactPosition,
  compareNewestFirst,
  decodeContactCursor,
  encodeContactCursor,
} from './contact-cursor.ts';
import type { Interaction, InteractionSource } from './interaction.ts';

export interface ContactPage {
  items: Interaction[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export async function interactionsOfContact(
  db: Db,
  sources: readonly InteractionSource[],
  contactId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<ContactPage> {
  const after = query.cursor ? decodeContactCursor(query.cursor) : null;
  // One more than the page from each source tells whether anything is left after this page.
  const lists = await Promise.all(
    sources.map((source) =>
      source.ofContact(db, contactId, after ? boundFor(after, source.name) : null, query.limit + 1),
    ),
  );
  const merged = lists
    .flat()
    .map((item) => ({ item, at: Date.parse(item.occurredAt), source: item.source }))
    .sort(compareNewestFirst);
  const last = merged[query.limit - 1];
  const nextCursor =
    merged.length > query.limit && last
      ? encodeContactCursor({ at: last.at, source: last.source, id: last.item.id } satisfies ContactPosition)
      : null;
  return { items: merged.slice(0, query.limit).map((entry) => entry.item), nextCursor };
}
