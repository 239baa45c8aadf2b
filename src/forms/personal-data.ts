// What forms holds about a contact for the personal-data registry: their submissions and prefill
// tokens. Tokens appear as a count only: their hashes are credentials, not data about anyone.
import { iso, parseJson } from '../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import {
  countPrefillTokens,
  deletePrefillTokensOf,
  deleteSubmissionsOf,
  moveSubmissionsAndTokens,
  submissionsOfContact,
} from './store.ts';

export const formsPersonalData: PersonalDataHolder = {
  name: 'forms',
  async export({ tx, contactId }) {
    const submissions = await submissionsOfContact(tx, contactId);
    return {
      formSubmissions: submissions.map((s) => ({
        id: s.id,
        form: { id: s.form_id, name: s.form_name },
        receivedAt: iso(s.received_at),
        status: s.status,
        outcome: s.outcome,
        anonymous: s.anonymous === 1,
        visitorId: s.visitor_id,
        payload: parseJson(s.payload),
        error: s.error,
      })),
      prefillTokens: { count: await countPrefillTokens(tx, contactId) },
    };
  },
  async erase({ tx, contactId }) {
    const formSubmissions = await deleteSubmissionsOf(tx, contactId);
    const prefillTokens = await deletePrefillTokensOf(tx, contactId);
    return { formSubmissions, prefillTokens };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveSubmissionsAndTokens(tx, loserId, winnerId);
  },
};
