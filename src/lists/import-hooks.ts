// How a CSV import puts its contacts on a list (src/contacts/import-jobs.ts): as adding members in bulk
// does, source 'import', and a contact who unsubscribed stays unsubscribed.
import type { ImportListHooks } from '../contacts/import-jobs.ts';
import { existingListIds, subscribeContacts } from './store.ts';

export const importListHooks: ImportListHooks = {
  listExists: async (db, listId) => (await existingListIds(db, [listId])).has(listId),
  subscribe: (trx, listId, contactIds, now) =>
    subscribeContacts(trx, listId, contactIds, { source: 'import', resubscribe: false, now }),
};
