// Resolves the contact a per-contact request names. A merged-away id answers 404 naming the survivor
// rather than silently answering for another id: the caller learns the new id and uses it from then on,
// and nothing destructive (erasure) ever happens to an id the caller did not name.
import { findContactRow } from '../contacts/store.ts';
import { survivingContactId } from '../identity/store.ts';
import { AppError } from '../lib/errors.ts';
import type { Db } from '../storage/schema.ts';

export async function requireContact(db: Db, contactId: string) {
  const row = await findContactRow(db, contactId);
  if (row) return row;
  const survivor = await survivingContactId(db, contactId);
  if (survivor && survivor !== contactId) {
    throw new AppError(
      'not_found',
      `Contact "${contactId}" was merged into contact "${survivor}"; use that id.`,
      { mergedInto: survivor },
    );
  }
  throw new AppError('not_found', `No contact with id "${contactId}".`);
}
