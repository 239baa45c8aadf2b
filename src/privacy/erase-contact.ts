// Erasing a contact (right to erasure): every domain in the personal-data registry deletes what it
// holds about them, in one transaction, and an audit entry without personal data records that it happened.
import { lockContact, recordContactChanges } from '../contacts/store.ts';
import { requireContact } from '../history/require-contact.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { personalData } from '../personal-data-holders.ts';
import type { Storage } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import { insertErasure } from './store.ts';

/** Rows deleted, by kind (each holder names its own kinds: contacts, visits, emailEvents, …). */
export type ErasureCounts = Record<string, number>;

export interface Erasure {
  erasureId: string;
  contactId: string;
  erasedAt: string;
  deleted: ErasureCounts;
}

/** PostgreSQL aborts one side of a deadlock or serialization conflict; the erasure is simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);

export async function eraseContact(storage: Storage, contactId: string, now = Date.now()): Promise<Erasure> {
  // Outside the transaction: a merged-away or unknown id is refused before anything is locked.
  await requireContact(storage.db, contactId);
  for (let attempt = 1; ; attempt++) {
    try {
      return await storage.db.transaction().execute((tx) => eraseIn(tx, storage.engine, contactId, now));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 3 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}

async function eraseIn(tx: Db, engine: Storage['engine'], contactId: string, now: number): Promise<Erasure> {
  // The contact row first: a form submission or merge touching this contact finishes before, or waits.
  if (!(await lockContact(tx, engine, contactId))) {
    throw new AppError('not_found', `No contact with id "${contactId}".`);
  }
  const { email_match: emailMatch } = await requireContact(tx, contactId);
  const deleted = await personalData.eraseContact({ tx, engine, contactId, emailMatch });
  const erasureId = newId();
  // The outbox entry of the erasure (contact.erased): an id only, in the erasure's transaction.
  await recordContactChanges(tx, [{ contactId, change: 'erased' }], now);
  await insertErasure(tx, { id: erasureId, contactId, erasedAt: now, counts: { ...deleted } });
  return { erasureId, contactId, erasedAt: new Date(now).toISOString(), deleted };
}
