// A form's figures for a period, from its daily counters: views, submissions, the conversion rate
// (submissions per view) and the contacts its submissions created or updated, with every day in the period.
import { AppError } from '../lib/errors.ts';
import { DAY_MS, isIsoDay, utcDay } from '../lib/time.ts';
import type { Db } from '../storage/schema.ts';
import { formCountsBetween } from './counts-store.ts';
import { findForm } from './store.ts';

export interface FormDay {
  day: string;
  views: number;
  submissions: number;
  created: number;
  updated: number;
}

export interface FormFigures {
  formId: string;
  from: string;
  to: string;
  views: number;
  submissions: number;
  /** Submissions per view in the period; null without views. */
  conversionRate: number | null;
  /** Contacts the period's processed submissions created, and those they updated. */
  contactsCreated: number;
  contactsUpdated: number;
  /** Every day of the period, oldest first (days without counts are zeros). */
  days: FormDay[];
}

export const MAX_FIGURE_DAYS = 400;

/** The days of [from, to] (UTC, inclusive); throws bad_request for a range a person could not mean. */
export function daysOf(from: string, to: string): string[] {
  if (!isIsoDay(from) || !isIsoDay(to))
    throw new AppError('bad_request', '"from" and "to" must be dates like 2026-01-31.');
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (end < start) throw new AppError('bad_request', '"to" must not be before "from".');
  if ((end - start) / DAY_MS + 1 > MAX_FIGURE_DAYS)
    throw new AppError('bad_request', `A period has at most ${MAX_FIGURE_DAYS} days.`);
  const days: string[] = [];
  for (let at = start; at <= end; at += DAY_MS) days.push(utcDay(at));
  return days;
}

/** Submissions per view; null without views (a rate of nothing is no rate). */
export function conversionRate(views: number, submissions: number): number | null {
  return views > 0 ? submissions / views : null;
}

export async function formFigures(db: Db, formId: string, from: string, to: string): Promise<FormFigures> {
  const days = daysOf(from, to);
  if (!(await findForm(db, formId))) throw new AppError('not_found', `No form with id "${formId}".`);
  const counted = new Map((await formCountsBetween(db, formId, from, to)).map((d) => [d.day, d]));
  const series = days.map(
    (day) => counted.get(day) ?? { day, views: 0, submissions: 0, created: 0, updated: 0 },
  );
  const sum = (key: keyof Omit<FormDay, 'day'>) => series.reduce((total, d) => total + d[key], 0);
  return {
    formId,
    from,
    to,
    views: sum('views'),
    submissions: sum('submissions'),
    conversionRate: conversionRate(sum('views'), sum('submissions')),
    contactsCreated: sum('created'),
    contactsUpdated: sum('updated'),
    days: series,
  };
}
