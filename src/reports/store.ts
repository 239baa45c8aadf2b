// Storage reads for website reports and the overview: sums over the daily rollups, the visitor sketches,
// the visits table for exact uniques, and the page views of the last minutes (by index) for realtime.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../storage/schema.ts';

export interface ReportRange {
  /** One website for its report; every website for the overview. Never empty (callers check). */
  websiteIds: readonly string[];
  fromDay: string;
  toDay: string;
  includeBots: boolean;
}

/** Visit figures as every rollup keyed by a visit's dimension keeps them (migration 013, report dimensions). */
export interface VisitSums {
  visits: number;
  bounces: number;
  pageviews: number;
  engagedMs: number;
}

export interface DayTotals extends VisitSums {
  day: string;
  anonymousPageviews: number;
}

/** A row that filters the whole report: a page, an entry page, a referrer host or a campaign. */
export type ReportFilter =
  | { kind: 'page'; path: string }
  | { kind: 'entry'; path: string }
  | { kind: 'referrer'; host: string }
  | { kind: 'campaign'; source: string; medium: string; campaign: string };

const botValues = (range: ReportRange) => (range.includeBots ? [0, 1] : [0]);
const num = (value: unknown) => Number(value ?? 0);

/** Rollup rows of the range: the website(s), the days, bots or not. */
function inRange<T extends keyof Database & `daily_${string}`>(
  db: Kysely<Database>,
  table: T,
  range: ReportRange,
) {
  return db
    .selectFrom(table as 'daily_stats')
    .where('website_id', 'in', [...range.websiteIds])
    .where('day', '>=', range.fromDay)
    .where('day', '<=', range.toDay)
    .where('bot', 'in', botValues(range));
}

/** daily_stats per day (days without traffic are absent). */
export async function dailyTotals(db: Kysely<Database>, range: ReportRange): Promise<DayTotals[]> {
  const rows = await inRange(db, 'daily_stats', range)
    .select((eb) => [
      'day',
      eb.fn.sum<number>('pageviews').as('pageviews'),
      eb.fn.sum<number>('anonymous_pageviews').as('anonymous_pageviews'),
      eb.fn.sum<number>('visits').as('visits'),
      eb.fn.sum<number>('bounces').as('bounces'),
      eb.fn.sum<number>('engaged_ms').as('engaged_ms'),
    ])
    .groupBy('day')
    .orderBy('day')
    .execute();
  return rows.map((r) => ({
    day: r.day,
    pageviews: num(r.pageviews),
    anonymousPageviews: num(r.anonymous_pageviews),
    visits: num(r.visits),
    bounces: num(r.bounces),
    engagedMs: num(r.engaged_ms),
  }));
}

/** Per day, the figures of the visits a filter keeps (a page filter: its page views and engaged time only). */
export async function dailyFiltered(
  db: Kysely<Database>,
  range: ReportRange,
  filter: ReportFilter,
): Promise<(VisitSums & { day: string })[]> {
  if (filter.kind === 'page') {
    const rows = await inRange(db, 'daily_pages', range)
      .where(sql.ref('path'), '=', filter.path)
      .select((eb) => [
        'day',
        eb.fn.sum<number>('pageviews').as('pageviews'),
        eb.fn.sum<number>('engaged_ms').as('engaged_ms'),
      ])
      .groupBy('day')
      .orderBy('day')
      .execute();
    return rows.map((r) => ({
      day: r.day,
      visits: 0,
      bounces: 0,
      pageviews: num(r.pageviews),
      engagedMs: num(r.engaged_ms),
    }));
  }
  const base =
    filter.kind === 'entry'
      ? inRange(db, 'daily_entry_pages', range).where(sql.ref('entry_path'), '=', filter.path)
      : filter.kind === 'referrer'
        ? inRange(db, 'daily_referrers', range).where(sql.ref('referrer_host'), '=', filter.host)
        : inRange(db, 'daily_campaigns', range)
            .where(sql.ref('utm_source'), '=', filter.source)
            .where(sql.ref('utm_medium'), '=', filter.medium)
            .where(sql.ref('utm_campaign'), '=', filter.campaign);
  const rows = await base
    .select(['day', ...visitSumColumns()])
    .groupBy('day')
    .orderBy('day')
    .execute();
  return rows.map((r) => ({ day: r.day, ...visitSumsOf(r) }));
}

function visitSumColumns() {
  return [
    sql<number>`sum(visits)`.as('visits'),
    sql<number>`sum(bounces)`.as('bounces'),
    sql<number>`sum(pageviews)`.as('pageviews'),
    sql<number>`sum(engaged_ms)`.as('engaged_ms'),
  ];
}

function visitSumsOf(r: { visits: unknown; bounces: unknown; pageviews: unknown; engaged_ms: unknown }) {
  return {
    visits: num(r.visits),
    bounces: num(r.bounces),
    pageviews: num(r.pageviews),
    engagedMs: num(r.engaged_ms),
  };
}

export async function topPages(db: Kysely<Database>, range: ReportRange, limit: number, path?: string) {
  let query = inRange(db, 'daily_pages', range);
  if (path !== undefined) query = query.where(sql.ref('path'), '=', path);
  const rows = await query
    .select([
      sql<string>`path`.as('path'),
      sql<number>`sum(pageviews)`.as('pageviews'),
      sql<number>`sum(engaged_ms)`.as('engaged_ms'),
    ])
    .groupBy(sql.ref('path'))
    .orderBy('pageviews', 'desc')
    .orderBy('path')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ path: r.path, pageviews: num(r.pageviews), engagedMs: num(r.engaged_ms) }));
}

export async function topEntryPages(db: Kysely<Database>, range: ReportRange, limit: number, path?: string) {
  let query = inRange(db, 'daily_entry_pages', range);
  if (path !== undefined) query = query.where(sql.ref('entry_path'), '=', path);
  const rows = await query
    .select([sql<string>`entry_path`.as('entry_path'), ...visitSumColumns()])
    .groupBy(sql.ref('entry_path'))
    .orderBy('visits', 'desc')
    .orderBy('entry_path')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ path: r.entry_path, ...visitSumsOf(r) }));
}

export async function topReferrers(db: Kysely<Database>, range: ReportRange, limit: number, host?: string) {
  let query = inRange(db, 'daily_referrers', range);
  if (host !== undefined) query = query.where(sql.ref('referrer_host'), '=', host);
  const rows = await query
    .select([sql<string>`referrer_host`.as('referrer_host'), ...visitSumColumns()])
    .groupBy(sql.ref('referrer_host'))
    .orderBy('visits', 'desc')
    .orderBy('referrer_host')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ host: r.referrer_host, ...visitSumsOf(r) }));
}

export async function topCampaigns(
  db: Kysely<Database>,
  range: ReportRange,
  limit: number,
  only?: { source: string; medium: string; campaign: string },
) {
  let query = inRange(db, 'daily_campaigns', range);
  if (only)
    query = query
      .where(sql.ref('utm_source'), '=', only.source)
      .where(sql.ref('utm_medium'), '=', only.medium)
      .where(sql.ref('utm_campaign'), '=', only.campaign);
  const rows = await query
    .select([
      sql<string>`utm_source`.as('utm_source'),
      sql<string>`utm_medium`.as('utm_medium'),
      sql<string>`utm_campaign`.as('utm_campaign'),
      ...visitSumColumns(),
    ])
    .groupBy([sql.ref('utm_source'), sql.ref('utm_medium'), sql.ref('utm_campaign')])
    .orderBy('visits', 'desc')
    .orderBy('utm_campaign')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    source: r.utm_source || null,
    medium: r.utm_medium || null,
    campaign: r.utm_campaign || null,
    ...visitSumsOf(r),
  }));
}

/** Exact distinct visitors (all, and identified) of the visits that started in [fromMs, toMs). */
export async function countDistinctVisitors(
  db: Kysely<Database>,
  range: ReportRange,
  fromMs: number,
  toMs: number,
) {
  const row = await visitsInRange(db, range, fromMs, toMs)
    .select([
      sql<number>`count(distinct visitor_id)`.as('visitors'),
      sql<number>`count(distinct case when identified = 1 then visitor_id end)`.as('identified'),
    ])
    .executeTakeFirstOrThrow();
  return { visitors: num(row.visitors), identified: num(row.identified) };
}

/** Exact distinct visitors per UTC day of the visits' start (day number = epoch ms ÷ 86 400 000). */
export async function countDistinctVisitorsByDay(
  db: Kysely<Database>,
  range: ReportRange,
  fromMs: number,
  toMs: number,
) {
  const dayNumber = sql<number>`started_at / 86400000`;
  const rows = await visitsInRange(db, range, fromMs, toMs)
    .select([dayNumber.as('day_number'), sql<number>`count(distinct visitor_id)`.as('visitors')])
    .groupBy(dayNumber)
    .execute();
  return rows.map((r) => ({ dayNumber: Math.floor(num(r.day_number)), visitors: num(r.visitors) }));
}

// The covering index visits_by_website_time (website_id, started_at, bot, visitor_id, identified) answers these.
function visitsInRange(db: Kysely<Database>, range: ReportRange, fromMs: number, toMs: number) {
  return db
    .selectFrom('visits')
    .where('website_id', 'in', [...range.websiteIds])
    .where('started_at', '>=', fromMs)
    .where('started_at', '<', toMs)
    .where('bot', 'in', botValues(range));
}

/** The sketch registers of the range (its websites, days and bot flags) for one kind ('all' or 'identified'). */
export async function sketchRows(db: Kysely<Database>, range: ReportRange, kind: string) {
  const rows = await inRange(db, 'daily_visitor_sketch', range)
    .where(sql.ref('kind'), '=', kind)
    .select([
      sql<string>`website_id`.as('website_id'),
      'day',
      'bot',
      sql<number>`reg`.as('reg'),
      sql<number>`rho`.as('rho'),
    ])
    .execute();
  return rows.map((r) => ({
    websiteId: r.website_id,
    day: r.day,
    bot: num(r.bot),
    reg: num(r.reg),
    rho: num(r.rho),
  }));
}

/**
 * Page views of the last minutes: distinct visitors, page views, and page views recorded without a
 * visitor (anonymous: no visit). Read through pageviews_by_time (occurred_at; a BRIN on PostgreSQL), so
 * only the window's rows are touched, however large the table; a page view's visitor is its visit's.
 */
export async function recentActivity(db: Kysely<Database>, websiteIds: readonly string[], sinceMs: number) {
  const row = await db
    .selectFrom('pageviews')
    .leftJoin('visits', 'visits.id', 'pageviews.visit_id')
    // Narrowed by time alone: through the primary key's website_id SQLite (no statistics) would read every
    // page view of the website; an expression keeps both engines off it.
    .where(sql<string>`pageviews.website_id || ''`, 'in', [...websiteIds])
    .where('pageviews.occurred_at', '>=', sinceMs)
    .where('pageviews.bot', '=', 0)
    .select([
      sql<number>`count(distinct visits.visitor_id)`.as('visitors'),
      sql<number>`count(*)`.as('pageviews'),
      sql<number>`sum(case when pageviews.visit_id is null then 1 else 0 end)`.as('anonymous'),
    ])
    .executeTakeFirstOrThrow();
  return {
    visitors: num(row.visitors),
    pageviews: num(row.pageviews),
    anonymousPageviews: num(row.anonymous),
  };
}
