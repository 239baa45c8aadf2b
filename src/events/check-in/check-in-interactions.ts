// Check-ins in a contact's timeline (kind `event_check_in`), each naming the event. The registrations'
// own source (registered, cancelled, waitlist) is another; this one adds only the door.
import type { Interaction, InteractionSource } from '../../platform/interactions/interaction.ts';
import { textIn } from '../event.ts';
import { CHECK_IN_SOURCE, type CheckInItemRow, checkInsByIds, checkInsOfContact } from './store.ts';

function toInteraction(row: CheckInItemRow): Interaction {
  const languages = JSON.parse(row.languages) as string[];
  const name = textIn(JSON.parse(row.texts), languages[0] ?? '', languages[0] ?? '').name;
  return {
    id: row.id,
    source: CHECK_IN_SOURCE,
    kind: 'event_check_in',
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.checked_in_at)).toISOString(),
    subjects: { event: { id: row.event_id, name: name || null }, registration: { id: row.id, name: null } },
    machine: null,
    attributes: {},
  };
}

export const checkInInteractions: InteractionSource = {
  name: CHECK_IN_SOURCE,
  kinds: ['event_check_in'],
  async ofContact(db, contactId, bound, limit) {
    return (await checkInsOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await checkInsByIds(db, ids)).map(toInteraction);
  },
};
