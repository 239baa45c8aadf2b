// What became of a send's emails after sending, broken down: bounces by kind (hard, soft, blocked) and
// D365 category with how many arrived after acceptance, complaints and auto-replies, and the people who
// unsubscribed by what they used. Counted from the send's outcome rows and consent events (a send has as
// many as it had bounces and unsubscribes), not from its counters: the counters hold the totals the
// insights show; this says what they are made of.
import { AppError } from '../../lib/errors.ts';
import { unsubscribeSourcesOfSend } from '../../lists/consent-store.ts';
import type { Db } from '../../storage/schema.ts';
import { outcomeCountsOfSend } from '../bounces/store.ts';
import { findSendForInsights } from '../engagement/store.ts';

export interface OutcomeBreakdown {
  /** hard_bounce, soft_bounce, blocked, complaint, auto_reply by category, largest first. */
  outcomes: { kind: string; category: string; count: number; late: number }[];
  /** unsubscribe_link, subscription_center, … : each person once per source. */
  unsubscribes: { source: string; count: number }[];
}

export async function getOutcomeBreakdown(db: Db, sendId: string): Promise<OutcomeBreakdown> {
  if (!(await findSendForInsights(db, sendId)))
    throw new AppError('not_found', `No send with id "${sendId}".`);
  const [outcomes, unsubscribes] = await Promise.all([
    outcomeCountsOfSend(db, sendId),
    unsubscribeSourcesOfSend(db, sendId),
  ]);
  const largestFirst = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return { outcomes: outcomes.sort(largestFirst), unsubscribes: unsubscribes.sort(largestFirst) };
}
