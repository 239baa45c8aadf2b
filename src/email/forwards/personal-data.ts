// What forward to a friend holds about a contact (the forwarder), for the personal-data registry: their
// forwards and what became of each copy. The friend's address is no contact's personal data: it is kept
// only as a keyed hash, and not exported; it goes when the forward it belongs to goes.
import { iso } from '../../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../../platform/personal-data/registry.ts';
import { deleteForwardsOf, forwardsForExport, moveForwards } from './store.ts';

export const forwardsPersonalData: PersonalDataHolder = {
  name: 'email-forwards',
  async export({ tx, contactId }) {
    const { forwards, copies } = await forwardsForExport(tx, contactId);
    return {
      /** Emails this contact forwarded to friends through the forward form: when, and what became of each copy. */
      emailForwards: forwards.map((forward) => ({
        id: forward.id,
        sendId: forward.send_id,
        at: iso(forward.created_at),
        addresses: Number(forward.addresses),
        copies: copies
          .filter((copy) => copy.forward_id === forward.id)
          .map((copy) => ({ status: copy.status, sentAt: copy.sent_at === null ? null : iso(copy.sent_at) })),
      })),
    };
  },
  async erase({ tx, contactId }) {
    return { emailForwards: await deleteForwardsOf(tx, contactId) };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveForwards(tx, loserId, winnerId);
  },
};
