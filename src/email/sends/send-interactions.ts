// The sends' interaction source: an email sent to a contact (or bounced when it was attempted), logged by
// the send worker in the transaction that records the outcome (deliver-send.ts). The item is read from
// the recipient row, so a bounce reported later shows on the email it bounced.
//
// Its id is "send.contact": after a merge moves the row to the surviving contact, the contact's own read
// has it under its new id, and the global feed, which reads logged ids, no longer finds the old one.
import type { Interaction, InteractionSource } from '../../platform/interactions/interaction.ts';
import { type DeliveredRow, deliveredByIds, deliveredOfContact, type SentStatus } from './store.ts';

export const DELIVERY_SOURCE = 'email_delivery';
export const DELIVERY_KINDS = ['email_sent'] as const;

/** The feed's item id of a recipient row. */
export const deliveryItemId = (sendId: string, contactId: string) => `${sendId}.${contactId}`;

/** What an "email sent" item carries in `attributes`. */
export interface DeliveryAttributes {
  /** sent, or hard_bounce / soft_bounce (refused when attempted, or reported later). */
  status: SentStatus;
  /** The receiving server's last answer (a bounce's reason). */
  response: string | null;
}

function toInteraction(row: DeliveredRow): Interaction {
  const subjects: Interaction['subjects'] = { send: { id: row.send_id, name: row.subject } };
  if (row.message_id !== null) subjects['message'] = { id: row.message_id, name: row.message_name };
  // The store reads only these statuses (FEED_STATUSES).
  const attributes: DeliveryAttributes = { status: row.status as SentStatus, response: row.last_response };
  return {
    id: deliveryItemId(row.send_id, row.contact_id),
    source: DELIVERY_SOURCE,
    kind: 'email_sent',
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects,
    machine: null,
    attributes: { ...attributes },
  };
}

export const deliveryInteractions: InteractionSource = {
  name: DELIVERY_SOURCE,
  kinds: DELIVERY_KINDS,
  async ofContact(db, contactId, bound, limit) {
    return (await deliveredOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await deliveredByIds(db, ids)).map(toInteraction);
  },
};
