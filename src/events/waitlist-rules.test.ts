import { describe, expect, it } from 'vitest';
import { type Ending, nextOfferProblem, type OfferState, offerState } from './waitlist-rules.ts';

describe('offerState', () => {
  it.each([
    [{ status: 'registered', offerExpiresAt: null }, 'registered'],
    [{ status: 'cancelled', offerExpiresAt: null }, 'cancelled'],
    [{ status: 'waitlisted', offerExpiresAt: null }, 'waiting'],
    [{ status: 'waitlisted', offerExpiresAt: 1001 }, 'offered'],
    [{ status: 'waitlisted', offerExpiresAt: 1000 }, 'offer_expired'],
    [{ status: 'waitlisted', offerExpiresAt: 10 }, 'offer_expired'],
  ] as const)('%o at 1000 is %s', (row, state) => {
    expect(offerState(row, 1000)).toBe(state);
  });
});

describe('nextOfferProblem', () => {
  const cases: Array<[Ending, OfferState, number | null, number | undefined, boolean]> = [
    // ending, state, row's offer, the link's offer, allowed
    ['cancel', 'registered', null, undefined, true],
    ['cancel', 'waiting', null, undefined, true],
    ['cancel', 'offered', 5, undefined, true],
    ['cancel', 'cancelled', null, undefined, false],
    ['leave', 'waiting', null, undefined, true],
    ['leave', 'offered', 5, undefined, true],
    ['leave', 'offer_expired', 5, undefined, true],
    ['leave', 'registered', null, undefined, false],
    ['leave', 'cancelled', null, undefined, false],
    ['decline', 'offered', 5, 5, true],
    ['decline', 'offer_expired', 5, 5, true],
    ['decline', 'offered', 7, 5, false],
    ['decline', 'waiting', null, 5, false],
    ['decline', 'registered', null, 5, false],
    ['expire', 'offer_expired', 5, 5, true],
    ['expire', 'offered', 5, 5, false],
    ['expire', 'offer_expired', 7, 5, false],
    ['expire', 'registered', null, 5, false],
    ['expire', 'cancelled', null, 5, false],
  ];
  it.each(cases)('%s when %s (offer %s, link %s): allowed %s', (ending, state, rowAt, askedAt, allowed) => {
    const problem = nextOfferProblem(ending, state, rowAt, askedAt);
    expect(problem === null).toBe(allowed);
    if (!allowed) expect(problem).toMatch(/\.$/);
  });
});
