// An offer as the API shows it, what creating or changing one takes, and the row's terms and URLs for the
// pure rules.
import type { OfferState, OfferTerms, OfferUrls } from './offer-rules.ts';
import { remainingOf, stateOf } from './offer-rules.ts';
import type { OfferRow } from './store.ts';

export interface OfferInput {
  name: string;
  claimUrl: string;
  /** Local date-times in `timeZone`, "YYYY-MM-DDTHH:MM". */
  startsAt: string;
  endsAt: string;
  timeZone: string;
  claimLimit?: number | null;
  perContactLimit?: number;
  notStartedUrl?: string | null;
  endedUrl?: string | null;
  exhaustedUrl?: string | null;
  withdrawnUrl?: string | null;
}

export interface Offer {
  id: string;
  name: string;
  /** The merge tag that puts this offer's link in a message. */
  tag: string;
  claimUrl: string;
  notStartedUrl: string | null;
  endedUrl: string | null;
  exhaustedUrl: string | null;
  withdrawnUrl: string | null;
  timeZone: string;
  startsAt: string;
  endsAt: string;
  /** The same moments as instants (UTC). */
  startsAtUtc: string;
  endsAtUtc: string;
  claimLimit: number | null;
  perContactLimit: number;
  claimed: number;
  remaining: number | null;
  state: OfferState;
  withdrawnAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const offerTag = (id: string) => `{{ offer "${id}" }}`;

export function termsOf(row: OfferRow): OfferTerms {
  return {
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    claimLimit: row.claim_limit,
    perContactLimit: row.per_contact_limit,
    claimed: row.claimed,
    withdrawnAt: row.withdrawn_at,
  };
}

export function urlsOf(row: OfferRow): OfferUrls {
  return {
    claimUrl: row.claim_url,
    notStartedUrl: row.not_started_url,
    endedUrl: row.ended_url,
    exhaustedUrl: row.exhausted_url,
    withdrawnUrl: row.withdrawn_url,
  };
}

export function toOffer(row: OfferRow, now = Date.now()): Offer {
  return {
    id: row.id,
    name: row.name,
    tag: offerTag(row.id),
    ...urlsOf(row),
    timeZone: row.time_zone,
    startsAt: row.starts_local,
    endsAt: row.ends_local,
    startsAtUtc: iso(row.starts_at),
    endsAtUtc: iso(row.ends_at),
    claimLimit: row.claim_limit,
    perContactLimit: row.per_contact_limit,
    claimed: row.claimed,
    remaining: remainingOf({ claimLimit: row.claim_limit, claimed: row.claimed }),
    state: stateOf(termsOf(row), now),
    withdrawnAt: row.withdrawn_at === null ? null : iso(row.withdrawn_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
