// Which opens are a machine's: mail proxies that fetch every image (Apple Mail Privacy Protection,
// Google's image proxy, Yahoo's), security gateways, self-declared bots, HEAD requests and fetches in
// the first seconds after delivery. Pure. Machine opens are labelled and counted apart, never dropped.
import { isbot } from 'isbot';
import type { NetworkLabel } from './machine-ranges.ts';

export interface OpenSignals {
  method: string;
  userAgent: string | null;
  /** What the client's address is, from the shipped and configured ranges. */
  network: NetworkLabel | null;
  /** Time since the email was handed to the recipient's server; null when unknown. */
  msSinceDelivery: number | null;
}

export type OpenReason =
  | 'head'
  | 'apple-mpp'
  | 'google-image-proxy'
  | 'yahoo-proxy'
  | 'security-gateway'
  | 'proxy-range'
  | 'no-user-agent'
  | 'bot-user-agent'
  | 'at-delivery';

export interface Verdict<Reason extends string> {
  machine: boolean;
  reason: Reason | null;
}

/**
 * Opens this soon after delivery are fetches on arrival (proxies, scanners, preview panes), not a
 * person: Mautic uses 2 s; 3 s leaves room for the clock between our SMTP hand-off and the mailbox.
 */
export const OPEN_DELIVERY_WINDOW_MS = 3_000;

/** Apple's MPP proxy sends exactly this user agent, nothing more (Mailgun, SendGrid). */
const APPLE_PROXY_UA = 'Mozilla/5.0';
const GOOGLE_PROXY_UA = /GoogleImageProxy|ggpht\.com/i;
const YAHOO_PROXY_UA = /YahooMailProxy/i;

const bots = new Map<string, boolean>();
/** isbot runs one large regular expression; the same few user agents repeat, so remember verdicts. */
export function isBotUserAgent(userAgent: string): boolean {
  let verdict = bots.get(userAgent);
  if (verdict === undefined) {
    verdict = isbot(userAgent) || /HeadlessChrome|PhantomJS/i.test(userAgent);
    if (bots.size >= 5_000) bots.clear();
    bots.set(userAgent, verdict);
  }
  return verdict;
}

const machine = (reason: OpenReason): Verdict<OpenReason> => ({ machine: true, reason });

export function classifyOpen(signals: OpenSignals): Verdict<OpenReason> {
  const ua = signals.userAgent?.trim() ?? '';
  if (signals.method === 'HEAD') return machine('head');
  if (ua === APPLE_PROXY_UA || signals.network === 'apple-mpp') return machine('apple-mpp');
  if (GOOGLE_PROXY_UA.test(ua) || signals.network === 'google-image-proxy')
    return machine('google-image-proxy');
  if (YAHOO_PROXY_UA.test(ua)) return machine('yahoo-proxy');
  if (signals.network === 'security-gateway') return machine('security-gateway');
  if (signals.network === 'proxy-range') return machine('proxy-range');
  if (ua === '') return machine('no-user-agent');
  if (isBotUserAgent(ua)) return machine('bot-user-agent');
  if (signals.msSinceDelivery !== null && signals.msSinceDelivery < OPEN_DELIVERY_WINDOW_MS)
    return machine('at-delivery');
  return { machine: false, reason: null };
}
