// Merging two contacts found to be one person: every domain holding personal data gives the loser's
// data to the winner (through the personal-data registry), a record keeps the loser's row, and the
// loser goes.
import { deleteContact, findContactRow, recordContactChanges } from '../contacts/store.ts';
import { personalData } from '../personal-data-holders.ts';
import type { Engine } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import { insertMergeRecord } from './store.ts';

export interface Merge {
  winnerId: string;
  loserId: string;
  reason: string;
  now: number;
}

/** Moves everything of the loser to the winner, keeps an audit record with the loser's data, deletes the loser. */
export async function mergeContacts(db: Db, engine: Engine, merge: Merge): Promise<void> {
  const loser = await findContactRow(db, merge.loserId);
  const winner = await findContactRow(db, merge.winnerId);
  if (!loser || !winner) return;
  await personalData.mergeContacts({
    tx: db,
    engine,
    winnerId: merge.winnerId,
    loserId: merge.loserId,
    now: merge.now,
  });
  await insertMergeRecord(db, {
    winnerId: merge.winnerId,
    loserId: merge.loserId,
    reason: merge.reason,
    mergedAt: merge.now,
    loserSnapshot: loser,
  });
  await deleteContact(db, merge.loserId);
  await recordContactChanges(
    db,
    [{ contactId: merge.winnerId, change: 'merged', otherContactId: merge.loserId }],
    merge.now,
  );
}
