// Waiting in tests: for a condition, never for a fixed time (a sleep is too short on a busy machine and
// wasted time on an idle one).

export interface WaitOptions {
  /** Fail after this long (default 10 s); the test's own timeout still applies. */
  timeoutMs?: number;
  /** How often to check (default 20 ms). */
  intervalMs?: number;
}

/** Polls `probe` until it returns something truthy, and returns it; fails naming `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: WaitOptions | number = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 20 } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the clock has moved past `since` (default now): for rows ordered by a millisecond timestamp. */
export async function nextMillisecond(since = Date.now()): Promise<void> {
  await waitFor('the clock to move on', () => Date.now() > since, { intervalMs: 1 });
}
