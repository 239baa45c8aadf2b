// Time helpers: Spoor stores instants as epoch milliseconds and buckets reports by UTC day.
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** UTC calendar day of an instant, as YYYY-MM-DD. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function isIsoDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}
