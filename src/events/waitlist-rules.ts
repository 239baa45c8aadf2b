// The waitlist's rules, pure: where a registration stands (registered, waiting, holding an offered place,
// its offer run out, cancelled) and which ending each link or button may apply to it (decision 033).

export type OfferState = 'registered' | 'waiting' | 'offered' | 'offer_expired' | 'cancelled';
export type Ending = 'cancel' | 'leave' | 'decline' | 'expire';

export function offerState(
  row: { status: 'registered' | 'waitlisted' | 'cancelled'; offerExpiresAt: number | null },
  now: number,
): OfferState {
  if (row.status !== 'waitlisted') return row.status;
  if (row.offerExpiresAt === null) return 'waiting';
  return row.offerExpiresAt > now ? 'offered' : 'offer_expired';
}

/**
 * Why `ending` may not apply (a sentence), or null. A link names the offer it came with (`askedOfferedAt`):
 * an old offer's decline or expiry never touches a later one. Leaving the waitlist never cancels a
 * registration (an old email's link after the place was accepted), and only the expiry job expires.
 */
export function nextOfferProblem(
  ending: Ending,
  state: OfferState,
  rowOfferedAt: number | null,
  askedOfferedAt?: number,
): string | null {
  if (state === 'cancelled') return 'This registration is cancelled already.';
  switch (ending) {
    case 'cancel':
      return null;
    case 'leave':
      return state === 'registered' ? 'This is a registration now, not a place on the waitlist.' : null;
    case 'decline':
      if (state !== 'offered' && state !== 'offer_expired') return 'No place is held for this registration.';
      return askedOfferedAt === rowOfferedAt ? null : 'This offer was replaced by another.';
    case 'expire':
      if (state !== 'offer_expired') return 'This offer has not run out.';
      return askedOfferedAt === rowOfferedAt ? null : 'This offer was replaced by another.';
  }
}
