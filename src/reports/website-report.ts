// The website report: traffic, visitors, engagement and sources for a date range (UTC days).
import type { Kysely } from 'kysely';
import { AppError } from '../lib/errors.ts';
import { DAY_MS, isIsoDay } from '../lib/time.ts';
import type { Database } from '../storage/schema.ts';
import {
  countDistinctVisitors,
  mergedSketch,
  type ReportRange,
  sumDailyStats,
  topCampaigns,
  topPages,
  topReferrers,
} from './store.ts';
import { estimateCardinality } from './visitor-sketch.ts';

/** Up to this many visits in the range, unique visitors are counted exactly; beyond, estimated (±1.6 %). */
export const EXACT_UNIQUE_VISITS_LIMIT = 200_000;
const MAX_RANGE_DAYS = 731;

export interface ReportQuery {
  websiteId: string;
  from: string;
  to: string;
  includeBots: boolean;
  limit: number;
}

const ratio = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : 0);
const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function checkRange(from: string, to: string): { fromMs: number; toMs: number } {
  if (!isIsoDay(from) || !isIsoDay(to))
    throw new AppError('bad_request', '"from" and "to" must be dates like 2026-01-31.');
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const toMs = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
  if (toMs <= fromMs) throw new AppError('bad_request', '"to" must not be before "from".');
  if ((toMs - fromMs) / DAY_MS > MAX_RANGE_DAYS) {
    throw new AppError('bad_request', `A report covers at most ${MAX_RANGE_DAYS} days.`);
  }
  return { fromMs, toMs };
}

export async function websiteReport(db: Kysely<Database>, query: ReportQuery) {
  const { fromMs, toMs } = checkRange(query.from, query.to);
  const range: ReportRange = {
    websiteId: query.websiteId,
    fromDay: query.from,
    toDay: query.to,
    includeBots: query.includeBots,
  };
  const [totals, pages, referrers, campaigns] = await Promise.all([
    sumDailyStats(db, range),
    topPages(db, range, query.limit),
    topReferrers(db, range, query.limit),
    topCampaigns(db, range, query.limit),
  ]);

  let uniqueVisitors: number;
  let identifiedVisitors: number;
  let method: 'exact' | 'estimate';
  if (totals.visits <= EXACT_UNIQUE_VISITS_LIMIT) {
    const counted = await countDistinctVisitors(db, range, fromMs, toMs);
    uniqueVisitors = counted.visitors;
    identifiedVisitors = counted.identified;
    method = 'exact';
  } else {
    const [all, identified] = await Promise.all([
      mergedSketch(db, range, 'all'),
      mergedSketch(db, range, 'identified'),
    ]);
    uniqueVisitors = estimateCardinality(all);
    identifiedVisitors = Math.min(uniqueVisitors, estimateCardinality(identified));
    method = 'estimate';
  }

  return {
    websiteId: query.websiteId,
    from: query.from,
    to: query.to,
    timezone: 'UTC',
    includesBots: query.includeBots,
    pageviews: totals.pageviews,
    anonymousPageviews: totals.anonymousPageviews,
    visits: totals.visits,
    uniqueVisitors,
    identifiedVisitors,
    anonymousVisitors: uniqueVisitors - identifiedVisitors,
    uniqueVisitorsMethod: method,
    bounceRate: ratio(totals.bounces, totals.visits),
    averageEngagedSeconds: seconds(totals.pageviews > 0 ? totals.engagedMs / totals.pageviews : 0),
    topPages: pages.map((p) => ({
      path: p.path,
      pageviews: p.pageviews,
      engagedSeconds: seconds(p.engagedMs),
      averageEngagedSeconds: seconds(p.pageviews > 0 ? p.engagedMs / p.pageviews : 0),
    })),
    referrers,
    campaigns,
  };
}
