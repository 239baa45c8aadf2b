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
  /** Complaints (ARF reports, ESP spam reports): the recipient marked the email as spam. */
  complaints: 'complaint',
  /** Auto-replies and challenges to the return path: counted apart, never bounces. */
  autoReplies: 'auto_reply',
  /** Bounces that arrived after the SMTP server had accepted the email (DSN, webhook). */
  lateBounces: 'late_bounce',
  /** Total opens or clicks in one hour (UTC), for the send's chart: one row per hour with activity. */
  hourly: (kind: HourlyKind, who: Audience, at: number) => `${HOURLY_PREFIX}${hourOf(at)}:${kind}:${who}`,
  /** A figure of the recipients at one domain (results by recipient domain). */
  domain: (domain: string, figure: DomainFigure) => `${DOMAIN_PREFIX}${domain}:${figure}`,
} as const;

export type HourlyKind = 'open' | 'click';
/**
 * Kept per domain: recipients (contacts, after duplicates), blocked, sent, bounces counted when sending
 * (deliver-send.ts); unique human opens and clicks counted as they arrive (engagement-plan.ts).
 */
export type DomainFigure =
  | 'recipients'
  | 'blocked'
  | 'sent'
  | 'hard_bounce'
  | 'soft_bounce'
  | 'unique_open:human'
  | 'unique_click:human';

/** Counters of these families are read apart (a send has many of them): readCounters leaves them out. */
export const HOURLY_PREFIX = 'at:';
export const DOMAIN_PREFIX = 'domain:';

const HOUR_MS = 3_600_000;
/** The hour an instant falls in, as hours since the epoch. */
export const hourOf = (at: number) => Math.floor(at / HOUR_MS);
export const hourStart = (hour: number) => hour * HOUR_MS;

/** The domain an address counts under (lower case); null without one. */
export function domainOf(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  const domain =
    at < 0
      ? ''
      : email
          .slice(at + 1)
          .trim()
          .toLowerCase();
  return domain === '' ? null : domain;
}

/** The counters a delivery outcome moves for the recipient's domain too (smtp-outcome.ts's names). */
const BY_DOMAIN = new Map<string, DomainFigure>([
  ['sent', 'sent'],
  ['hard_bounce', 'hard_bounce'],
  ['soft_bounce', 'soft_bounce'],
]);
export function domainFigureOf(counter: string): DomainFigure | undefined {
  return BY_DOMAIN.get(counter);
}

/** Reads a per-domain counter's name back: its domain and figure. */
export function parseDomainCounter(name: string): { domain: string; figure: string } | null {
  if (!name.startsWith(DOMAIN_PREFIX)) return null;
  const rest = name.slice(DOMAIN_PREFIX.length);
  // Figures hold at most one ':' ('unique_open:human'); domains hold none.
  const match = /^(.*?):((?:unique_open|unique_click):human|[a-z_]+)$/.exec(rest);
  return match ? { domain: match[1] as string, figure: match[2] as string } : null;
}

/** Reads an hourly counter's name back. */
export function parseHourlyCounter(name: string): { hour: number; kind: HourlyKind; who: Audience } | null {
  const match = /^at:(\d+):(open|click):(human|machine)$/.exec(name);
  if (!match) return null;
  return { hour: Number(match[1]), kind: match[2] as HourlyKind, who: match[3] as Audience };
}
