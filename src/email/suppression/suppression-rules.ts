// Graduated suppression: when an outcome puts an address on the suppression list, for how long, and
// why. Pure; tested with tables.
//
// - A hard bounce suppresses. So do soft bounces once `limit` of the address's last `window` sends
//   soft-bounced (Keila's sliding window); a delivery in between starts the count again.
// - Each listing lasts longer than the one before: 7, 14, 30, then 180 days (D365).
// - A complaint is permanent (it also unsubscribes the contact from every list: record-outcome.ts).
// - A refusal for the sender, the content or policy ("blocked"), an auto-reply or a challenge never
//   suppresses and never counts towards the window.
import type { OutcomeKind } from '../../storage/schema.ts';

const DAY_MS = 86_400_000;
/** How long the 1st, 2nd, 3rd and every later bounce listing lasts. */
export const LISTING_DAYS = [7, 14, 30, 180] as const;

/** One send to the address, as far as the window is concerned (newest first). */
export type SendState = 'delivered' | 'soft' | 'hard' | 'neutral';

export interface SuppressionFacts {
  kind: OutcomeKind;
  /** The address's sends, newest first, this one included (with its new state). */
  recent: readonly SendState[];
  /** Bounce listings the address had before (lifted or expired). */
  listingsBefore: number;
  /** The suppression in force now, if any. */
  current: { until: number | null } | null;
  limit: number;
  window: number;
  now: number;
}

export type SuppressionDecision =
  | { list: false; why: string }
  | {
      list: true;
      reason: 'hard_bounce' | 'soft_bounces' | 'complaint';
      /** null = permanent. */
      until: number | null;
      /** Which bounce listing this is (0 for a complaint, which is not counted). */
      listing: number;
      why: string;
    };

/** Soft bounces among the last `window` sends, counted back to the most recent delivery. */
export function softBouncesInWindow(recent: readonly SendState[], window: number): number {
  let soft = 0;
  for (const state of recent.slice(0, window)) {
    if (state === 'delivered') break;
    if (state === 'soft') soft += 1;
  }
  return soft;
}

export function listingDurationMs(listing: number): number {
  const days = LISTING_DAYS[Math.min(Math.max(listing, 1), LISTING_DAYS.length) - 1] as number;
  return days * DAY_MS;
}

export function decideSuppression(facts: SuppressionFacts): SuppressionDecision {
  const active = facts.current !== null && (facts.current.until === null || facts.current.until > facts.now);
  const permanent = facts.current !== null && facts.current.until === null;
  const bounceListing = (reason: 'hard_bounce' | 'soft_bounces', why: string): SuppressionDecision => {
    if (active) return { list: false, why: 'already suppressed' };
    const listing = facts.listingsBefore + 1;
    return { list: true, reason, until: facts.now + listingDurationMs(listing), listing, why };
  };
  switch (facts.kind) {
    case 'complaint':
      return permanent
        ? { list: false, why: 'already suppressed for good' }
        : { list: true, reason: 'complaint', until: null, listing: 0, why: 'a complaint is permanent' };
    case 'hard_bounce':
      return bounceListing('hard_bounce', 'the address does not work');
    case 'soft_bounce': {
      const soft = softBouncesInWindow(facts.recent, facts.window);
      if (soft < facts.limit)
        return {
          list: false,
          why: `${soft} of the last ${facts.window} sends soft-bounced (${facts.limit} suppress)`,
        };
      return bounceListing('soft_bounces', `${soft} of the last ${facts.window} sends soft-bounced`);
    }
    case 'blocked':
      return { list: false, why: 'refused for the sender, the content or policy: not the address' };
    case 'auto_reply':
      return { list: false, why: 'an auto-reply is no bounce' };
  }
}
