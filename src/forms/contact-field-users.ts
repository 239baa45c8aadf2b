// Which forms name a custom contact field (a field of the form, or duplicate detection): contacts asks before
// removing one (src/contacts/manage-contacts.ts, removeCustomField), through the app's wiring.
import type { ContactFieldUsers } from '../contacts/manage-contacts.ts';
import { listForms } from './store.ts';

export const formsUsingContactField: ContactFieldUsers = async (db, key) =>
  (await listForms(db))
    .filter(
      (form) =>
        form.definition.fields.some((field) => field.type !== 'consent' && field.key === key) ||
        form.definition.matchFields.includes(key),
    )
    .map((form) => ({ id: form.id, name: form.name }));
