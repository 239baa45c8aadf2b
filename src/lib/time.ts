// Time helpers: Spoor stores instants as epoch milliseconds and buckets reports by UTC day.
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** UTC calendar day of an instant, as YYYY-MM-DD. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** A real calendar day as YYYY-MM-DD. Date.parse alone rolls 2026-02-30 over to 2 March: the day must survive a round trip. */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDay(ms) === value;
}
