import { describe, expect, it } from 'vitest';
import { decideFollow, type OfferTerms, remainingOf, stateOf, urlOfReason } from './offer-rules.ts';

const START = Date.parse('2026-12-01T08:00:00Z');
const END = Date.parse('2026-12-24T23:00:00Z');
const offer = (over: Partial<OfferTerms> = {}): OfferTerms => ({
  startsAt: START,
  endsAt: END,
  claimLimit: 10,
  perContactLimit: 1,
  claimed: 0,
  withdrawnAt: null,
  ...over,
});

describe('the state of an offer', () => {
  it.each([
    ['a millisecond before the start', offer(), START - 1, 'not_started'],
    ['at the start (inclusive)', offer(), START, 'valid'],
    ['a millisecond before the end', offer(), END - 1, 'valid'],
    ['at the end (exclusive)', offer(), END, 'ended'],
    ['long after', offer(), END + 86_400_000, 'ended'],
    ['with claims left', offer({ claimed: 9 }), START, 'valid'],
    ['at its limit', offer({ claimed: 10 }), START, 'exhausted'],
    ['over a lowered limit', offer({ claimed: 12, claimLimit: 5 }), START, 'exhausted'],
    ['without a limit', offer({ claimLimit: null, claimed: 1e9 }), START, 'valid'],
    ['withdrawn', offer({ withdrawnAt: START }), START + 1, 'withdrawn'],
    ['withdrawn before it started', offer({ withdrawnAt: START - 5 }), START - 1, 'withdrawn'],
    ['withdrawn after it ended', offer({ withdrawnAt: END + 5 }), END + 10, 'withdrawn'],
    ['ended and exhausted', offer({ claimed: 10 }), END, 'ended'],
    ['not started and exhausted', offer({ claimed: 10 }), START - 1, 'not_started'],
  ])('%s', (_name, terms, now, state) => {
    expect(stateOf(terms, now)).toBe(state);
  });
});

describe('a follow of an offer link', () => {
  it.each([
    ['a person, valid, no claim yet', offer(), false, 0, START, { attempt: true }],
    ['a scanner, valid', offer(), true, 0, START, { attempt: false, reason: 'machine' }],
    ['a scanner, ended', offer(), true, 0, END, { attempt: false, reason: 'machine' }],
    ['a person who claimed', offer(), false, 1, START, { attempt: false, reason: 'already_claimed' }],
    ['a person with a claim left of two', offer({ perContactLimit: 2 }), false, 1, START, { attempt: true }],
    [
      'a person who claimed, now exhausted',
      offer({ claimed: 10 }),
      false,
      1,
      START,
      { attempt: false, reason: 'already_claimed' },
    ],
    ['a person who claimed, now ended', offer(), false, 1, END, { attempt: false, reason: 'ended' }],
    ['a person, exhausted', offer({ claimed: 10 }), false, 0, START, { attempt: false, reason: 'exhausted' }],
    ['a person, too early', offer(), false, 0, START - 1, { attempt: false, reason: 'not_started' }],
    [
      'a person, withdrawn',
      offer({ withdrawnAt: START }),
      false,
      0,
      START,
      { attempt: false, reason: 'withdrawn' },
    ],
  ] as const)('%s', (_name, terms, machine, contactClaims, now, decision) => {
    expect(decideFollow(terms, { machine, contactClaims }, now)).toEqual(decision);
  });
});

describe('where a reason sends a person', () => {
  const urls = {
    claimUrl: 'https://shop.test/claim',
    notStartedUrl: 'https://shop.test/soon',
    endedUrl: null,
    exhaustedUrl: 'https://shop.test/gone',
    withdrawnUrl: null,
  };
  const page = (state: string) => `https://spoor.test/offers/x/${state}`;
  it.each([
    ['claimed', 'valid', 'https://shop.test/claim'],
    ['already_claimed', 'valid', 'https://shop.test/claim'],
    ['not_started', 'not_started', 'https://shop.test/soon'],
    ['ended', 'ended', 'https://spoor.test/offers/x/ended'],
    ['exhausted', 'exhausted', 'https://shop.test/gone'],
    ['withdrawn', 'withdrawn', 'https://spoor.test/offers/x/withdrawn'],
    ['machine', 'valid', 'https://shop.test/claim'],
    ['machine', 'ended', 'https://spoor.test/offers/x/ended'],
    ['machine', 'exhausted', 'https://shop.test/gone'],
  ] as const)('%s (offer %s) → %s', (reason, state, url) => {
    expect(urlOfReason(urls, reason, state, page)).toBe(url);
  });

  it.each([
    [10, 3, 7],
    [10, 10, 0],
    [5, 12, 0],
    [null, 4, null],
  ])('limit %j with %j claimed leaves %j', (claimLimit, claimed, left) => {
    expect(remainingOf({ claimLimit, claimed })).toBe(left);
  });
});
