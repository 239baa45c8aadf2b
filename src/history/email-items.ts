// History source: the contact's email opens, clicks (with the link) and unsubscribes, each naming the
// send and its message. Only events made with tracking consent name a contact, so only those appear;
// machine opens and scanner clicks are shown with their label, not hidden.
import { emailEventsOfContact } from '../email/engagement/store.ts';
import type { EmailItem, HistorySource } from './history-item.ts';

export const emailItems: HistorySource = {
  type: 'email',

  async list(db, contactId, bound, limit) {
    const rows = await emailEventsOfContact(db, contactId, bound, limit);
    return rows.map(
      (row): EmailItem => ({
        type: 'email',
        at: new Date(Number(row.occurred_at)).toISOString(),
        id: row.id,
        event: row.kind,
        send: { id: row.send_id, subject: row.subject },
        message: { id: row.message_id, name: row.message_name },
        link:
          row.kind === 'click' && row.link_position !== null
            ? {
                position: Number(row.link_position),
                url: Number(row.honeypot) === 1 ? null : row.url,
                honeypot: Number(row.honeypot) === 1,
              }
            : null,
        machine: Number(row.machine) === 1 ? (row.machine_reason ?? 'machine') : null,
      }),
    );
  },
};
