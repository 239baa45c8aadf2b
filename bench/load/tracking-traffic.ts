// Synthetic tracking batches for benches that feed a batch store directly (thread-store-feed.ts,
// pg-batch-costs.ts): returning browsers on one website over simulated time, 700 ms apart; page views (a
// fifth from search, a seventh from a campaign) and engaged time for a third, naming a recent page view.
import type { TrackingEvent } from '../../src/tracking/events.ts';

export interface TrafficOptions {
  /** Batches to make. */
  batches: number;
  /** Events per batch. */
  batchSize: number;
  /** Browsers the events come from. */
  browsers: number;
  /** The attribution of a page view, from the tree under test (an older build's may differ). */
  attribute: (url: string, referrer: string | null) => unknown;
  /** Events made before these (a later call continues where an earlier one stopped). */
  start?: number;
}

export function trackingTraffic(options: TrafficOptions): TrackingEvent[][] {
  const { batches, batchSize, browsers, attribute } = options;
  const start = options.start ?? 0;
  const out: TrackingEvent[][] = [];
  let at = Date.UTC(2026, 10, 20, 8, 0, 0) + start * 700;
  let n = start;
  const recent: { eventId: string; visitor: string }[] = [];
  for (let b = 0; b < batches; b++) {
    const batch: TrackingEvent[] = [];
    while (batch.length < batchSize) {
      at += 700;
      const visitor = `visitor${String((n * 7919) % browsers).padStart(16, '0')}`;
      const common = {
        websiteId: 'w1',
        receivedAt: at,
        anonymous: false,
        cookieVisitorId: visitor,
        mirrorVisitorId: null,
        bot: null,
        visitTimeoutMinutes: 30,
      };
      const last = recent[n % recent.length];
      if (n % 3 === 2 && last) {
        batch.push({
          ...common,
          kind: 'engagement',
          eventId: `eng${n}`,
          pageviewEventId: last.eventId,
          cookieVisitorId: last.visitor,
          engagedMs: 1000 + (n % 9) * 500,
        } as TrackingEvent);
      } else {
        const url = `https://shop.test/p${n % 40}${n % 7 === 0 ? `?utm_source=news&utm_campaign=c${n % 3}` : ''}`;
        const referrer = n % 5 === 0 ? 'https://www.google.com/' : null;
        const eventId = `event${String(n).padStart(12, '0')}`;
        batch.push({
          ...common,
          kind: 'pageview',
          eventId,
          url,
          title: `Page ${n % 40}`,
          referrer,
          attribution: attribute(url, referrer),
        } as TrackingEvent);
        recent[n % 50] = { eventId, visitor };
      }
      n++;
    }
    out.push(batch);
  }
  return out;
}
