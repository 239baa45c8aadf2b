// Synthetic traffic for the report benchmark: 30 days of page views and engaged-time updates, in
// arrival order, shaped like a small shop's site: Zipf-distributed paths, a long tail of referrers,
// UTM-tagged campaign landings, ~3 page views per visit, ~1.5 visits per visitor, a daily rhythm and
// some anonymous (no consent) traffic. Events are the real TrackingEvent type with real attribution.
import { attributePageview } from '../../src/tracking/attribution.ts';
import type { TrackingEvent } from '../../src/tracking/events.ts';
import { Random, zipfSampler } from '../lib/random.ts';

export const SITE = 'https://www.shop.example';
const DAY_MS = 86_400_000;
const SECOND = 1_000;

export interface TrafficOptions {
  websiteId: string;
  pageviews: number;
  /** First instant (a UTC midnight); traffic covers `days` whole UTC days from here. */
  startMs: number;
  days: number;
  visitTimeoutMinutes: number;
  seed: number;
}

export interface TrafficCounts {
  pageviews: number;
  anonymousPageviews: number;
  engagements: number;
  visitsStarted: number;
  visitors: number;
}

interface OpenVisit {
  visitorId: string | null;
  remaining: number;
  lastPath: string;
}

interface Pending {
  at: number;
  seq: number;
  visit: OpenVisit;
  /** Set for an engaged-time update of this page view. */
  engagement?: { eventId: string; ms: number };
}

/** Min-heap of pending events by time (then creation order, so the stream is deterministic). */
class EventHeap {
  private items: Pending[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Pending | undefined {
    return this.items[0];
  }

  private static before(a: Pending, b: Pending): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  push(item: Pending): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!EventHeap.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Pending | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && EventHeap.before(items[l]!, items[m]!)) m = l;
        if (r < items.length && EventHeap.before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

function buildPaths(count: number): string[] {
  const sections = ['products', 'blog', 'docs', 'help', 'collections'];
  const paths = ['/', '/pricing', '/about', '/contact', '/products', '/blog', '/checkout', '/cart'];
  for (let i = 0; paths.length < count; i++) paths.push(`/${sections[i % sections.length]}/item-${i}`);
  return paths;
}

function buildReferrers(count: number): string[] {
  const known = [
    'https://www.google.com/',
    'https://www.bing.com/',
    'https://duckduckgo.com/',
    'https://www.linkedin.com/',
    'https://t.co/abc',
    'https://news.ycombinator.com/',
    'https://www.reddit.com/r/shopping/',
    'https://www.facebook.com/',
    'https://l.instagram.com/',
    'https://search.yahoo.com/',
  ];
  const referrers = [...known];
  for (let i = 0; referrers.length < count; i++) referrers.push(`https://partner-${i}.example.net/links`);
  return referrers;
}

function buildCampaigns(count: number): string[] {
  const media = [
    ['newsletter', 'email'],
    ['linkedin', 'social'],
    ['google', 'cpc'],
    ['partner', 'referral'],
  ] as const;
  return Array.from({ length: count }, (_, i) => {
    const [source, medium] = media[i % media.length]!;
    return `utm_source=${source}&utm_medium=${medium}&utm_campaign=campaign-${String(i + 1).padStart(2, '0')}`;
  });
}

/** Monotone map of [0,1) onto a day with more traffic at midday (UTC) than at night. */
function dailyRhythm(fraction: number): number {
  return fraction - (0.6 * Math.sin(2 * Math.PI * fraction)) / (2 * Math.PI);
}

export class TrafficGenerator {
  readonly counts: TrafficCounts = {
    pageviews: 0,
    anonymousPageviews: 0,
    engagements: 0,
    visitsStarted: 0,
    visitors: 0,
  };
  private readonly random: Random;
  private readonly heap = new EventHeap();
  private readonly visitors: string[] = [];
  private readonly paths = buildPaths(2000);
  private readonly referrers = buildReferrers(50);
  private readonly campaigns = buildCampaigns(20);
  private readonly pathRank: () => number;
  private readonly referrerRank: () => number;
  private readonly campaignRank: () => number;
  private readonly endMs: number;
  /** Visits expected over the period; visit k starts at fraction k/expectedVisits of it. */
  private readonly expectedVisits: number;
  private seq = 0;

  constructor(private readonly options: TrafficOptions) {
    this.random = new Random(options.seed);
    this.pathRank = zipfSampler(this.paths.length, 1.1, this.random);
    this.referrerRank = zipfSampler(this.referrers.length, 1.2, this.random);
    this.campaignRank = zipfSampler(this.campaigns.length, 0.8, this.random);
    this.endMs = options.startMs + options.days * DAY_MS;
    // 3 page views per visit on average; the small margin keeps the last page views inside the period.
    this.expectedVisits = (options.pageviews / 3) * 1.005;
  }

  /** The next events in arrival order (empty when done). */
  nextBatch(size: number): TrackingEvent[] {
    const events: TrackingEvent[] = [];
    while (events.length < size) {
      const event = this.nextEvent();
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  private visitStart(k: number): number {
    const position = (k / this.expectedVisits) * this.options.days;
    const day = Math.floor(position);
    return this.options.startMs + day * DAY_MS + Math.floor(dailyRhythm(position - day) * DAY_MS);
  }

  private nextEvent(): TrackingEvent | undefined {
    const wantMore = this.counts.pageviews < this.options.pageviews;
    // Open every visit that starts before the next pending event.
    while (wantMore) {
      const start = this.visitStart(this.counts.visitsStarted);
      const next = this.heap.peek();
      if (next && next.at <= start) break;
      this.openVisit(start);
    }
    for (;;) {
      const item = this.heap.pop();
      if (!item) return undefined;
      const at = Math.min(item.at, this.endMs - 1);
      if (item.engagement) return this.engagementEvent(item, at);
      if (this.counts.pageviews < this.options.pageviews) return this.pageviewEvent(item, at);
      // Page views beyond the requested count are dropped; pending engaged time is still sent.
    }
  }

  private openVisit(at: number): void {
    this.counts.visitsStarted += 1;
    let visitorId: string | null = null;
    if (this.random.next() >= 0.05) {
      // ~1.5 visits per visitor: a third of visits come from a browser seen before.
      if (this.visitors.length > 0 && this.random.next() < 1 / 3) {
        visitorId = this.visitors[this.random.int(this.visitors.length)]!;
      } else {
        visitorId = this.random.id();
        this.visitors.push(visitorId);
        this.counts.visitors += 1;
      }
    }
    // 40 % bounce; the rest view 2 + a geometric number more (mean 7/3), so 3 per visit on average.
    let pages = 1;
    if (this.random.next() >= 0.4) {
      pages = 2;
      while (this.random.next() < 0.7) pages += 1;
    }
    this.heap.push({ at, seq: this.seq++, visit: { visitorId, remaining: pages, lastPath: '' } });
  }

  private pageviewEvent(item: Pending, at: number): TrackingEvent {
    const { visit } = item;
    const first = visit.lastPath === '';
    const path = this.paths[this.pathRank()]!;
    let url = SITE + path;
    let referrer: string | null;
    if (first) {
      const roll = this.random.next();
      referrer = roll < 0.4 ? this.referrers[this.referrerRank()]! : null;
      if (roll > 0.85) url += `?${this.campaigns[this.campaignRank()]}`;
    } else {
      referrer = SITE + visit.lastPath;
    }
    visit.lastPath = path;
    visit.remaining -= 1;
    const eventId = this.random.id();
    const anonymous = visit.visitorId === null;
    this.counts.pageviews += 1;
    if (anonymous) this.counts.anonymousPageviews += 1;

    // Next page after 10 s + ~1 min, always well inside the visit timeout.
    const gap =
      visit.remaining > 0
        ? Math.min(10 * SECOND + this.random.exponential(60 * SECOND), 20 * 60 * SECOND)
        : 0;
    if (visit.remaining > 0) this.heap.push({ at: at + Math.floor(gap), seq: this.seq++, visit });
    if (this.random.next() < 0.7) {
      const dwell =
        visit.remaining > 0
          ? gap * this.random.next()
          : Math.min(this.random.exponential(45 * SECOND), 600 * SECOND);
      const ms = Math.floor(dwell * (0.5 + this.random.next() / 2));
      this.heap.push({ at: at + Math.floor(dwell) + 1, seq: this.seq++, visit, engagement: { eventId, ms } });
    }

    return {
      kind: 'pageview',
      websiteId: this.options.websiteId,
      eventId,
      receivedAt: at,
      anonymous,
      cookieVisitorId: visit.visitorId,
      mirrorVisitorId: visit.visitorId,
      bot: null,
      visitTimeoutMinutes: this.options.visitTimeoutMinutes,
      url,
      title: path === '/' ? 'Shop' : `${path.slice(path.lastIndexOf('/') + 1)} · Shop`,
      referrer,
      attribution: attributePageview(url, referrer),
    };
  }

  private engagementEvent(item: Pending, at: number): TrackingEvent {
    const { visit, engagement } = item;
    this.counts.engagements += 1;
    return {
      kind: 'engagement',
      websiteId: this.options.websiteId,
      eventId: this.random.id(),
      receivedAt: at,
      anonymous: visit.visitorId === null,
      cookieVisitorId: visit.visitorId,
      mirrorVisitorId: visit.visitorId,
      bot: null,
      visitTimeoutMinutes: this.options.visitTimeoutMinutes,
      pageviewEventId: engagement!.eventId,
      engagedMs: engagement!.ms,
    };
  }
}
