// Email engagement's interaction source: a contact's opens, clicks (with the link) and unsubscribes,
// each naming the send and its message. Only events made with tracking consent name a contact, so only
// those appear; machine opens and scanner clicks carry their label, not hidden.
import type { Interaction, InteractionSource } from '../../platform/interactions/interaction.ts';
import { type ContactEmailEventRow, contactEmailEventsByIds, emailEventsOfContact } from './store.ts';

export const EMAIL_KINDS = ['email_open', 'email_click', 'email_unsubscribe'] as const;

/** What an email item carries in `attributes`: clicks say whether the link was the hidden honeypot. */
export interface EmailAttributes {
  honeypot?: boolean;
}

function toInteraction(row: ContactEmailEventRow): Interaction {
  const subjects: Interaction['subjects'] = { send: { id: row.send_id, name: row.subject } };
  if (row.message_id !== null) subjects['message'] = { id: row.message_id, name: row.message_name };
  const attributes: EmailAttributes = {};
  if (row.kind === 'click' && row.link_position !== null) {
    const honeypot = Number(row.honeypot) === 1;
    // The honeypot has no URL to show: no person ever saw it.
    subjects['link'] = { id: String(Number(row.link_position)), name: honeypot ? null : row.url };
    attributes.honeypot = honeypot;
  }
  return {
    id: row.id,
    source: 'email',
    kind: `email_${row.kind}`,
    contactId: row.contact_id ?? '',
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects,
    machine: Number(row.machine) === 1 ? (row.machine_reason ?? 'machine') : null,
    attributes: { ...attributes },
  };
}

export const emailInteractions: InteractionSource = {
  name: 'email',
  kinds: EMAIL_KINDS,
  async ofContact(db, contactId, bound, limit) {
    return (await emailEventsOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await contactEmailEventsByIds(db, ids)).map(toInteraction);
  },
};
