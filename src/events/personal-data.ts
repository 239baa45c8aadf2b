// What the event website holds about a contact, for the personal-data registry: registrations, the
// sign-in links emailed to them and their portal sessions.
import { iso, isoOrNull } from '../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import { contactEventRows, deleteContactEventRows, moveContactEventRows } from './store.ts';

export const eventsPersonalData: PersonalDataHolder = {
  name: 'events',
  async export({ tx, contactId }) {
    const rows = await contactEventRows(tx, contactId);
    return {
      eventRegistrations: rows.registrations.map((r) => ({
        id: r.id,
        eventId: r.event_id,
        passId: r.pass_id,
        status: r.status,
        createdAt: iso(r.created_at),
        cancelledAt: isoOrNull(r.cancelled_at),
        language: r.language ?? null,
      })),
      eventSignIns: rows.signIns.map((s) => ({
        email: s.email,
        requestedAt: iso(s.created_at),
        usedAt: isoOrNull(s.used_at),
      })),
      eventRegistrationChanges: rows.changes.map((c) => ({
        registrationId: c.registration_id,
        eventId: c.event_id,
        change: c.change,
        at: iso(c.occurred_at),
      })),
      eventPortalSessions: rows.sessions.map((s) => ({
        startedAt: iso(s.created_at),
        endedAt: isoOrNull(s.ended_at),
      })),
    };
  },
  async erase({ tx, contactId }) {
    return deleteContactEventRows(tx, contactId);
  },
  async merge({ tx, winnerId, loserId }) {
    await moveContactEventRows(tx, loserId, winnerId);
  },
};
