// Storage reads for website reports: sums over the daily rollups, and the visits table for exact uniques.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../storage/schema.ts';

export interface ReportRange {
  websiteId: string;
  fromDay: string;
  toDay: string;
  includeBots: boolean;
}

const botValues = (range: ReportRange) => (range.includeBots ? [0, 1] : [0]);

export async function sumDailyStats(db: Kysely<Database>, range: ReportRange) {
  const row = await db
    .selectFrom('daily_stats')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('pageviews'), sql<number>`0`).as('pageviews'),
      eb.fn.coalesce(eb.fn.sum<number>('anonymous_pageviews'), sql<number>`0`).as('anonymous_pageviews'),
      eb.fn.coalesce(eb.fn.sum<number>('visits'), sql<number>`0`).as('visits'),
      eb.fn.coalesce(eb.fn.sum<number>('bounces'), sql<number>`0`).as('bounces'),
      eb.fn.coalesce(eb.fn.sum<number>('engaged_ms'), sql<number>`0`).as('engaged_ms'),
    ])
    .where('website_id', '=', range.websiteId)
    .where('day', '>=', range.fromDay)
    .where('day', '<=', range.toDay)
    .where('bot', 'in', botValues(range))
    .executeTakeFirstOrThrow();
  return {
    pageviews: Number(row.pageviews),
    anonymousPageviews: Number(row.anonymous_pageviews),
    visits: Number(row.visits),
    bounces: Number(row.bounces),
    engagedMs: Number(row.engaged_ms),
  };
}

export async function topPages(db: Kysely<Database>, range: ReportRange, limit: number) {
  const rows = await db
    .selectFrom('daily_pages')
    .select((eb) => [
      'path',
      eb.fn.sum<number>('pageviews').as('pageviews'),
      eb.fn.sum<number>('engaged_ms').as('engaged_ms'),
    ])
    .where('website_id', '=', range.websiteId)
    .where('day', '>=', range.fromDay)
    .where('day', '<=', range.toDay)
    .where('bot', 'in', botValues(range))
    .groupBy('path')
    .orderBy('pageviews', 'desc')
    .orderBy('path')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ path: r.path, pageviews: Number(r.pageviews), engagedMs: Number(r.engaged_ms) }));
}

export async function topReferrers(db: Kysely<Database>, range: ReportRange, limit: number) {
  const rows = await db
    .selectFrom('daily_referrers')
    .select((eb) => ['referrer_host', eb.fn.sum<number>('visits').as('visits')])
    .where('website_id', '=', range.websiteId)
    .where('day', '>=', range.fromDay)
    .where('day', '<=', range.toDay)
    .where('bot', 'in', botValues(range))
    .groupBy('referrer_host')
    .orderBy('visits', 'desc')
    .orderBy('referrer_host')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ host: r.referrer_host, visits: Number(r.visits) }));
}

export async function topCampaigns(db: Kysely<Database>, range: ReportRange, limit: number) {
  const rows = await db
    .selectFrom('daily_campaigns')
    .select((eb) => ['utm_source', 'utm_medium', 'utm_campaign', eb.fn.sum<number>('visits').as('visits')])
    .where('website_id', '=', range.websiteId)
    .where('day', '>=', range.fromDay)
    .where('day', '<=', range.toDay)
    .where('bot', 'in', botValues(range))
    .groupBy(['utm_source', 'utm_medium', 'utm_campaign'])
    .orderBy('visits', 'desc')
    .orderBy('utm_campaign')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    source: r.utm_source || null,
    medium: r.utm_medium || null,
    campaign: r.utm_campaign || null,
    visits: Number(r.visits),
  }));
}

/** Exact distinct visitors (all, and identified) of the visits that started in [fromMs, toMs). */
export async function countDistinctVisitors(
  db: Kysely<Database>,
  range: ReportRange,
  fromMs: number,
  toMs: number,
) {
  const row = await db
    .selectFrom('visits')
    .select([
      sql<number>`count(distinct visitor_id)`.as('visitors'),
      sql<number>`count(distinct case when identified = 1 then visitor_id end)`.as('identified'),
    ])
    .where('website_id', '=', range.websiteId)
    .where('started_at', '>=', fromMs)
    .where('started_at', '<', toMs)
    .where('bot', 'in', botValues(range))
    .executeTakeFirstOrThrow();
  return { visitors: Number(row.visitors), identified: Number(row.identified) };
}

/** Per-register maxima of the visitor sketches over the range, for one kind ('all' or 'identified'). */
export async function mergedSketch(db: Kysely<Database>, range: ReportRange, kind: string) {
  const rows = await db
    .selectFrom('daily_visitor_sketch')
    .select((eb) => ['reg', eb.fn.max('rho').as('rho')])
    .where('website_id', '=', range.websiteId)
    .where('day', '>=', range.fromDay)
    .where('day', '<=', range.toDay)
    .where('bot', 'in', botValues(range))
    .where('kind', '=', kind)
    .groupBy('reg')
    .execute();
  return new Map(rows.map((r) => [Number(r.reg), Number(r.rho)]));
}
