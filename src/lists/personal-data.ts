// What lists holds about a contact for the personal-data registry: their memberships, unsubscribes
// included (an unsubscribe is the person's "no", and a merge keeps it), and their consent events.
import { iso, isoOrNull } from '../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import { consentEventsForExport, deleteConsentEventsOf, moveConsentEvents } from './consent-store.ts';
import { deleteMembershipsOf, membershipsForExport, moveMemberships } from './store.ts';

export const listsPersonalData: PersonalDataHolder = {
  name: 'lists',
  async export({ tx, contactId }) {
    const memberships = await membershipsForExport(tx, contactId);
    return {
      listMemberships: memberships.map((m) => ({
        list: { id: m.list_id, name: m.list_name },
        status: m.status,
        source: m.source,
        addedAt: iso(m.added_at),
        unsubscribedAt: isoOrNull(m.unsubscribed_at),
        unsubscribedBySendId: m.unsubscribed_send_id,
      })),
      consentEvents: (await consentEventsForExport(tx, contactId)).map((e) => ({
        list: { id: e.list_id, name: e.list_name },
        before: e.before,
        after: e.after,
        at: iso(e.occurred_at),
        source: e.source,
        sendId: e.send_id,
        sendSubject: e.send_subject,
        wordingVersion: e.wording_version,
        evidence: e.evidence === null ? null : (JSON.parse(e.evidence) as unknown),
      })),
    };
  },
  async erase({ tx, contactId }) {
    return {
      listMemberships: await deleteMembershipsOf(tx, contactId),
      consentEvents: await deleteConsentEventsOf(tx, contactId),
    };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveMemberships(tx, loserId, winnerId);
    await moveConsentEvents(tx, loserId, winnerId);
  },
};
