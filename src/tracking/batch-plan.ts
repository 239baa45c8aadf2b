// Turns a batch of tracking events plus what storage already holds into the rows to write.
// Pure: no I/O, so visit grouping, dedup and rollup arithmetic are tested without a database.
import { newId } from '../lib/ids.ts';
import { DAY_MS, MINUTE_MS, utcDay } from '../lib/time.ts';
import { sketchEntry } from '../reports/visitor-sketch.ts';
import type { PageviewsTable, VisitsTable } from '../storage/schema.ts';
import { compactReferrer, compactUrl, urlOrigin } from './compact-url.ts';
import type { EngagementEvent, IngestOutcome, PageviewEvent, TrackingEvent } from './events.ts';
import { decideVisit } from './visit-rules.ts';
import {
  campaignDelta,
  emptyPlan,
  entryPageDelta,
  pageDelta,
  raiseSketch,
  referrerDelta,
  statsDelta,
  type VisitFigures,
  type WritePlan,
} from './write-plan.ts';

/** Engaged time reported beyond the time elapsed since the page view is not believed. */
const ENGAGED_CLOCK_SLACK_MS = 5_000;

/**
 * visitors.last_seen_at is moved on when a visit starts and otherwise only once it is this far behind:
 * it serves retention (days) and the contact export, and writing it on every page view dirtied one more
 * random page of the visitors table per page view.
 */
export const VISITOR_SEEN_STEP_MS = 5 * MINUTE_MS;

export interface KnownVisitor {
  contactId: string | null;
  /** As stored: decides whether this batch moves it on. */
  lastSeenAt: number;
}

export interface KnownVisit {
  id: string;
  websiteId: string;
  visitorId: string;
  startedAt: number;
  lastSeenAt: number;
  pageviews: number;
  bot: number;
  source: VisitSource;
  /** The visit's stored origin (visits.origin), which its page views' URLs leave out; null for none. */
  origin?: string | null;
}

/** Where a visit came from: the dimensions its figures are rolled up by (migration 013, report dimensions). */
export interface VisitSource {
  entryPath: string;
  referrerHost: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

export interface KnownPageview {
  websiteId: string;
  eventId: string;
  visitId: string | null;
  visitorId: string | null;
  occurredAt: number;
  path: string;
  engagedMs: number;
  bot: number;
}

/** What the store loaded for this batch. */
export interface BatchState {
  visitors: Map<string, KnownVisitor>;
  aliases: Map<string, string>;
  /** Per `${visitorId}|${websiteId}`, the visit started last, if it was seen within the batch's reach. */
  latestVisits: Map<string, KnownVisit>;
  /** Page views already stored, by `${websiteId}|${eventId}` (retries and engagement targets). */
  pageviews: Map<string, KnownPageview>;
}

export type { WritePlan } from './write-plan.ts';

/** The browser ids a batch may need from storage: cookies and mirrors of identified hits, and the visitors of page views it updates. */
export function candidateVisitorIds(
  events: readonly TrackingEvent[],
  pageviews: ReadonlyMap<string, KnownPageview>,
): Set<string> {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.anonymous) continue;
    if (e.cookieVisitorId) ids.add(e.cookieVisitorId);
    if (e.mirrorVisitorId) ids.add(e.mirrorVisitorId);
  }
  for (const pv of pageviews.values()) if (pv.visitorId) ids.add(pv.visitorId);
  return ids;
}

export interface BatchPlan {
  plan: WritePlan;
  outcomes: IngestOutcome[];
}

const key = (a: string, b: string) => `${a}|${b}`;

export function planBatch(events: readonly TrackingEvent[], state: BatchState): BatchPlan {
  // The instant writePlan stamps on the visitors it touches (the callers' `now`).
  let now = Number.NEGATIVE_INFINITY;
  for (const e of events) if (e.receivedAt > now) now = e.receivedAt;
  const planner = new Planner(state, now);
  const outcomes = events.map((event) =>
    event.kind === 'pageview' ? planner.pageview(event) : planner.engagement(event),
  );
  return { plan: planner.plan, outcomes };
}

class Planner {
  readonly plan = emptyPlan();
  private readonly newVisitsById = new Map<string, VisitsTable>();
  private readonly newPageviewsByKey = new Map<string, PageviewsTable>();
  private readonly knownVisitsById = new Map<string, KnownVisit>();
  /** The UTC day last computed: a batch's instants nearly all fall on one day (toISOString per event showed in profiles). */
  private day = { start: 0, end: 0, text: '' };

  constructor(
    private readonly state: BatchState,
    private readonly now: number,
  ) {
    for (const visit of state.latestVisits.values()) this.knownVisitsById.set(visit.id, visit);
  }

  pageview(event: PageviewEvent): IngestOutcome {
    const pvKey = key(event.websiteId, event.eventId);
    const existing = this.state.pageviews.get(pvKey);
    if (existing) return { visitorId: existing.visitorId, visitId: existing.visitId };

    const day = this.dayOf(event.receivedAt);
    const bot = event.bot ? 1 : 0;
    const stats = statsDelta(this.plan, event.websiteId, day, bot);
    stats.pageviews += 1;
    pageDelta(this.plan, event.websiteId, day, bot, event.attribution.path).pageviews += 1;

    let visitorId: string | null = null;
    let visitId: string | null = null;
    if (event.anonymous) {
      stats.anonymous_pageviews += 1;
    } else {
      visitorId = this.resolveVisitor(event);
      visitId = this.continueOrStartVisit(event, visitorId, day, bot);
    }

    const origin = visitId === null ? null : (this.knownVisitsById.get(visitId)?.origin ?? null);
    const row: PageviewsTable = {
      website_id: event.websiteId,
      event_id: event.eventId,
      visit_id: visitId,
      occurred_at: event.receivedAt,
      ...compactUrl(event.url, origin, event.attribution.path),
      path: event.attribution.path,
      title: event.title,
      ...compactReferrer(event.referrer, origin),
      engaged_ms: 0,
      bot,
      bot_reason: event.bot,
      anonymous: event.anonymous ? 1 : 0,
    };
    this.plan.newPageviews.push(row);
    this.newPageviewsByKey.set(pvKey, row);
    this.state.pageviews.set(pvKey, {
      websiteId: event.websiteId,
      eventId: event.eventId,
      visitId,
      visitorId,
      occurredAt: event.receivedAt,
      path: row.path,
      engagedMs: 0,
      bot,
    });
    return { visitorId, visitId };
  }

  engagement(event: EngagementEvent): IngestOutcome {
    const pvKey = key(event.websiteId, event.pageviewEventId);
    const target = this.state.pageviews.get(pvKey);
    // Time for a page view we never stored (lost, or from another website) has nothing to attach to.
    if (!target) return this.identifiersOf(event);

    const believable = Math.max(0, event.receivedAt - target.occurredAt + ENGAGED_CLOCK_SLACK_MS);
    const engaged = Math.min(event.engagedMs, believable);
    const delta = engaged - target.engagedMs;
    if (delta > 0) {
      target.engagedMs = engaged;
      const fresh = this.newPageviewsByKey.get(pvKey);
      if (fresh) fresh.engaged_ms = engaged;
      else
        this.plan.pageviewEngaged.set(pvKey, {
          websiteId: target.websiteId,
          eventId: target.eventId,
          engagedMs: engaged,
          occurredAt: target.occurredAt,
        });

      const day = this.dayOf(target.occurredAt);
      statsDelta(this.plan, target.websiteId, day, target.bot).engaged_ms += delta;
      pageDelta(this.plan, target.websiteId, day, target.bot, target.path).engaged_ms += delta;
      if (target.visitId) {
        this.touchVisit(target.visitId, 0, delta, event.receivedAt);
        // The visit is loaded when it is the browser's latest and still within reach: nearly always while
        // a page reports engaged time. When not, the time counts in the totals and the page's row only.
        const visit = this.knownVisitsById.get(target.visitId);
        if (visit) this.addToSources(visit, { visits: 0, bounces: 0, pageviews: 0, engaged_ms: delta });
      }
    } else if (target.visitId) {
      this.touchVisit(target.visitId, 0, 0, event.receivedAt);
    }
    return { visitorId: target.visitorId, visitId: target.visitId };
  }

  /** Engagement for an unknown page view still answers with the browser's ids so cookies stay put. */
  private identifiersOf(event: EngagementEvent): IngestOutcome {
    if (event.anonymous) return { visitorId: null, visitId: null };
    const visitorId = this.lookupVisitor(event.cookieVisitorId) ?? this.lookupVisitor(event.mirrorVisitorId);
    if (!visitorId) return { visitorId: null, visitId: null };
    const latest = this.state.latestVisits.get(key(visitorId, event.websiteId));
    return { visitorId, visitId: latest?.id ?? null };
  }

  private lookupVisitor(id: string | null): string | null {
    if (!id) return null;
    if (this.state.visitors.has(id)) return id;
    return this.state.aliases.get(id) ?? null;
  }

  /**
   * The tracking-host cookie and the first-party mirror name the same browser. Whichever is known wins
   * (the cookie first); an unknown other id becomes an alias so both keep resolving to one visitor.
   */
  private resolveVisitor(event: PageviewEvent): string {
    const fromCookie = this.lookupVisitor(event.cookieVisitorId);
    const fromMirror = this.lookupVisitor(event.mirrorVisitorId);
    let visitorId = fromCookie ?? fromMirror;
    if (!visitorId) {
      visitorId = event.cookieVisitorId ?? event.mirrorVisitorId ?? newId();
      this.state.visitors.set(visitorId, { contactId: null, lastSeenAt: event.receivedAt });
      this.plan.newVisitors.push({
        id: visitorId,
        created_at: event.receivedAt,
        last_seen_at: event.receivedAt,
        contact_id: null,
      });
    }
    for (const other of [event.cookieVisitorId, event.mirrorVisitorId]) {
      if (other && other !== visitorId && !this.lookupVisitor(other)) {
        this.state.aliases.set(other, visitorId);
        this.plan.newAliases.push({ alias_id: other, visitor_id: visitorId });
      }
    }
    return visitorId;
  }

  /** Moves visitors.last_seen_at on to `now` (as writePlan will) when a visit starts or it fell behind. */
  private seeVisitor(visitorId: string, at: number, visitStarted: boolean): void {
    const visitor = this.state.visitors.get(visitorId);
    if (!visitor || (!visitStarted && at - visitor.lastSeenAt < VISITOR_SEEN_STEP_MS)) return;
    this.plan.touchedVisitors.add(visitorId);
    if (visitor.lastSeenAt < this.now) visitor.lastSeenAt = this.now;
  }

  private continueOrStartVisit(event: PageviewEvent, visitorId: string, day: string, bot: number): string {
    const visitKey = key(visitorId, event.websiteId);
    const latest = this.state.latestVisits.get(visitKey);
    const decision = decideVisit(latest, event.receivedAt, event.visitTimeoutMinutes);
    if (decision.kind === 'continue' && latest) {
      const unbounced = latest.pageviews === 1 ? 1 : 0;
      if (unbounced)
        statsDelta(this.plan, event.websiteId, this.dayOf(latest.startedAt), latest.bot).bounces -= 1;
      this.addToSources(latest, { visits: 0, bounces: -unbounced, pageviews: 1, engaged_ms: 0 });
      latest.pageviews += 1;
      latest.lastSeenAt = Math.max(latest.lastSeenAt, event.receivedAt);
      this.touchVisit(latest.id, 1, 0, event.receivedAt);
      this.seeVisitor(visitorId, event.receivedAt, false);
      return latest.id;
    }

    const contactId = this.state.visitors.get(visitorId)?.contactId ?? null;
    const identified = contactId ? 1 : 0;
    const a = event.attribution;
    const visit: VisitsTable = {
      id: newId(),
      website_id: event.websiteId,
      visitor_id: visitorId,
      started_at: event.receivedAt,
      last_seen_at: event.receivedAt,
      pageviews: 1,
      engaged_ms: 0,
      entry_path: a.path,
      referrer: event.referrer,
      referrer_host: a.referrerHost,
      utm_source: a.utmSource,
      utm_medium: a.utmMedium,
      utm_campaign: a.utmCampaign,
      utm_term: a.utmTerm,
      utm_content: a.utmContent,
      bot,
      bot_reason: event.bot,
      identified,
      contact_id: contactId,
      origin: urlOrigin(event.url),
    };
    this.plan.newVisits.push(visit);
    this.newVisitsById.set(visit.id, visit);
    const known: KnownVisit = {
      id: visit.id,
      websiteId: event.websiteId,
      visitorId,
      startedAt: event.receivedAt,
      lastSeenAt: event.receivedAt,
      pageviews: 1,
      bot,
      source: {
        entryPath: a.path,
        referrerHost: a.referrerHost,
        utmSource: a.utmSource,
        utmMedium: a.utmMedium,
        utmCampaign: a.utmCampaign,
      },
      origin: visit.origin,
    };
    this.state.latestVisits.set(visitKey, known);
    this.knownVisitsById.set(visit.id, known);
    this.seeVisitor(visitorId, event.receivedAt, true);

    const stats = statsDelta(this.plan, event.websiteId, day, bot);
    stats.visits += 1;
    stats.bounces += 1; // a one-page visit is a bounce until its second page view
    this.addToSources(known, { visits: 1, bounces: 1, pageviews: 1, engaged_ms: 0 });
    const { reg, rho } = sketchEntry(visitorId);
    raiseSketch(this.plan, event.websiteId, day, bot, 'all', reg, rho);
    if (identified) raiseSketch(this.plan, event.websiteId, day, bot, 'identified', reg, rho);
    return visit.id;
  }

  /** Adds to the rollups of the visit's entry page, referrer and campaign, on the day the visit started. */
  private addToSources(visit: KnownVisit, figures: VisitFigures): void {
    const day = this.dayOf(visit.startedAt);
    const { websiteId, bot, source } = visit;
    const rows: VisitFigures[] = [entryPageDelta(this.plan, websiteId, day, bot, source.entryPath)];
    if (source.referrerHost) rows.push(referrerDelta(this.plan, websiteId, day, bot, source.referrerHost));
    if (source.utmSource || source.utmMedium || source.utmCampaign) {
      rows.push(
        campaignDelta(
          this.plan,
          websiteId,
          day,
          bot,
          source.utmSource ?? '',
          source.utmMedium ?? '',
          source.utmCampaign ?? '',
        ),
      );
    }
    for (const row of rows) {
      row.visits += figures.visits;
      row.bounces += figures.bounces;
      row.pageviews += figures.pageviews;
      row.engaged_ms += figures.engaged_ms;
    }
  }

  private dayOf(at: number): string {
    if (at < this.day.start || at >= this.day.end) {
      const start = Math.floor(at / DAY_MS) * DAY_MS;
      this.day = { start, end: start + DAY_MS, text: utcDay(start) };
    }
    return this.day.text;
  }

  private touchVisit(visitId: string, pageviews: number, engagedMs: number, at: number): void {
    const known = this.knownVisitsById.get(visitId);
    if (known) known.lastSeenAt = Math.max(known.lastSeenAt, at);
    const fresh = this.newVisitsById.get(visitId);
    if (fresh) {
      fresh.pageviews += pageviews;
      fresh.engaged_ms += engagedMs;
      fresh.last_seen_at = Math.max(fresh.last_seen_at, at);
      return;
    }
    const increment = this.plan.visitIncrements.get(visitId) ?? { pageviews: 0, engagedMs: 0, lastSeenAt: 0 };
    increment.pageviews += pageviews;
    increment.engagedMs += engagedMs;
    increment.lastSeenAt = Math.max(increment.lastSeenAt, at);
    this.plan.visitIncrements.set(visitId, increment);
  }
}
