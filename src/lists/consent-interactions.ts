// Lists' interaction source: a contact's consent events (joined or left a list, before → after, what made
// the change, the email that led there, the wording version, a confirmed sign-up's evidence), in the
// contact's history beside their emails and visits. Logged by trigger (migration 017).
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { type ConsentEventRow, consentEventsByIds, consentEventsOfContact } from './consent-store.ts';

export const CONSENT_KINDS = ['list_subscribed', 'list_unsubscribed'] as const;

/** What a consent item carries in `attributes`. */
export interface ConsentAttributes {
  before: string;
  after: string;
  source: string;
  wordingVersion: string | null;
  evidence: Record<string, unknown> | null;
}

function evidenceOf(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function toInteraction(row: ConsentEventRow): Interaction {
  const subjects: Interaction['subjects'] = { list: { id: row.list_id, name: row.list_name } };
  if (row.send_id !== null) subjects['send'] = { id: row.send_id, name: row.send_subject };
  if (row.message_id) subjects['message'] = { id: row.message_id, name: null };
  const attributes: ConsentAttributes = {
    before: row.before,
    after: row.after,
    source: row.source,
    wordingVersion: row.wording_version,
    evidence: evidenceOf(row.evidence),
  };
  return {
    id: row.id,
    source: 'consent',
    kind: row.after === 'subscribed' ? 'list_subscribed' : 'list_unsubscribed',
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects,
    machine: null,
    attributes: { ...attributes },
  };
}

export const consentInteractions: InteractionSource = {
  name: 'consent',
  kinds: CONSENT_KINDS,
  async ofContact(db, contactId, bound, limit) {
    return (await consentEventsOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await consentEventsByIds(db, ids)).map(toInteraction);
  },
};
