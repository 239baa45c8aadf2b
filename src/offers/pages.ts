// Spoor's own pages for an offer that cannot be claimed, for offers given no URL of their own for that
// state: plain HTML, no script, every value escaped (the email pages' look).
import { errorPage } from '../email/engagement/pages.ts';
import type { ClosedState } from './offer-rules.ts';

const WORDING: Record<ClosedState, { title: string; text: string }> = {
  not_started: { title: 'This offer has not started yet', text: 'Please come back when it starts.' },
  ended: { title: 'This offer has ended', text: 'Thank you for your interest.' },
  exhausted: {
    title: 'This offer has been fully claimed',
    text: 'Every claim it had has been taken. Thank you for your interest.',
  },
  withdrawn: { title: 'This offer is no longer available', text: 'The sender has withdrawn it.' },
};

export function offerStatePage(offerName: string, state: ClosedState): string {
  const { title, text } = WORDING[state];
  return errorPage(title, `${offerName}: ${text}`);
}
