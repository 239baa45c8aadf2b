// The rules of an offer link, pure: what state an offer is in at an instant, what a follow of its link
// is (a claim to attempt, or a refusal with its reason), and where each reason sends the person.
// The claim itself is decided by the store's conditional updates (exact under concurrency); these rules
// only pick what to attempt, and say where to go once the store has answered.
import type { OfferReason } from '../storage/schema.ts';

export type { OfferReason };

export type OfferState = 'valid' | 'not_started' | 'ended' | 'exhausted' | 'withdrawn';

/** The states with a page of their own (valid goes to the claim URL). */
export type ClosedState = Exclude<OfferState, 'valid'>;
export const CLOSED_STATES: readonly ClosedState[] = ['not_started', 'ended', 'exhausted', 'withdrawn'];

export interface OfferTerms {
  /** Valid from this instant (inclusive) … */
  startsAt: number;
  /** … to this one (exclusive). */
  endsAt: number;
  claimLimit: number | null;
  perContactLimit: number;
  claimed: number;
  withdrawnAt: number | null;
}

/** Withdrawn first (a marketer's decision outranks the calendar), then the window, then the limit. */
export function stateOf(offer: OfferTerms, now: number): OfferState {
  if (offer.withdrawnAt !== null && offer.withdrawnAt <= now) return 'withdrawn';
  if (now < offer.startsAt) return 'not_started';
  if (now >= offer.endsAt) return 'ended';
  if (offer.claimLimit !== null && offer.claimed >= offer.claimLimit) return 'exhausted';
  return 'valid';
}

export type FollowDecision = { attempt: true } | { attempt: false; reason: OfferReason };

/**
 * A follow of a recipient's offer link. A machine's (scanner, preview, HEAD) never claims; a contact who
 * holds all the claims allowed them is "already claimed" (sent to the claim URL again: they hold it);
 * otherwise, while the offer is valid, a claim is attempted.
 */
export function decideFollow(
  offer: OfferTerms,
  follow: { machine: boolean; contactClaims: number },
  now: number,
): FollowDecision {
  if (follow.machine) return { attempt: false, reason: 'machine' };
  const state = stateOf(offer, now);
  if (state === 'withdrawn' || state === 'not_started' || state === 'ended')
    return { attempt: false, reason: state };
  if (follow.contactClaims >= offer.perContactLimit) return { attempt: false, reason: 'already_claimed' };
  if (state === 'exhausted') return { attempt: false, reason: 'exhausted' };
  return { attempt: true };
}

export interface OfferUrls {
  claimUrl: string;
  notStartedUrl: string | null;
  endedUrl: string | null;
  exhaustedUrl: string | null;
  withdrawnUrl: string | null;
}

const URL_OF: Record<ClosedState, keyof OfferUrls> = {
  not_started: 'notStartedUrl',
  ended: 'endedUrl',
  exhausted: 'exhaustedUrl',
  withdrawn: 'withdrawnUrl',
};

/** Where a state sends a person: the offer's URL for it, or Spoor's page for it when none was given. */
export function urlOfState(offer: OfferUrls, state: OfferState, spoorPage: (state: ClosedState) => string) {
  if (state === 'valid') return offer.claimUrl;
  return offer[URL_OF[state]] ?? spoorPage(state);
}

/** Where a reason sends a person; a machine goes where the offer's state would send anyone. */
export function urlOfReason(
  offer: OfferUrls,
  reason: OfferReason,
  stateNow: OfferState,
  spoorPage: (state: ClosedState) => string,
): string {
  if (reason === 'claimed' || reason === 'already_claimed') return offer.claimUrl;
  if (reason === 'machine') return urlOfState(offer, stateNow, spoorPage);
  return urlOfState(offer, reason, spoorPage);
}

/** Claims left, or null without a total limit (never below zero: a lowered limit may sit under claims). */
export function remainingOf(offer: Pick<OfferTerms, 'claimLimit' | 'claimed'>): number | null {
  return offer.claimLimit === null ? null : Math.max(0, offer.claimLimit - offer.claimed);
}
