// Outcomes' interaction source: a contact's bounces, complaints and auto-replies, each naming the send
// and its message, with the category, status and where the report came from.
import type { Interaction, InteractionSource } from '../../platform/interactions/interaction.ts';
import { type ContactOutcomeRow, outcomesByIds, outcomesOfContact } from './store.ts';

export const OUTCOME_SOURCE = 'email_outcome';
export const OUTCOME_KINDS = ['email_bounce', 'email_complaint', 'email_auto_reply'] as const;

/** What an outcome item carries in `attributes`. */
export interface OutcomeAttributes {
  /** hard_bounce | soft_bounce | blocked | complaint | auto_reply */
  outcome: string;
  category: string;
  status: string | null;
  detail: string | null;
  /** smtp | dsn | arf | reply | webhook */
  via: string;
}

function kindOf(outcome: string): (typeof OUTCOME_KINDS)[number] {
  if (outcome === 'complaint') return 'email_complaint';
  if (outcome === 'auto_reply') return 'email_auto_reply';
  return 'email_bounce';
}

function toInteraction(row: ContactOutcomeRow): Interaction {
  const subjects: Interaction['subjects'] = { send: { id: row.send_id, name: row.subject } };
  if (row.message_id) subjects['message'] = { id: row.message_id, name: row.message_name };
  const attributes: OutcomeAttributes = {
    outcome: row.kind,
    category: row.category,
    status: row.status,
    detail: row.detail,
    via: row.source,
  };
  return {
    id: row.id,
    source: OUTCOME_SOURCE,
    kind: kindOf(row.kind),
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects,
    machine: null,
    attributes: { ...attributes },
  };
}

export const outcomeInteractions: InteractionSource = {
  name: OUTCOME_SOURCE,
  kinds: OUTCOME_KINDS,
  async ofContact(db, contactId, bound, limit) {
    return (await outcomesOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await outcomesByIds(db, ids)).map(toInteraction);
  },
};
