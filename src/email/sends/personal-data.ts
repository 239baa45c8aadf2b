// What sending holds about a contact for the personal-data registry: the emails sent (or blocked, or
// bounced) to them, and their address on the suppression list.
import { otherContactHasEmail } from '../../contacts/store.ts';
import { iso, isoOrNull } from '../../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../../platform/personal-data/registry.ts';
import {
  deleteRecipientsOf,
  deleteSuppression,
  moveRecipients,
  sendRecipientsOf,
  suppressionsOf,
} from './store.ts';

export const sendsPersonalData: PersonalDataHolder = {
  name: 'email-sends',
  async export({ tx, contactId, emailMatch }) {
    const emails = await sendRecipientsOf(tx, contactId);
    const suppressions = await suppressionsOf(tx, emailMatch);
    return {
      emailsSent: emails.map((e) => ({
        sendId: e.send_id,
        messageId: e.message_id,
        subject: e.subject,
        email: e.email,
        status: e.status,
        blockReason: e.block_reason,
        attempts: Number(e.attempts),
        sentAt: isoOrNull(e.sent_at),
        lastResponse: e.last_response,
      })),
      /** The contact's address on the suppression list (never attempted again after a hard bounce). */
      suppressions: suppressions.map((s) => ({
        email: s.email_match,
        reason: s.reason,
        sendId: s.send_id,
        detail: s.detail,
        at: iso(s.created_at),
      })),
    };
  },
  async erase({ tx, contactId, emailMatch }) {
    // Recipient rows first of all email data: see deleteRecipientsOf.
    const sendRecipients = await deleteRecipientsOf(tx, contactId);
    // The address's suppression goes unless another contact has the address (then the entry protects
    // them, and names no one by itself).
    const suppressions =
      emailMatch && !(await otherContactHasEmail(tx, emailMatch, contactId))
        ? Number(await deleteSuppression(tx, emailMatch))
        : 0;
    return { sendRecipients, suppressions };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveRecipients(tx, loserId, winnerId);
  },
};
