// What offers hold about a contact for the personal-data registry: their claims (offer × contact) and
// every follow of their offer links, with its reason.
import { iso } from '../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import { claimsForExport, deleteOffersOf, hitsForExport, moveOffers } from './store.ts';

export const offersPersonalData: PersonalDataHolder = {
  name: 'offers',
  async export({ tx, contactId }) {
    const [claims, hits] = await Promise.all([claimsForExport(tx, contactId), hitsForExport(tx, contactId)]);
    return {
      /** The offers the contact claimed, and how many times. */
      offerClaims: claims.map((c) => ({
        offerId: c.offer_id,
        offer: c.name,
        claims: Number(c.claims),
        firstClaimedAt: iso(c.first_claimed_at),
        lastClaimedAt: iso(c.last_claimed_at),
      })),
      /** Each follow of the contact's offer links and what it did. */
      offerFollows: hits.map((h) => ({
        id: h.id,
        offerId: h.offer_id,
        sendId: h.send_id,
        reason: h.reason,
        machine: h.machine_reason,
        method: h.method,
        userAgent: h.user_agent,
        at: iso(h.occurred_at),
      })),
    };
  },
  async erase({ tx, contactId }) {
    return deleteOffersOf(tx, contactId);
  },
  async merge({ tx, winnerId, loserId }) {
    await moveOffers(tx, loserId, winnerId);
  },
};
