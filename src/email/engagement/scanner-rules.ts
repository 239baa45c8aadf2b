// Which clicks are a scanner's: security gateways (Defender Safe Links and the like) follow every link
// of an incoming email, often with a browser's user agent. Signals: the hidden honeypot link, HEAD
// requests, self-declared bots, gateway networks, a burst of several links from one source within
// seconds, and clicks within a minute of delivery. Pure. Scanner clicks are labelled, never dropped.
import type { Verdict } from './machine-open-rules.ts';
import { isBotUserAgent } from './machine-open-rules.ts';
import type { NetworkLabel } from './machine-ranges.ts';

export type ScannerReason =
  | 'honeypot'
  | 'near-honeypot'
  | 'head'
  | 'no-user-agent'
  | 'bot-user-agent'
  | 'security-gateway'
  | 'burst'
  | 'at-delivery';

/** A click this recipient made earlier on the same email. */
export interface EarlierClick {
  position: number;
  at: number;
  sourceHash: string | null;
  /** The click was on the honeypot link itself. */
  honeypot: boolean;
  machine: boolean;
}

export interface ClickSignals {
  method: string;
  userAgent: string | null;
  network: NetworkLabel | null;
  msSinceDelivery: number | null;
  /** The hidden link no person sees. */
  honeypot: boolean;
  position: number;
  at: number;
  sourceHash: string;
  earlier: readonly EarlierClick[];
}

/**
 * Gateways scan most mail 20–60 s after delivery (craft-campaign #546: median 43 s, 66 % at 20–60 s);
 * a person rarely clicks within the first minute. Measured from delivery, not from the send's start.
 */
export const CLICK_DELIVERY_WINDOW_MS = 60_000;
/** A hit on the honeypot makes the recipient's clicks this close to it a machine's (Mautic: ±10 s). */
export const HONEYPOT_WINDOW_MS = 10_000;
/** This many different links of one email from one source within BURST_WINDOW_MS is a scanner. */
export const BURST_LINKS = 3;
export const BURST_WINDOW_MS = 3_000;
/** How far back a batch must look at a recipient's events for the rules above. */
export const LOOKBACK_MS = Math.max(HONEYPOT_WINDOW_MS, BURST_WINDOW_MS);

const scanner = (reason: ScannerReason): Verdict<ScannerReason> => ({ machine: true, reason });

export function classifyClick(signals: ClickSignals): Verdict<ScannerReason> {
  const ua = signals.userAgent?.trim() ?? '';
  if (signals.honeypot) return scanner('honeypot');
  if (signals.method === 'HEAD') return scanner('head');
  if (ua === '') return scanner('no-user-agent');
  if (isBotUserAgent(ua)) return scanner('bot-user-agent');
  // Apple's and Google's ranges are proxies people browse through too (iCloud Private Relay): not for clicks.
  if (signals.network === 'security-gateway') return scanner('security-gateway');
  if (signals.earlier.some((c) => c.honeypot && Math.abs(signals.at - c.at) <= HONEYPOT_WINDOW_MS))
    return scanner('near-honeypot');
  if (burstMembers(signals.earlier, signals).length > 0) return scanner('burst');
  if (signals.msSinceDelivery !== null && signals.msSinceDelivery < CLICK_DELIVERY_WINDOW_MS)
    return scanner('at-delivery');
  return { machine: false, reason: null };
}

/**
 * The earlier clicks that form a burst with this one (same source, within the window), when together
 * they reach BURST_LINKS different links; empty when there is no burst.
 */
export function burstMembers<Click extends EarlierClick>(
  earlier: readonly Click[],
  click: { position: number; at: number; sourceHash: string },
): Click[] {
  const members = earlier.filter(
    (c) => !c.honeypot && c.sourceHash === click.sourceHash && Math.abs(click.at - c.at) <= BURST_WINDOW_MS,
  );
  const links = new Set([...members.map((c) => c.position), click.position]);
  return links.size >= BURST_LINKS ? members : [];
}

/** The earlier human clicks a honeypot hit at `at` turns into scanner clicks. */
export function nearHoneypot<Click extends EarlierClick>(earlier: readonly Click[], at: number): Click[] {
  return earlier.filter((c) => !c.honeypot && !c.machine && Math.abs(at - c.at) <= HONEYPOT_WINDOW_MS);
}
