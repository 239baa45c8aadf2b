// When a failed job is tried again: doubling from a base delay, capped, and when it is given up on.

export interface RetryPolicy {
  /** Tries before the job is marked failed (the first one included). */
  maxAttempts: number;
  /** Delay after the first failure; doubled after each further one. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseMs: 10_000, maxMs: 3_600_000 };

/** What to do after the `attempts`-th try in a row failed: retry after a delay, or give up. */
export function afterFailure(
  attempts: number,
  policy: RetryPolicy,
): { retryInMs: number } | { giveUp: true } {
  if (attempts >= policy.maxAttempts) return { giveUp: true };
  // 2 ** 30 is far past any cap: bounding the exponent keeps the arithmetic finite.
  const delay = policy.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  return { retryInMs: Math.min(delay, policy.maxMs) };
}
