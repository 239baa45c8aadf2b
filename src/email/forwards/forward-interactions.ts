// Forwards in the interaction feed: one item per post of the forward form, the forwarder's ("forwarded to
// N"), logged in the transaction that records the post (record-forward.ts). The friends are no contacts:
// their copies' opens and clicks are not the forwarder's interactions and are not in the feed.
import type { Interaction, InteractionSource } from '../../platform/interactions/interaction.ts';
import { type ForwardFeedRow, forwardsByIds, forwardsOfContact } from './store.ts';

export const FORWARD_SOURCE = 'email_forward';
export const FORWARD_KINDS = ['email_forwarded'] as const;

function toInteraction(row: ForwardFeedRow): Interaction {
  const subjects: Interaction['subjects'] = { send: { id: row.send_id, name: row.subject } };
  if (row.message_id) subjects['message'] = { id: row.message_id, name: row.message_name };
  return {
    id: row.id,
    source: FORWARD_SOURCE,
    kind: 'email_forwarded',
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.created_at)).toISOString(),
    subjects,
    machine: null,
    // How many addresses were entered: "forwarded to N" (whether each got its copy is not the forwarder's to know).
    attributes: { addresses: Number(row.addresses) },
  };
}

export const forwardInteractions: InteractionSource = {
  name: FORWARD_SOURCE,
  kinds: FORWARD_KINDS,
  async ofContact(db, contactId, bound, limit) {
    return (await forwardsOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await forwardsByIds(db, ids)).map(toInteraction);
  },
};
