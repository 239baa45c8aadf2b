// What webhooks hold about a contact for the personal-data registry: deliveries, whose payloads name the
// contact (and what they did). Not exported (each is a copy of a feed item the export already has);
// erased with the contact (the contact.erased event is written after, by the feed consumer); on a merge
// the loser's deliveries join the winner's, in order.
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import { deleteContactDeliveries, moveContactDeliveries } from './store.ts';

export const webhooksPersonalData: PersonalDataHolder = {
  name: 'webhooks',
  async export() {
    return {};
  },
  async erase({ tx, contactId }) {
    return { webhookDeliveries: await deleteContactDeliveries(tx, contactId) };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveContactDeliveries(tx, loserId, winnerId);
  },
};
