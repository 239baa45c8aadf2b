// Names of the per-send counters kept up as recipients are processed and events arrive; insights read
// them instead of scanning recipients or events, so a 1,000,000-recipient send answers at once.
//
// The PRODUCT.md definitions hold over them: recipients = memberships found on the lists;
// sent = recipients − duplicates − blocked (every recipient whose outcome is final and not blocked:
// accepted, bounced or unconfirmed); delivered = sent − hard − soft bounces.
import type { BlockReason } from '../../storage/schema.ts';

export type Audience = 'human' | 'machine';

export const COUNTER = {
  recipients: 'recipients',
  duplicates: 'duplicates',
  blocked: (reason: BlockReason) => `blocked:${reason}`,
  /** Final, not blocked: accepted by the SMTP server, bounced (hard or soft) or unconfirmed. */
  sent: 'sent',
  /** Accepted by the SMTP server. */
  accepted: 'accepted',
  hardBounces: 'hard_bounce',
  softBounces: 'soft_bounce',
  /** Handed to SMTP when a crash interrupted; not sent again so no one gets two copies. */
  unconfirmed: 'unconfirmed',
  /** Temporary refusals that will be retried (not final; not part of the PRODUCT formulas). */
  deferrals: 'deferral',
  /** Refusals for a reason that is not the recipient's (relay, sender, policy, content); never suppress. */
  policyRefusals: 'policy_refusal',
  opens: (who: Audience) => `open:${who}`,
  uniqueOpens: (who: Audience) => `unique_open:${who}`,
  clicks: (who: Audience) => `click:${who}`,
  uniqueClicks: (who: Audience) => `unique_click:${who}`,
  linkClicks: (position: number, who: Audience) => `link:${position}:click:${who}`,
  linkUniqueClicks: (position: number, who: Audience) => `link:${position}:unique_click:${who}`,
  unsubscribes: 'unsubscribe',
} as const;
