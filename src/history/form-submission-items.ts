// History source: the contact's form submissions, with what was submitted and which consents were given.
import type { FormSubmissionItem, HistorySource } from './history-item.ts';
import { submissionsOfContact } from './store.ts';

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

export const formSubmissionItems: HistorySource = {
  type: 'form_submission',

  async list(db, contactId, bound, limit) {
    const rows = await submissionsOfContact(db, contactId, bound, limit);
    return rows.map((row): FormSubmissionItem => {
      const payload = parsePayload(row.payload);
      return {
        type: 'form_submission',
        at: new Date(Number(row.received_at)).toISOString(),
        id: row.id,
        form: { id: row.form_id, name: row.form_name },
        status: row.status,
        outcome: row.outcome,
        anonymous: row.anonymous === 1,
        consents: payload.consents ?? {},
        values: payload.values ?? {},
      };
    });
  },
};
