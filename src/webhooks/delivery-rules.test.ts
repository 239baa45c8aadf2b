import { describe, expect, it } from 'vitest';
import {
  afterFailedAttempt,
  GIVE_UP_AFTER_MS,
  retryAfterMs,
  retryDelayMs,
  shouldPause,
  verdictOf,
} from './delivery-rules.ts';

describe('retryDelayMs', () => {
  it.each([
    [1, 0.5, 5_000],
    [2, 0.5, 300_000],
    [3, 0.5, 1_800_000],
    [4, 0.5, 7_200_000],
    [5, 0.5, 18_000_000],
    [6, 0.5, 36_000_000],
    [20, 0.5, 36_000_000],
    [1, 0, 4_000], // -20 %
    [1, 0.999_999, 6_000], // +20 %
    [0, 0.5, 5_000],
  ])('after %i failures, random %f → %i ms', (attempts, random, expected) => {
    expect(retryDelayMs(attempts, random)).toBe(expected);
  });

  it('the schedule reaches the 3-day limit after about a dozen tries', () => {
    let at = 0;
    let attempts = 0;
    while (at < GIVE_UP_AFTER_MS) at += retryDelayMs(++attempts, 0.5);
    expect(attempts).toBeGreaterThan(8);
    expect(attempts).toBeLessThan(15);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it.each([
    [undefined, null],
    ['120', 120_000],
    [' 0 ', 1_000], // at least a second
    ['Sun, 06 Dec 2026 12:05:00 GMT', 300_000],
    ['Sun, 06 Dec 2026 11:00:00 GMT', 1_000], // in the past: a second
    ['999999', 86_400_000], // at most a day
    ['soon', null],
  ])('%j → %j', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});

describe('verdictOf', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'failed'],
    [302, 'failed'],
    [400, 'failed'],
    [410, 'gone'],
    [429, 'failed'],
    [500, 'failed'],
    [null, 'failed'],
  ] as const)('%j → %s', (status, expected) => {
    expect(verdictOf(status)).toBe(expected);
  });
});

describe('afterFailedAttempt', () => {
  const base = { createdAt: 0, random: 0.5 };
  it.each([
    [{ attempts: 1, now: 1_000, retryAfterMs: null }, { retryAt: 6_000 }],
    [{ attempts: 1, now: 1_000, retryAfterMs: 60_000 }, { retryAt: 61_000 }],
    [{ attempts: 3, now: 10_000, retryAfterMs: null }, { retryAt: 1_810_000 }],
    [
      { attempts: 12, now: GIVE_UP_AFTER_MS - 1, retryAfterMs: null },
      { retryAt: GIVE_UP_AFTER_MS - 1 + 36_000_000 },
    ],
    [{ attempts: 12, now: GIVE_UP_AFTER_MS, retryAfterMs: null }, { giveUp: true }],
  ])('%j → %j', (input, expected) => {
    expect(afterFailedAttempt({ ...base, ...input })).toEqual(expected);
  });
});

describe('shouldPause', () => {
  it.each([
    [null, 10 * 86_400_000, false],
    [0, 86_400_000 - 1, false],
    [0, 86_400_000, true],
  ])('failing since %j, now %i → %s', (since, now, expected) => {
    expect(shouldPause(since, now)).toBe(expected);
  });
});
