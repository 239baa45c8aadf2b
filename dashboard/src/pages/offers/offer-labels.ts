// How an offer's state and the reasons of its follows read to a marketer.
export const STATE_LABELS: Record<string, string> = {
  valid: 'Valid',
  not_started: 'Not started',
  ended: 'Ended',
  exhausted: 'Fully claimed',
  withdrawn: 'Withdrawn',
};

/** The offer's own URL for each closed state (empty: Spoor's page), by the field that holds it. */
export const CLOSED_STATE_URLS = [
  { name: 'notStartedUrl', state: 'not_started' },
  { name: 'endedUrl', state: 'ended' },
  { name: 'exhaustedUrl', state: 'exhausted' },
  { name: 'withdrawnUrl', state: 'withdrawn' },
] as const;

export const STATE_BADGE: Record<string, string> = {
  valid: 'badge good',
  not_started: 'badge',
  ended: 'badge',
  exhausted: 'badge bad',
  withdrawn: 'badge bad',
};

export const REASON_LABELS: Record<string, string> = {
  already_claimed: 'Already claimed by the contact',
  not_started: 'Before the start',
  ended: 'After the end',
  exhausted: 'Every claim taken',
  withdrawn: 'After it was withdrawn',
  machine: 'Scanners and previews (never claim)',
};
