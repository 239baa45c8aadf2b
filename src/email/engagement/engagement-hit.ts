// What one request to an email endpoint hands the writer (a hit), and what it gets back.
import type { NetworkLabel } from './machine-ranges.ts';

export type HitKind = 'open' | 'click' | 'unsubscribe';

export interface EngagementHit {
  kind: HitKind;
  sendId: string;
  contactId: string;
  /** Keyed hash of (send, contact): counts the recipient without naming them. */
  recipientKey: string;
  /** The clicked link's position; 0 for opens and unsubscribes. */
  position: number;
  /** The click was on the hidden honeypot link. */
  honeypot: boolean;
  method: string;
  userAgent: string | null;
  network: NetworkLabel | null;
  /** Keyed hash of the client address (the address itself is never kept). */
  sourceHash: string;
  /** The visitor cookie the browser sent to the tracking host, if any. */
  visitorCookie: string | null;
  at: number;
  /**
   * Unsubscribe only: the lists to leave when not all the send's lists (the subscription center), and
   * what the consent events say made the change and in which wording (default: the unsubscribe link).
   */
  unsubscribe?: { listIds?: string[]; source: string; wordingVersion: string | null };
}

export interface HitOutcome {
  /** False when the send or recipient is not (or no longer) known: nothing was written. */
  recorded: boolean;
  machine: boolean;
  reason: string | null;
  /** A person's click with tracking consent: the browser's visitor id, to set as the visitor cookie. */
  visitorId: string | null;
  /** Unsubscribe: how many list memberships it ended. */
  unsubscribed: number;
}
