// How an offer's state and the reasons of its follows read to a marketer.
export const STATE_LABELS: Record<string, string> = {
  valid: 'Valid',
  not_started: 'Not started',
  ended: 'Ended',
  exhausted: 'Fully claimed',
  withdrawn: 'Withdrawn',
};

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
