// Storage for privacy: the erasure audit, its only table. A contact's data is exported and erased
// through the personal-data registry (src/platform/personal-data); retention's deletes are in the
// stores of the tables they delete from.
import type { Db } from '../storage/schema.ts';

/** The audit entry of one erasure: who (an id, no personal data), when, and how many rows of each kind. */
export async function insertErasure(
  db: Db,
  erasure: { id: string; contactId: string; erasedAt: number; counts: Record<string, number> },
) {
  await db
    .insertInto('contact_erasures')
    .values({
      id: erasure.id,
      contact_id: erasure.contactId,
      erased_at: erasure.erasedAt,
      counts: JSON.stringify(erasure.counts),
    })
    .execute();
}
