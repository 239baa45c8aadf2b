// The reporting period, kept in the URL query (?period=7d, or ?period=custom&from=…&to=…) so a link or a
// reload shows the same figures. Days are UTC calendar days, as Spoor's reports count them. Pure.

export type PeriodPreset = 'today' | '7d' | '30d' | '90d' | '12mo' | 'custom';

export const PERIOD_PRESETS: { value: PeriodPreset; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: '12mo', label: 'Last 12 months' },
  { value: 'custom', label: 'Custom' },
];

export const DEFAULT_PRESET: PeriodPreset = '30d';

export interface Period {
  preset: PeriodPreset;
  /** First day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to: string;
  /** Number of days in it. */
  days: number;
  /** The period of the same length just before it, for comparisons. */
  previous: { from: string; to: string };
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isDate(value: string | null): value is string {
  return value !== null && DATE.test(value) && !Number.isNaN(dayNumber(value));
}

function lengthOf(preset: Exclude<PeriodPreset, 'custom'>, today: string): number {
  switch (preset) {
    case 'today':
      return 1;
    case '7d':
      return 7;
    case '30d':
      return 30;
    case '90d':
      return 90;
    case '12mo': {
      // From the same day a year ago (exclusive) to today: 365 or 366 days.
      const end = dayNumber(today);
      const yearAgo = new Date(end * DAY_MS);
      yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
      return end - yearAgo.getTime() / DAY_MS;
    }
  }
}

/** The period a URL query names; anything missing or malformed falls back to the default preset. */
export function resolvePeriod(query: URLSearchParams, today: string): Period {
  const requested = query.get('period');
  const named = PERIOD_PRESETS.some((p) => p.value === requested)
    ? (requested as PeriodPreset)
    : DEFAULT_PRESET;
  const customFrom = query.get('from');
  const customTo = query.get('to');
  // A custom period without two valid days is the default one.
  const preset = named === 'custom' && !(isDate(customFrom) && isDate(customTo)) ? DEFAULT_PRESET : named;
  let from: number;
  let to: number;
  if (preset === 'custom') {
    const a = dayNumber(customFrom as string);
    const b = dayNumber(customTo as string);
    from = Math.min(a, b);
    to = Math.max(a, b);
  } else {
    to = dayNumber(today);
    from = to - lengthOf(preset, today) + 1;
  }
  const days = to - from + 1;
  return {
    preset,
    from: dateOf(from),
    to: dateOf(to),
    days,
    previous: { from: dateOf(from - days), to: dateOf(from - 1) },
  };
}

/** The query after choosing a preset or custom days (other parameters kept). */
export function periodQuery(
  query: URLSearchParams,
  choice: { preset: PeriodPreset; from?: string; to?: string },
): URLSearchParams {
  const next = new URLSearchParams(query);
  next.set('period', choice.preset);
  if (choice.preset === 'custom' && choice.from && choice.to) {
    next.set('from', choice.from);
    next.set('to', choice.to);
  } else {
    next.delete('from');
    next.delete('to');
  }
  return next;
}

/** Today's date (UTC), YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The change from `previous` to `current` as a fraction (0.25 = +25 %), or null when there is no base. */
export function changeBetween(current: number, previous: number | null | undefined): number | null {
  if (previous === null || previous === undefined || previous === 0) return null;
  return (current - previous) / previous;
}
