import { describe, expect, it } from 'vitest';
import { afterFailure, type RetryPolicy } from './backoff.ts';

const policy: RetryPolicy = { maxAttempts: 5, baseMs: 1_000, maxMs: 5_000 };

describe('afterFailure', () => {
  it.each([
    [1, { retryInMs: 1_000 }],
    [2, { retryInMs: 2_000 }],
    [3, { retryInMs: 4_000 }],
    [4, { retryInMs: 5_000 }], // 8 000 capped
    [5, { giveUp: true }],
    [6, { giveUp: true }],
    [0, { retryInMs: 1_000 }], // never below the base
  ])('after try %i: %j', (attempts, expected) => {
    expect(afterFailure(attempts, policy)).toEqual(expected);
  });

  it.each([
    [{ maxAttempts: 1, baseMs: 10, maxMs: 10 }, 1, { giveUp: true }],
    [{ maxAttempts: Number.POSITIVE_INFINITY, baseMs: 10, maxMs: 60_000 }, 1_000, { retryInMs: 60_000 }],
  ])('policy %j after try %i: %j', (p, attempts, expected) => {
    expect(afterFailure(attempts, p)).toEqual(expected);
  });
});
