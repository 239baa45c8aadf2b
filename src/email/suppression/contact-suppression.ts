// A contact's suppression, explained: the suppression in force on their address (if any), every listing
// and lift with its reason, and where the soft-bounce window stands.
import type { Config } from '../../config.ts';
import { findContactRow } from '../../contacts/store.ts';
import { AppError } from '../../lib/errors.ts';
import type { Db } from '../../storage/schema.ts';
import { currentSuppression, historyOf } from './store.ts';

const iso = (at: number | null) => (at === null ? null : new Date(Number(at)).toISOString());

export interface ContactSuppression {
  email: string | null;
  current: {
    reason: string;
    category: string | null;
    sendId: string | null;
    detail: string | null;
    since: string;
    until: string | null;
    listing: number;
  } | null;
  history: {
    action: 'listed' | 'lifted';
    reason: string;
    category: string | null;
    sendId: string | null;
    detail: string | null;
    listing: number | null;
    until: string | null;
    at: string;
  }[];
  softBounceRule: { limit: number; window: number };
}

export async function contactSuppression(
  db: Db,
  config: Pick<Config, 'bounces'>,
  contactId: string,
  now = Date.now(),
): Promise<ContactSuppression> {
  const contact = await findContactRow(db, contactId);
  if (!contact) throw new AppError('not_found', `No contact with id "${contactId}".`);
  const emailMatch = contact.email_match;
  const rule = { limit: config.bounces.softLimit, window: config.bounces.softWindow };
  if (!emailMatch) return { email: null, current: null, history: [], softBounceRule: rule };
  const [current, history] = await Promise.all([
    currentSuppression(db, emailMatch),
    historyOf(db, emailMatch),
  ]);
  const inForce = current && (current.until === null || current.until > now) ? current : null;
  return {
    email: emailMatch,
    current: inForce
      ? {
          reason: inForce.reason,
          category: inForce.category,
          sendId: inForce.send_id,
          detail: inForce.detail,
          since: iso(inForce.created_at) as string,
          until: iso(inForce.until),
          listing: inForce.listings,
        }
      : null,
    history: history.map((row) => ({
      action: row.action,
      reason: row.reason,
      category: row.category,
      sendId: row.send_id,
      detail: row.detail,
      listing: row.listing === null ? null : Number(row.listing),
      until: iso(row.until === null ? null : Number(row.until)),
      at: iso(Number(row.at)) as string,
    })),
    softBounceRule: rule,
  };
}
