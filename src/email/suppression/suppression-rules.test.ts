import { describe, expect, it } from 'vitest';
import {
  decideSuppression,
  listingDurationMs,
  type SendState,
  softBouncesInWindow,
} from './suppression-rules.ts';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const base = { recent: [] as SendState[], listingsBefore: 0, current: null, limit: 3, window: 5, now: NOW };

describe('the soft-bounce window', () => {
  it.each<[string, SendState[], number]>([
    ['three soft in five', ['soft', 'delivered', 'soft', 'soft'], 1],
    ['three soft, nothing between', ['soft', 'soft', 'soft'], 3],
    ['a delivery resets the count', ['soft', 'soft', 'delivered', 'soft', 'soft'], 2],
    ['only the last five count', ['soft', 'neutral', 'neutral', 'neutral', 'neutral', 'soft', 'soft'], 1],
    ['policy refusals neither count nor reset', ['soft', 'neutral', 'soft', 'neutral', 'soft'], 3],
    ['hard bounces do not count as soft', ['soft', 'hard', 'soft'], 2],
  ])('%s', (_, recent, expected) => {
    expect(softBouncesInWindow(recent, 5)).toBe(expected);
  });
});

describe('graduated suppression', () => {
  it.each<
    [
      string,
      Partial<Parameters<typeof decideSuppression>[0]>,
      false | { reason: string; days: number | null; listing: number },
    ]
  >([
    ['a first hard bounce: 7 days', { kind: 'hard_bounce' }, { reason: 'hard_bounce', days: 7, listing: 1 }],
    [
      'a second listing: 14 days',
      { kind: 'hard_bounce', listingsBefore: 1 },
      { reason: 'hard_bounce', days: 14, listing: 2 },
    ],
    [
      'a third: 30 days',
      { kind: 'hard_bounce', listingsBefore: 2 },
      { reason: 'hard_bounce', days: 30, listing: 3 },
    ],
    [
      'a fourth: 180 days',
      { kind: 'hard_bounce', listingsBefore: 3 },
      { reason: 'hard_bounce', days: 180, listing: 4 },
    ],
    [
      'a tenth: still 180 days',
      { kind: 'hard_bounce', listingsBefore: 9 },
      { reason: 'hard_bounce', days: 180, listing: 10 },
    ],
    [
      'a hard bounce while suppressed changes nothing',
      { kind: 'hard_bounce', current: { until: NOW + DAY } },
      false,
    ],
    [
      'after an expired listing, the next one is longer',
      { kind: 'hard_bounce', listingsBefore: 1, current: { until: NOW - 1 } },
      { reason: 'hard_bounce', days: 14, listing: 2 },
    ],
    [
      'two soft bounces of three needed: not yet',
      { kind: 'soft_bounce', recent: ['soft', 'soft', 'delivered'] },
      false,
    ],
    [
      'the third soft bounce in five suppresses',
      { kind: 'soft_bounce', recent: ['soft', 'delivered', 'soft', 'soft'] },
      false,
    ],
    [
      'three soft in a row suppress',
      { kind: 'soft_bounce', recent: ['soft', 'soft', 'soft'] },
      { reason: 'soft_bounces', days: 7, listing: 1 },
    ],
    [
      'three soft among five with neutral ones',
      { kind: 'soft_bounce', recent: ['soft', 'neutral', 'soft', 'soft', 'delivered'] },
      { reason: 'soft_bounces', days: 7, listing: 1 },
    ],
    [
      'a limit of 1 of 1 suppresses at once',
      { kind: 'soft_bounce', recent: ['soft'], limit: 1, window: 1 },
      { reason: 'soft_bounces', days: 7, listing: 1 },
    ],
    ['a complaint is permanent', { kind: 'complaint' }, { reason: 'complaint', days: null, listing: 0 }],
    [
      'a complaint makes a bounce suppression permanent',
      { kind: 'complaint', current: { until: NOW + DAY } },
      { reason: 'complaint', days: null, listing: 0 },
    ],
    [
      'a complaint on a permanent suppression changes nothing',
      { kind: 'complaint', current: { until: null } },
      false,
    ],
    ['a policy refusal never suppresses', { kind: 'blocked', recent: ['soft', 'soft', 'soft'] }, false],
    ['an auto-reply never suppresses', { kind: 'auto_reply' }, false],
  ])('%s', (_, facts, expected) => {
    const decision = decideSuppression({ ...base, kind: 'hard_bounce', ...facts });
    if (expected === false) {
      expect(decision.list).toBe(false);
      return;
    }
    expect(decision).toMatchObject({
      list: true,
      reason: expected.reason,
      listing: expected.listing,
      until: expected.days === null ? null : NOW + expected.days * DAY,
    });
  });

  it('durations grow 7, 14, 30, 180 days', () => {
    expect([1, 2, 3, 4, 5].map((n) => listingDurationMs(n) / DAY)).toEqual([7, 14, 30, 180, 180]);
  });
});
