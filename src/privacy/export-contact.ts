// Exporting a contact (right of access / portability): everything Spoor holds about them as one JSON
// document, gathered from every domain in the personal-data registry.
import { requireContact } from '../history/require-contact.ts';
import { personalData } from '../personal-data-holders.ts';
import { iso } from '../platform/personal-data/export-values.ts';
import type { Storage } from '../storage/database.ts';

/** Raised whenever the document's shape changes incompatibly. */
export const EXPORT_SCHEMA_VERSION = 1;

export interface ContactExport extends Record<string, unknown> {
  schemaVersion: number;
  generatedAt: string;
  contactId: string;
}

export async function exportContact(
  storage: Storage,
  contactId: string,
  now = Date.now(),
): Promise<ContactExport> {
  // One snapshot, so the parts agree with each other (a SQLite transaction is one already).
  let transaction = storage.db.transaction();
  if (storage.engine === 'postgres') transaction = transaction.setIsolationLevel('repeatable read');
  return transaction.execute(async (tx) => {
    const contact = await requireContact(tx, contactId);
    const sections = await personalData.exportContact({
      tx,
      engine: storage.engine,
      contactId,
      emailMatch: contact.email_match,
    });
    return { schemaVersion: EXPORT_SCHEMA_VERSION, generatedAt: iso(now), contactId, ...sections };
  });
}
