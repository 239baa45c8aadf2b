// Forms' interaction source: a contact's form submissions, with what was submitted and which consents
// were given. A submission becomes the contact's when it is matched (processing may come later).
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { type ContactSubmissionRow, contactSubmissionsByIds, submissionPageOfContact } from './store.ts';

interface StoredPayload {
  values?: Record<string, string | null>;
  consents?: Record<string, boolean>;
}

function parsePayload(payload: string): StoredPayload {
  try {
    return JSON.parse(payload) as StoredPayload;
  } catch {
    return {};
  }
}

/** What a submission item carries in `attributes` (read back by contact history). */
export interface SubmissionAttributes {
  status: 'pending' | 'processed' | 'failed';
  /** Whether the submission created the contact or updated it. */
  outcome: 'created' | 'updated' | null;
  /** Submitted without tracking consent: the browser was not linked. */
  anonymous: boolean;
  consents: Record<string, boolean>;
  values: Record<string, string | null>;
}

function toInteraction(row: ContactSubmissionRow): Interaction {
  const payload = parsePayload(row.payload);
  const attributes: SubmissionAttributes = {
    status: row.status,
    outcome: row.outcome,
    anonymous: Number(row.anonymous) === 1,
    consents: payload.consents ?? {},
    values: payload.values ?? {},
  };
  return {
    id: row.id,
    source: 'form_submission',
    kind: 'form_submission',
    contactId: row.contact_id ?? '',
    occurredAt: new Date(Number(row.received_at)).toISOString(),
    subjects: { form: { id: row.form_id, name: row.form_name } },
    machine: null,
    attributes: { ...attributes },
  };
}

export const submissionInteractions: InteractionSource = {
  name: 'form_submission',
  kinds: ['form_submission'],
  async ofContact(db, contactId, bound, limit) {
    return (await submissionPageOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await contactSubmissionsByIds(db, ids)).map(toInteraction);
  },
};
