// A contact's or an address's suppression, explained: the suppression in force on the address (if any),
// every listing and lift with its reason and where it came from (the send, and whether the server said so
// while sending, a delivery report, a complaint report or a provider's webhook), and where the
// soft-bounce window stands.
import type { Config } from '../../config.ts';
import { findContactRow } from '../../contacts/store.ts';
import { AppError } from '../../lib/errors.ts';
import type { Db } from '../../storage/schema.ts';
import { currentSuppression, historyOf } from './store.ts';

/**
 * How the outcomes behind an address's listings arrived, by send (the bounces domain's reader, handed in
 * where the routes are mounted: bounces depends on suppression, not the other way).
 */
export type OutcomeSources = (
  db: Db,
  emailMatch: string,
  sendIds: readonly string[],
) => Promise<{ send_id: string; kind: string; source: string }[]>;

const noSources: OutcomeSources = async () => [];

const iso = (at: number | null) => (at === null ? null : new Date(Number(at)).toISOString());

/** The outcome kind a listing's reason comes from. */
const KIND_OF_REASON: Record<string, string> = {
  hard_bounce: 'hard_bounce',
  soft_bounces: 'soft_bounce',
  complaint: 'complaint',
};

export interface ContactSuppression {
  email: string | null;
  /** The contact the address belonged to when it was last listed (address lookups only). */
  contactId?: string | null;
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
    /** smtp, dsn, arf, reply or webhook: how the outcome behind a listing arrived; null for a lift. */
    via: string | null;
    detail: string | null;
    listing: number | null;
    until: string | null;
    at: string;
  }[];
  softBounceRule: { limit: number; window: number };
}

async function suppressionOf(
  db: Db,
  emailMatch: string,
  now: number,
  outcomeSourcesOf: OutcomeSources,
): Promise<Pick<ContactSuppression, 'current' | 'history'> & { contactId: string | null }> {
  const [current, history] = await Promise.all([
    currentSuppression(db, emailMatch),
    historyOf(db, emailMatch),
  ]);
  const listedFrom = history.flatMap((row) => (row.send_id === null ? [] : [row.send_id]));
  const via = new Map(
    (await outcomeSourcesOf(db, emailMatch, listedFrom)).map((o) => [`${o.send_id} ${o.kind}`, o.source]),
  );
  const inForce = current && (current.until === null || current.until > now) ? current : null;
  return {
    contactId: current?.contact_id ?? history.find((row) => row.contact_id)?.contact_id ?? null,
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
      via: via.get(`${row.send_id} ${KIND_OF_REASON[row.reason] ?? ''}`) ?? null,
      detail: row.detail,
      listing: row.listing === null ? null : Number(row.listing),
      until: iso(row.until === null ? null : Number(row.until)),
      at: iso(Number(row.at)) as string,
    })),
  };
}

export async function contactSuppression(
  db: Db,
  config: Pick<Config, 'bounces'>,
  contactId: string,
  now = Date.now(),
  outcomeSources: OutcomeSources = noSources,
): Promise<ContactSuppression> {
  const contact = await findContactRow(db, contactId);
  if (!contact) throw new AppError('not_found', `No contact with id "${contactId}".`);
  const emailMatch = contact.email_match;
  const rule = { limit: config.bounces.softLimit, window: config.bounces.softWindow };
  if (!emailMatch) return { email: null, current: null, history: [], softBounceRule: rule };
  const { current, history } = await suppressionOf(db, emailMatch, now, outcomeSources);
  return { email: emailMatch, current, history, softBounceRule: rule };
}

/** An address's suppression and history (the suppression list's page of one address). */
export async function addressSuppression(
  db: Db,
  config: Pick<Config, 'bounces'>,
  email: string,
  now = Date.now(),
  outcomeSources: OutcomeSources = noSources,
): Promise<ContactSuppression & { email: string; contactId: string | null }> {
  const emailMatch = email.toLowerCase();
  const found = await suppressionOf(db, emailMatch, now, outcomeSources);
  if (found.current === null && found.history.length === 0)
    throw new AppError('not_found', `The address "${email}" has never been on the suppression list.`);
  return {
    email: emailMatch,
    ...found,
    softBounceRule: { limit: config.bounces.softLimit, window: config.bounces.softWindow },
  };
}
