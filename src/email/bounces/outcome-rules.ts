// What a delivery report says about a recipient: the kind of outcome (which decides suppression) and
// its category (D365's bounce categories, which say why). Pure; tested with tables.
//
// The kind comes from the one rule that decides whose fault a refusal is (src/email/bounces/smtp-refusal.ts),
// so an SMTP-time refusal and the same words in a DSN are judged alike: only a refusal of the address
// is a hard bounce; a temporary one, a full mailbox or an expired message is soft; one that is about
// the sender, the content or policy is "blocked" (not delivered, never the recipient's fault).
import type { OutcomeKind } from '../../storage/schema.ts';
import { classifyRefusal, type EnhancedStatus, enhancedStatusOf } from './smtp-refusal.ts';

/** D365's 16 bounce categories, plus what is not a bounce at all. */
export const CATEGORIES = [
  'invalid-mailbox',
  'invalid-domain',
  'inactive-mailbox',
  'full-mailbox',
  'dmarc-issues',
  'reputation-issues',
  'greylisting-issues',
  'blocklisting-issues',
  'relaying-issues',
  'routing-issues',
  'recipient-server-error',
  'connection-error',
  'policy-related',
  'message-expired',
  'suppression-list',
  'other',
  'auto-reply',
  'challenge-response',
  'complaint',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Feedback types that are a person's complaint (RFC 5965, IANA MARF registry), in ARF and ESP reports alike. */
export const COMPLAINT_FEEDBACK_TYPES: ReadonlySet<string> = new Set(['abuse', 'fraud', 'virus', 'other']);

/** The category the words of a refusal name (null when none does): for a provider's own bounce type. */
export function categoryByWords(text: string): Category | null {
  return WORDS.find(([words]) => words.test(text))?.[1] ?? null;
}

export type BounceKind = Extract<OutcomeKind, 'hard_bounce' | 'soft_bounce' | 'blocked'>;

export interface BounceVerdict {
  kind: BounceKind;
  category: Category;
  /** The enhanced status code as text (5.1.1), when there is one. */
  status: string | null;
}

/** The words a DSN's Diagnostic-Code or an SMTP reply may carry, by category (checked in this order). */
const WORDS: [RegExp, Category][] = [
  [/dmarc/i, 'dmarc-issues'],
  [
    /spamhaus|blocklist|blacklist|block list|black list|\brbl\b|\bdnsbl\b|listed (?:at|on|in|by)/i,
    'blocklisting-issues',
  ],
  [/reputation|sender score/i, 'reputation-issues'],
  [/greylist|graylist|try again later|temporarily deferred/i, 'greylisting-issues'],
  [/relay/i, 'relaying-issues'],
  [/expired|too long in queue|delivery time/i, 'message-expired'],
  [
    /mailbox (?:is )?full|over ?quota|quota|exceed(?:s|ed)? .{0,30}(?:size|storage|limit)|file too large|insufficient storage/i,
    'full-mailbox',
  ],
  [/inactive|disabled|suspended|deactivated|no longer active/i, 'inactive-mailbox'],
  [
    /connection (?:refused|timed out|reset)|connect to .* (?:refused|timed out)|lost connection|no route to host/i,
    'connection-error',
  ],
  [
    /host (?:or domain name )?not found|domain (?:not found|does not exist)|no such domain|nxdomain|name service error|no mx|null mx/i,
    'invalid-domain',
  ],
  [
    /user unknown|unknown user|no such (?:user|mailbox|recipient)|does not exist|not exist|mailbox unavailable|invalid (?:recipient|mailbox)|address rejected/i,
    'invalid-mailbox',
  ],
  [/spam|content|virus|policy|not allowed|prohibited|authenticat|spf|dkim/i, 'policy-related'],
];

function categoryByStatus(status: EnhancedStatus): Category | null {
  const { subject, detail } = status;
  if (subject === 1) {
    if (detail === 2 || detail === 10) return 'invalid-domain';
    if ([1, 3, 4, 6].includes(detail)) return 'invalid-mailbox';
    return null;
  }
  if (subject === 2) {
    if (detail === 1) return 'inactive-mailbox';
    if (detail === 2) return 'full-mailbox';
    if (detail === 3) return 'policy-related';
    return null;
  }
  if (subject === 3) return 'recipient-server-error';
  if (subject === 4) {
    if (detail === 7) return 'message-expired';
    if (detail === 1 || detail === 2) return 'connection-error';
    return 'routing-issues';
  }
  if (subject === 6) return 'policy-related';
  // 7: security or policy, told apart by the words (greylisting, DMARC, a blocklist …).
  if (subject === 7) return null;
  return null;
}

/**
 * One recipient of a DSN (RFC 3464): `action` failed (a bounce) or delayed (a warning, not a bounce);
 * `status` the Status field; `diagnostic` the Diagnostic-Code's text. Null when it is no bounce.
 */
export function classifyDsnRecipient(input: {
  action: string;
  status: string | null;
  diagnostic: string | null;
}): BounceVerdict | null {
  if (input.action.trim().toLowerCase() !== 'failed') return null;
  const status = input.status ? enhancedStatusOf(input.status) : null;
  const diagnostic = (input.diagnostic ?? '').replace(/^\s*[\w-]+\s*;\s*/, '');
  // A failed report with a 4.x.x status: the MTA kept trying until the message expired.
  if (status?.class === 4) {
    return { kind: 'soft_bounce', category: 'message-expired', status: statusText(status) };
  }
  const code = status?.class === 2 ? null : 550;
  if (code === null) return null;
  // The Status field first, then the words: classifyRefusal reads a leading status from the text.
  const text = status ? `${code} ${statusText(status)} ${diagnostic}` : `${code} ${diagnostic}`;
  return classifyText(code, text, status);
}

/** An SMTP-time refusal after the last try (or at once for an address refusal), as an outcome. */
export function classifySmtpRefusal(code: number, text: string): BounceVerdict {
  return classifyText(code, text, enhancedStatusOf(text));
}

function classifyText(code: number, text: string, status: EnhancedStatus | null): BounceVerdict {
  const refusal = classifyRefusal(code, text);
  const kind: BounceKind =
    refusal === 'address' ? 'hard_bounce' : refusal === 'temporary' ? 'soft_bounce' : 'blocked';
  const byWords = WORDS.find(([words]) => words.test(text))?.[1] ?? null;
  let category: Category =
    (kind === 'blocked' ? byWords : null) ??
    (status && status.class !== 2 ? categoryByStatus(status) : null) ??
    byWords ??
    'other';
  // A category that names the address for a refusal that is not about it would mislead: the kind wins.
  if (kind !== 'hard_bounce' && (category === 'invalid-mailbox' || category === 'invalid-domain'))
    category = kind === 'blocked' ? 'policy-related' : 'other';
  if (kind === 'hard_bounce' && !['invalid-mailbox', 'invalid-domain', 'inactive-mailbox'].includes(category))
    category = 'invalid-mailbox';
  return { kind, category, status: status ? statusText(status) : null };
}

function statusText(status: EnhancedStatus): string {
  return `${status.class}.${status.subject}.${status.detail}`;
}

/** What a late outcome does to its recipient's status and the send's counters. */
export interface RecipientChange {
  /** The recipient's new status; null = unchanged. */
  status: 'hard_bounce' | 'soft_bounce' | null;
  /** Counter deltas (src/email/counters): per-domain ones are added by the caller. */
  counters: [string, number][];
}

/**
 * `status`: the recipient's status when the outcome arrives (SMTP-time outcomes are already reflected
 * in it). A recipient the SMTP server accepted ('sent') or whose send was interrupted ('unconfirmed')
 * becomes bounced: sent stays, delivered goes down as bounces go up. A soft bounce turns hard when a
 * hard report follows. Complaints and auto-replies change no status.
 */
export function recipientChangeFor(status: string, kind: OutcomeKind): RecipientChange {
  const accepted = status === 'sent' || status === 'unconfirmed';
  switch (kind) {
    case 'hard_bounce':
      if (accepted)
        return {
          status: 'hard_bounce',
          counters: [
            ['hard_bounce', 1],
            ['late_bounce', 1],
          ],
        };
      if (status === 'soft_bounce')
        return {
          status: 'hard_bounce',
          counters: [
            ['soft_bounce', -1],
            ['hard_bounce', 1],
          ],
        };
      return { status: null, counters: [] };
    case 'soft_bounce':
    case 'blocked':
      if (!accepted) return { status: null, counters: [] };
      return {
        status: 'soft_bounce',
        counters: [
          ['soft_bounce', 1],
          ['late_bounce', 1],
          ...(kind === 'blocked' ? ([['policy_refusal', 1]] as [string, number][]) : []),
        ],
      };
    case 'complaint':
      return { status: null, counters: [['complaint', 1]] };
    case 'auto_reply':
      return { status: null, counters: [['auto_reply', 1]] };
  }
}

/**
 * The outcome of a recipient's last SMTP refusal, once the send worker has given up on them: a hard
 * bounce for a refusal of the address; after the last try, blocked for a refusal not theirs, else soft.
 */
export function smtpTimeOutcome(
  verdict: 'refused_permanently' | 'refused_temporarily' | 'refused_by_policy',
  response: string,
): BounceVerdict {
  const code = Number(
    /^\s*([245]\d\d)\b/.exec(response)?.[1] ?? (verdict === 'refused_temporarily' ? 450 : 550),
  );
  const judged = classifySmtpRefusal(code, response);
  const kind: BounceKind =
    verdict === 'refused_permanently'
      ? 'hard_bounce'
      : verdict === 'refused_by_policy'
        ? 'blocked'
        : 'soft_bounce';
  if (judged.kind === kind) return judged;
  const category: Category =
    kind === 'hard_bounce'
      ? 'invalid-mailbox'
      : kind === 'blocked'
        ? 'policy-related'
        : judged.category === 'invalid-mailbox' || judged.category === 'invalid-domain'
          ? 'other'
          : judged.category;
  return { kind, category, status: judged.status };
}
