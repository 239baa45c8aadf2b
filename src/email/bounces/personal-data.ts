// What bounce handling holds about a contact for the personal-data registry: the outcomes of the emails
// sent to them (bounces, complaints, auto-replies) and their address's suppression history. Reports
// kept whole (unparseable, forged, unmatched) name no contact and expire with the retention of the
// bounce reports, not here.
import { otherContactHasEmail } from '../../contacts/store.ts';
import { iso } from '../../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../../platform/personal-data/registry.ts';
import { deleteHistoryOf, historyOf } from '../suppression/store.ts';
import { deleteOutcomesOf, moveOutcomes, outcomesForExport } from './store.ts';

export const bouncesPersonalData: PersonalDataHolder = {
  name: 'email-outcomes',
  async export({ tx, contactId, emailMatch }) {
    const outcomes = await outcomesForExport(tx, contactId);
    const history = emailMatch ? await historyOf(tx, emailMatch) : [];
    return {
      emailOutcomes: outcomes.map((o) => ({
        sendId: o.send_id,
        outcome: o.kind,
        category: o.category,
        status: o.status,
        detail: o.detail,
        via: o.source,
        at: iso(o.occurred_at),
      })),
      suppressionHistory: history.map((h) => ({
        action: h.action,
        reason: h.reason,
        category: h.category,
        sendId: h.send_id,
        until: h.until === null ? null : iso(h.until),
        at: iso(h.at),
      })),
    };
  },
  async erase({ tx, contactId, emailMatch }) {
    const emailOutcomes = await deleteOutcomesOf(tx, contactId);
    const suppressionHistory =
      emailMatch && !(await otherContactHasEmail(tx, emailMatch, contactId))
        ? await deleteHistoryOf(tx, emailMatch)
        : 0;
    return { emailOutcomes, suppressionHistory };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveOutcomes(tx, loserId, winnerId);
  },
};
