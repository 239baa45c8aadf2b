// Records one outcome after sending (a bounce, a complaint, an auto-reply), whichever way it came (SMTP
// time, a DSN, an ARF report, a webhook): once per send × contact × kind, into the interaction feed,
// onto the recipient and the send's counters (a late bounce: delivered goes down, bounces up), and onto
// the suppression list by the graduated rules. Runs inside the caller's transaction.
import type { BounceConfig } from '../../config.ts';
import { newId } from '../../lib/ids.ts';
import { membershipsOf, unsubscribeFromLists } from '../../lists/store.ts';
import { recordInteraction } from '../../platform/interactions/store.ts';
import type { Db, OutcomeKind, OutcomeSource } from '../../storage/schema.ts';
import { COUNTER, domainFigureOf, domainOf } from '../counters/counter-names.ts';
import { addToCounters } from '../counters/store.ts';
import { bounceListingsOf, currentSuppression, listAddress } from '../suppression/store.ts';
import {
  decideSuppression,
  type SendState,
  type SuppressionDecision,
} from '../suppression/suppression-rules.ts';
import { OUTCOME_SOURCE } from './outcome-interactions.ts';
import { recipientChangeFor } from './outcome-rules.ts';
import { changeRecipientStatus, insertOutcome, outcomesFor, recentSendsTo, recipientFor } from './store.ts';

export interface OutcomeInput {
  sendId: string;
  contactId: string;
  kind: OutcomeKind;
  category: string;
  status: string | null;
  detail: string | null;
  source: OutcomeSource;
  reportId: string | null;
  occurredAt: number;
}

export type OutcomeResult =
  | { recorded: true; outcomeId: string; suppression: SuppressionDecision | null }
  /** The same send × contact × kind was recorded before: nothing changes. */
  | { recorded: false; why: 'duplicate' }
  /** No such recipient, or one never sent to (blocked): nothing changes. */
  | { recorded: false; why: 'unmatched' }
  /** The recipient is being sent to right now: its SMTP outcome is not recorded yet; try again later. */
  | { recorded: false; why: 'in_flight' };

export async function recordOutcome(
  db: Db,
  input: OutcomeInput,
  policy: Pick<BounceConfig, 'softLimit' | 'softWindow'>,
  now = Date.now(),
): Promise<OutcomeResult> {
  const recipient = await recipientFor(db, input.sendId, input.contactId);
  if (!recipient || recipient.status === 'blocked') return { recorded: false, why: 'unmatched' };
  if (recipient.status === 'pending' || recipient.status === 'sending')
    return { recorded: false, why: 'in_flight' };
  const emailMatch = recipient.email?.trim().toLowerCase() || null;
  const outcomeId = newId();
  const inserted = await insertOutcome(db, {
    id: outcomeId,
    send_id: input.sendId,
    contact_id: input.contactId,
    email_match: emailMatch,
    kind: input.kind,
    category: input.category,
    status: input.status,
    detail: input.detail?.slice(0, 1000) ?? null,
    source: input.source,
    report_id: input.reportId,
    occurred_at: input.occurredAt,
  });
  if (!inserted) return { recorded: false, why: 'duplicate' };
  await recordInteraction(db, OUTCOME_SOURCE, outcomeId);

  // SMTP-time outcomes were put on the recipient and counted by the send worker already.
  if (input.source !== 'smtp') {
    const change = recipientChangeFor(recipient.status, input.kind);
    const moved =
      change.status === null ||
      (await changeRecipientStatus(db, input, recipient.status, change.status, input.detail));
    if (moved) {
      const counters = new Map<string, number>();
      const domain = domainOf(recipient.email);
      for (const [name, delta] of change.counters) {
        counters.set(name, (counters.get(name) ?? 0) + delta);
        const figure = domain ? domainFigureOf(name) : undefined;
        if (figure) counters.set(COUNTER.domain(domain as string, figure), delta);
      }
      await addToCounters(db, input.sendId, counters);
    }
  }

  if (input.kind === 'complaint') {
    // A complaint unsubscribes the contact from everything, attributed to the email complained about.
    const lists = (await membershipsOf(db, input.contactId)).map((membership) => membership.list_id);
    // Its consent events say so (not the link's default source): the person never used the link.
    await unsubscribeFromLists(db, input.contactId, lists, {
      sendId: input.sendId,
      now,
      source: 'complaint',
    });
  }
  if (!emailMatch) return { recorded: true, outcomeId, suppression: null };
  const suppression = await suppressIfDue(db, input, emailMatch, policy, now);
  return { recorded: true, outcomeId, suppression };
}

async function suppressIfDue(
  db: Db,
  input: OutcomeInput,
  emailMatch: string,
  policy: Pick<BounceConfig, 'softLimit' | 'softWindow'>,
  now: number,
): Promise<SuppressionDecision> {
  const needsWindow = input.kind === 'soft_bounce';
  const [current, listingsBefore, recent] = await Promise.all([
    currentSuppression(db, emailMatch),
    bounceListingsOf(db, emailMatch),
    needsWindow ? windowOf(db, input.contactId, emailMatch, policy.softWindow) : Promise.resolve([]),
  ]);
  const decision = decideSuppression({
    kind: input.kind,
    recent,
    listingsBefore,
    current: current ? { until: current.until } : null,
    limit: policy.softLimit,
    window: policy.softWindow,
    now,
  });
  if (decision.list)
    await listAddress(db, {
      emailMatch,
      contactId: input.contactId,
      reason: decision.reason,
      category: input.category,
      sendId: input.sendId,
      detail: input.detail?.slice(0, 1000) ?? null,
      listing: decision.listing,
      until: decision.until,
      now,
    });
  return decision;
}

/** The address's last sends as the soft-bounce window sees them, newest first. */
async function windowOf(db: Db, contactId: string, emailMatch: string, size: number): Promise<SendState[]> {
  const sends = await recentSendsTo(db, contactId, emailMatch, size);
  const kinds = new Map<string, Set<string>>();
  for (const row of await outcomesFor(
    db,
    contactId,
    sends.map((send) => send.send_id),
  )) {
    const set = kinds.get(row.send_id) ?? new Set<string>();
    set.add(row.kind);
    kinds.set(row.send_id, set);
  }
  return sends.map(({ send_id, status }): SendState => {
    const recorded = kinds.get(send_id) ?? new Set<string>();
    if (recorded.has('hard_bounce')) return 'hard';
    if (recorded.has('soft_bounce')) return 'soft';
    // A policy refusal is not the address's: it neither counts nor resets.
    if (recorded.has('blocked')) return 'neutral';
    return status === 'sent' ? 'delivered' : 'neutral';
  });
}
