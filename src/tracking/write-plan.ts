// The rows one batch of tracking events writes: new rows, increments, and the report rollups' deltas.
import type {
  DailyCampaignsTable,
  DailyEntryPagesTable,
  DailyPagesTable,
  DailyReferrersTable,
  DailyStatsTable,
  DailyVisitorSketchTable,
  PageviewsTable,
  VisitorsTable,
  VisitsTable,
} from '../storage/schema.ts';

export interface WritePlan {
  newVisitors: VisitorsTable[];
  newAliases: { alias_id: string; visitor_id: string }[];
  touchedVisitors: Set<string>;
  newVisits: VisitsTable[];
  /** Increments for visits stored before this batch. */
  visitIncrements: Map<string, { pageviews: number; engagedMs: number; lastSeenAt: number }>;
  newPageviews: PageviewsTable[];
  /** New engaged totals for page views stored before this batch. */
  pageviewEngaged: Map<string, { websiteId: string; eventId: string; engagedMs: number; occurredAt: number }>;
  /** Rollup deltas, one row per key, added to the stored rows on write. */
  dailyStats: Map<string, DailyStatsTable>;
  dailyPages: Map<string, DailyPagesTable>;
  dailyReferrers: Map<string, DailyReferrersTable>;
  dailyCampaigns: Map<string, DailyCampaignsTable>;
  dailyEntryPages: Map<string, DailyEntryPagesTable>;
  /** Sketch registers, kept at their maximum. */
  sketch: Map<string, DailyVisitorSketchTable>;
}

export function emptyPlan(): WritePlan {
  return {
    newVisitors: [],
    newAliases: [],
    touchedVisitors: new Set(),
    newVisits: [],
    visitIncrements: new Map(),
    newPageviews: [],
    pageviewEngaged: new Map(),
    dailyStats: new Map(),
    dailyPages: new Map(),
    dailyReferrers: new Map(),
    dailyCampaigns: new Map(),
    dailyEntryPages: new Map(),
    sketch: new Map(),
  };
}

// Keys are built with template strings: these run for every event, and join() over a fresh array cost more.
function rowFor<Row>(map: Map<string, Row>, k: string, make: () => Row): Row {
  let row = map.get(k);
  if (!row) {
    row = make();
    map.set(k, row);
  }
  return row;
}

export const statsDelta = (plan: WritePlan, website_id: string, day: string, bot: number) =>
  rowFor(plan.dailyStats, `${website_id}|${day}|${bot}`, () => ({
    website_id,
    day,
    bot,
    pageviews: 0,
    anonymous_pageviews: 0,
    visits: 0,
    bounces: 0,
    engaged_ms: 0,
  }));

export const pageDelta = (plan: WritePlan, website_id: string, day: string, bot: number, path: string) =>
  rowFor(plan.dailyPages, `${website_id}|${day}|${bot}|${path}`, () => ({
    website_id,
    day,
    bot,
    path,
    pageviews: 0,
    engaged_ms: 0,
  }));

export const referrerDelta = (plan: WritePlan, website_id: string, day: string, bot: number, host: string) =>
  rowFor(plan.dailyReferrers, `${website_id}|${day}|${bot}|${host}`, () => ({
    website_id,
    day,
    bot,
    referrer_host: host,
    ...noVisits(),
  }));

export const campaignDelta = (
  plan: WritePlan,
  website_id: string,
  day: string,
  bot: number,
  utm_source: string,
  utm_medium: string,
  utm_campaign: string,
) =>
  rowFor(
    plan.dailyCampaigns,
    `${website_id}|${day}|${bot}|${utm_source}|${utm_medium}|${utm_campaign}`,
    () => ({
      website_id,
      day,
      bot,
      utm_source,
      utm_medium,
      utm_campaign,
      ...noVisits(),
    }),
  );

export const entryPageDelta = (plan: WritePlan, website_id: string, day: string, bot: number, path: string) =>
  rowFor(plan.dailyEntryPages, `${website_id}|${day}|${bot}|${path}`, () => ({
    website_id,
    day,
    bot,
    entry_path: path,
    ...noVisits(),
  }));

/** The figures every per-dimension visit rollup keeps (daily_entry_pages, daily_referrers, daily_campaigns). */
export interface VisitFigures {
  visits: number;
  bounces: number;
  pageviews: number;
  engaged_ms: number;
}

const noVisits = (): VisitFigures => ({ visits: 0, bounces: 0, pageviews: 0, engaged_ms: 0 });

export function raiseSketch(
  plan: WritePlan,
  website_id: string,
  day: string,
  bot: number,
  kind: string,
  reg: number,
  rho: number,
): void {
  const row = rowFor(plan.sketch, `${website_id}|${day}|${bot}|${kind}|${reg}`, () => ({
    website_id,
    day,
    bot,
    kind,
    reg,
    rho,
  }));
  if (rho > row.rho) row.rho = rho;
}
