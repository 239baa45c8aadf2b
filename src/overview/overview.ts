// The overview: for a period and the one of equal length before it, every website's traffic and visitors,
// new contacts, form submissions and the email figures, all from rollups, counters and indexed counts.
import type { Kysely } from 'kysely';
import { countContactsCreatedBetween } from '../contacts/store.ts';
import { COUNTER } from '../email/counters/counter-names.ts';
import { sumCountersOfSendsCreatedBetween } from '../email/counters/store.ts';
import { countSubmissionsReceivedBetween } from '../forms/store.ts';
import { DAY_MS, MINUTE_MS, utcDay } from '../lib/time.ts';
import { dailyTotals, type ReportRange, recentActivity } from '../reports/store.ts';
import { checkRange, daysOf, uniqueVisitors } from '../reports/website-report.ts';
import type { Database } from '../storage/schema.ts';
import { listWebsites } from '../websites/store.ts';

/** Realtime counts the visitors whose page views arrived in this last stretch (as Plausible does). */
export const REALTIME_WINDOW_MINUTES = 5;

/** The period of the same length that ends the day before `from`. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const { fromMs, toMs } = checkRange(from, to);
  return { from: utcDay(fromMs - (toMs - fromMs)), to: utcDay(fromMs - DAY_MS) };
}

const EMAIL_COUNTERS = [
  COUNTER.sent,
  COUNTER.hardBounces,
  COUNTER.softBounces,
  COUNTER.uniqueOpens('human'),
  COUNTER.uniqueClicks('human'),
  COUNTER.unsubscribes,
];

async function periodFigures(db: Kysely<Database>, websiteIds: string[], from: string, to: string) {
  const { fromMs, toMs } = checkRange(from, to);
  const range: ReportRange = { websiteIds, fromDay: from, toDay: to, includeBots: false };
  const [perDay, newContacts, formSubmissions, email] = await Promise.all([
    websiteIds.length > 0 ? dailyTotals(db, range) : Promise.resolve([]),
    countContactsCreatedBetween(db, fromMs, toMs),
    countSubmissionsReceivedBetween(db, fromMs, toMs),
    sumCountersOfSendsCreatedBetween(db, fromMs, toMs, EMAIL_COUNTERS),
  ]);
  const visits = perDay.reduce((n, d) => n + d.visits, 0);
  const uniques = websiteIds.length > 0 ? await uniqueVisitors(db, range, visits, fromMs, toMs) : null;
  const byDay = new Map(perDay.map((d) => [d.day, d]));
  const n = (name: string) => email.totals.get(name) ?? 0;
  return {
    from,
    to,
    visits,
    pageviews: perDay.reduce((sum, d) => sum + d.pageviews, 0),
    uniqueVisitors: uniques?.total ?? 0,
    identifiedVisitors: uniques?.identified ?? 0,
    anonymousVisitors: uniques ? uniques.total - uniques.identified : 0,
    uniqueVisitorsMethod: uniques?.method ?? ('exact' as const),
    newContacts,
    formSubmissions,
    sends: email.sends,
    // PRODUCT.md: delivered = sent − hard − soft bounces.
    emailsDelivered: Math.max(0, n(COUNTER.sent) - n(COUNTER.hardBounces) - n(COUNTER.softBounces)),
    uniqueHumanOpens: n(COUNTER.uniqueOpens('human')),
    uniqueHumanClicks: n(COUNTER.uniqueClicks('human')),
    unsubscribes: n(COUNTER.unsubscribes),
    series: daysOf(fromMs, toMs).map((day) => ({
      day,
      visits: byDay.get(day)?.visits ?? 0,
      pageviews: byDay.get(day)?.pageviews ?? 0,
    })),
  };
}

export async function overview(db: Kysely<Database>, from: string, to: string) {
  const previous = previousPeriod(from, to);
  const websiteIds = (await listWebsites(db)).map((w) => w.id);
  const [current, before] = await Promise.all([
    periodFigures(db, websiteIds, from, to),
    periodFigures(db, websiteIds, previous.from, previous.to),
  ]);
  return { timezone: 'UTC', dataAsOf: new Date().toISOString(), current, previous: before };
}

/** Visitors of the last minutes on every website, or on one. */
export async function realtime(db: Kysely<Database>, websiteId: string | undefined, now = Date.now()) {
  const websiteIds = websiteId ? [websiteId] : (await listWebsites(db)).map((w) => w.id);
  const since = now - REALTIME_WINDOW_MINUTES * MINUTE_MS;
  const activity =
    websiteIds.length > 0
      ? await recentActivity(db, websiteIds, since)
      : { visitors: 0, pageviews: 0, anonymousPageviews: 0 };
  return {
    windowMinutes: REALTIME_WINDOW_MINUTES,
    since: new Date(since).toISOString(),
    asOf: new Date(now).toISOString(),
    ...activity,
  };
}
