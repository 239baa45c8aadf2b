// The event website's interaction source: each change of a contact's registrations (registered,
// waitlisted, cancelled, left the waitlist, a place offered, the offer accepted, declined or run out),
// kind `event_<change>`, naming the event. Check-ins join as another kind of the same source.
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { changesByIds, changesOfContact, REGISTRATION_SOURCE, type RegistrationChangeRow } from './store.ts';

export { REGISTRATION_SOURCE };
export const REGISTRATION_KINDS = [
  'event_registered',
  'event_waitlisted',
  'event_cancelled',
  'event_left_waitlist',
  'event_place_offered',
  'event_offer_accepted',
  'event_offer_declined',
  'event_offer_expired',
];

function eventName(row: RegistrationChangeRow): string | null {
  if (!row.texts || !row.languages) return null;
  try {
    const languages = JSON.parse(row.languages) as string[];
    const texts = JSON.parse(row.texts) as Record<string, { name?: string }>;
    return texts[languages[0] ?? '']?.name ?? null;
  } catch {
    return null;
  }
}

function toInteraction(row: RegistrationChangeRow): Interaction {
  return {
    id: row.id,
    source: REGISTRATION_SOURCE,
    kind: `event_${row.change}`,
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects: { event: { id: row.event_id, name: eventName(row) } },
    machine: null,
    attributes: { registrationId: row.registration_id },
  };
}

export const registrationInteractions: InteractionSource = {
  name: REGISTRATION_SOURCE,
  kinds: REGISTRATION_KINDS,
  async ofContact(db, contactId, bound, limit) {
    return (await changesOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await changesByIds(db, ids)).map(toInteraction);
  },
};
