// How a suppression's duration reads: until when, or for good.
import { formatDateTime } from '../../ui/Page';

export function untilText(until: string | null): string {
  return until === null ? 'Permanent' : formatDateTime(until);
}

/** "the 2nd listing" — hard bounces suppress for 7, 14, 30, then 180 days by listing. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The address in the dashboard's path (an address holds characters a path must escape: + / ? #). */
export const suppressionHref = (email: string) => `/${encodeURIComponent(email)}`;
