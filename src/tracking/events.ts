// The tracking events that reach the writer, after the route validated them and applied consent.
import type { Attribution } from './attribution.ts';
import type { BotReason } from './bot-rules.ts';

interface EventBase {
  websiteId: string;
  eventId: string;
  /** Server time the request arrived: visits and daily buckets never trust the browser's clock. */
  receivedAt: number;
  /** No identifiers may be read or stored (consent not given, or GPC). */
  anonymous: boolean;
  /** Visitor id from the tracking-host cookie (third-party) or the proxied first-party cookie. */
  cookieVisitorId: string | null;
  /** Visitor id from the script's first-party mirror cookie. */
  mirrorVisitorId: string | null;
  bot: BotReason | null;
  visitTimeoutMinutes: number;
}

export interface PageviewEvent extends EventBase {
  kind: 'pageview';
  url: string;
  title: string | null;
  referrer: string | null;
  attribution: Attribution;
}

export interface EngagementEvent extends EventBase {
  kind: 'engagement';
  pageviewEventId: string;
  /** Cumulative engaged milliseconds of that page view, as the script measured it. */
  engagedMs: number;
}

export type TrackingEvent = PageviewEvent | EngagementEvent;

export interface IngestOutcome {
  visitorId: string | null;
  visitId: string | null;
}
