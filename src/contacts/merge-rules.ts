// The pure rule for two contact rows found to be one person: what the surviving row holds afterwards.
import type { Selectable } from 'kysely';
import type { ContactsTable } from '../storage/schema.ts';

type Row = Pick<
  Selectable<ContactsTable>,
  | 'email'
  | 'email_match'
  | 'first_name'
  | 'last_name'
  | 'company'
  | 'phone'
  | 'job_title'
  | 'country'
  | 'custom'
  | 'prefill_allowed'
  | 'do_not_email'
  | 'email_tracking'
>;

/** The winner keeps its values; fields it lacks are filled from the loser. A "no" from either wins. */
export function mergedContactValues(winner: Row, loser: Row) {
  const fill = <K extends keyof Row>(k: K) => winner[k] ?? loser[k];
  const custom = { ...JSON.parse(loser.custom), ...stripNulls(JSON.parse(winner.custom)) };
  return {
    email: fill('email'),
    email_match: fill('email_match'),
    first_name: fill('first_name'),
    last_name: fill('last_name'),
    company: fill('company'),
    phone: fill('phone'),
    job_title: fill('job_title'),
    country: fill('country'),
    custom: JSON.stringify(custom),
    prefill_allowed: Math.max(winner.prefill_allowed, loser.prefill_allowed),
    // A "no" from either record is the person's "no": to marketing email and to being tracked.
    do_not_email: Math.max(Number(winner.do_not_email), Number(loser.do_not_email)),
    email_tracking: mergedTrackingChoice(winner.email_tracking, loser.email_tracking),
  };
}

/** Explicit refusal wins, then explicit consent, else the install default (null). */
function mergedTrackingChoice(a: number | null, b: number | null): number | null {
  if (a === 0 || b === 0) return 0;
  return a ?? b;
}

function stripNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined));
}
