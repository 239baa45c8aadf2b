// The send counters forward to a friend keeps (send_counters, beside the send's own), and the forwards
// figures of a send's insights built from them: read with the other counters, never by scanning copies.
import type { Audience } from '../counters/counter-names.ts';

export type CopyOutcome = 'sent' | 'blocked' | 'limited' | 'failed';
export type CopyKind = 'open' | 'click';

export const FORWARD_COUNTER = {
  /** Addresses entered in the form and logged as forwards. */
  logged: 'forward:logged',
  /** Recipients who forwarded the email at least once. */
  forwarders: 'forward:forwarders',
  /** What became of the copies: handed to SMTP, not sent (suppressed or unsubscribed), over the address limit, refused. */
  outcome: (outcome: CopyOutcome) => `forward:${outcome}`,
  total: (kind: CopyKind, who: Audience) => `forward:${kind}:${who}`,
  /** Copies with at least one such event. */
  unique: (kind: CopyKind, who: Audience) => `forward:unique_${kind}:${who}`,
} as const;

export interface Tallies {
  total: number;
  unique: number;
}

export interface ForwardInsights {
  /** Addresses entered and logged as forwards. */
  forwards: number;
  forwarders: number;
  copies: { sent: number; blocked: number; limited: number; failed: number; pending: number };
  opens: { human: Tallies; machine: Tallies };
  clicks: { human: Tallies; scanner: Tallies };
}

export function forwardInsightsOf(counters: ReadonlyMap<string, number>): ForwardInsights {
  const n = (name: string) => counters.get(name) ?? 0;
  const tallies = (kind: CopyKind, who: Audience): Tallies => ({
    total: n(FORWARD_COUNTER.total(kind, who)),
    unique: n(FORWARD_COUNTER.unique(kind, who)),
  });
  const forwards = n(FORWARD_COUNTER.logged);
  const copies = {
    sent: n(FORWARD_COUNTER.outcome('sent')),
    blocked: n(FORWARD_COUNTER.outcome('blocked')),
    limited: n(FORWARD_COUNTER.outcome('limited')),
    failed: n(FORWARD_COUNTER.outcome('failed')),
  };
  const settled = copies.sent + copies.blocked + copies.limited + copies.failed;
  return {
    forwards,
    forwarders: n(FORWARD_COUNTER.forwarders),
    copies: { ...copies, pending: Math.max(0, forwards - settled) },
    opens: { human: tallies('open', 'human'), machine: tallies('open', 'machine') },
    clicks: { human: tallies('click', 'human'), scanner: tallies('click', 'machine') },
  };
}
