// Offers' interaction source: a contact's claims (kind `offer_claim`), each naming the offer and the send
// whose email carried the link. Refused follows are the offer's insights, not the contact's history.
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { type ClaimHitRow, claimHitsByIds, claimHitsOfContact, OFFER_SOURCE } from './store.ts';

function toInteraction(row: ClaimHitRow): Interaction {
  return {
    id: row.id,
    source: OFFER_SOURCE,
    kind: 'offer_claim',
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects: { offer: { id: row.offer_id, name: row.offer_name }, send: { id: row.send_id, name: null } },
    machine: null,
    attributes: {},
  };
}

export const offerInteractions: InteractionSource = {
  name: OFFER_SOURCE,
  kinds: ['offer_claim'],
  async ofContact(db, contactId, bound, limit) {
    return (await claimHitsOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await claimHitsByIds(db, ids)).map(toInteraction);
  },
};
