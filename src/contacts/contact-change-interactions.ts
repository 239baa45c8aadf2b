// Contact changes as feed items (decision 037): a contact created, updated, merged or erased, logged in
// the transaction of the write (contacts/store.ts, identity's merge, privacy's erasure), so the webhooks'
// outbox has them. They are not interactions a marketer reads: the contact's timeline shows none
// (`ofContact` answers nothing); only the global feed carries them.
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { CONTACT_CHANGE_SOURCE, type ContactChangeRow, contactChangesByIds } from './store.ts';

export const CONTACT_CHANGE_KINDS = [
  'contact_created',
  'contact_updated',
  'contact_merged',
  'contact_erased',
] as const;

function toInteraction(row: ContactChangeRow): Interaction {
  const attributes: Record<string, unknown> = {};
  if (row.fields !== null) attributes['fields'] = JSON.parse(row.fields) as string[];
  if (row.other_contact_id !== null) attributes['mergedContactId'] = row.other_contact_id;
  return {
    id: row.id,
    source: CONTACT_CHANGE_SOURCE,
    kind: `contact_${row.change}`,
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects: {},
    machine: null,
    attributes,
  };
}

export const contactChangeInteractions: InteractionSource = {
  name: CONTACT_CHANGE_SOURCE,
  kinds: CONTACT_CHANGE_KINDS,
  async ofContact() {
    return [];
  },
  async byIds(db, ids) {
    return (await contactChangesByIds(db, ids)).map(toInteraction);
  },
};
