// What email engagement holds about a contact for the personal-data registry: the opens, clicks and
// unsubscribes attached to them (made with tracking consent; without it they name no one).
import { iso } from '../../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../../platform/personal-data/registry.ts';
import { deleteEmailEventsOf, emailEventsForExport, moveEmailEvents } from './store.ts';

export const engagementPersonalData: PersonalDataHolder = {
  name: 'email-engagement',
  async export({ tx, contactId }) {
    const events = await emailEventsForExport(tx, contactId);
    return {
      /** Opens, clicks and unsubscribes made with tracking consent (without it they name no one). */
      emailEvents: events.map((e) => ({
        id: e.id,
        sendId: e.send_id,
        kind: e.kind,
        at: iso(e.occurred_at),
        link:
          e.link_position === null
            ? null
            : {
                position: Number(e.link_position),
                url: Number(e.honeypot) === 1 ? null : e.url,
                honeypot: Number(e.honeypot) === 1,
              },
        machine: Number(e.machine) === 1 ? e.machine_reason : null,
        implied: Number(e.implied) === 1,
        userAgent: e.user_agent,
      })),
    };
  },
  async erase({ tx, contactId }) {
    return { emailEvents: await deleteEmailEventsOf(tx, contactId) };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveEmailEvents(tx, loserId, winnerId);
  },
};
