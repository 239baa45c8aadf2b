// What contacts holds about a contact for the personal-data registry: the contact row itself. Its
// erasure runs last (the other holders' rows name it); its merge combines the two rows' values.
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import { mergedContactValues } from './merge-rules.ts';
import { deleteContact, findContactRow, setMergedValues, toContact } from './store.ts';

export const contactsPersonalData: PersonalDataHolder = {
  name: 'contacts',
  async export({ tx, contactId }) {
    const row = await findContactRow(tx, contactId);
    return { contact: row ? toContact(row) : null };
  },
  async erase({ tx, contactId }) {
    return { contacts: await deleteContact(tx, contactId) };
  },
  async merge({ tx, winnerId, loserId, now }) {
    const winner = await findContactRow(tx, winnerId);
    const loser = await findContactRow(tx, loserId);
    if (!winner || !loser) return;
    await setMergedValues(tx, winnerId, { ...mergedContactValues(winner, loser), updated_at: now });
  },
};
