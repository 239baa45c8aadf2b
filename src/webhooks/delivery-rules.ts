// When a webhook delivery is tried again, given up, or its endpoint paused or disabled: pure rules.
// The schedule is the Standard Webhooks example (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h …) with ±20 %
// jitter, for up to 3 days from the event; a receiver's Retry-After is honoured within a day.

const SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
/** Past the schedule every retry waits the last step. */
const LAST_STEP_MS = 36_000_000;
export const GIVE_UP_AFTER_MS = 3 * 24 * 3_600_000;
/** An endpoint whose every attempt failed for this long is paused. */
export const PAUSE_AFTER_MS = 24 * 3_600_000;
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** A Retry-After of 0 or in the past still waits this long: no tight loop against a receiver. */
const MIN_RETRY_AFTER_MS = 1_000;

/** The wait after the `attempts`-th failed try; `random` in [0, 1) makes the jitter (±20 %). */
export function retryDelayMs(attempts: number, random: number): number {
  const step = SCHEDULE_MS[Math.max(attempts, 1) - 1] ?? LAST_STEP_MS;
  return Math.round(step * (0.8 + 0.4 * random));
}

/** A Retry-After header in ms from now (seconds or an HTTP date), within 1 s to a day; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  let ms: number;
  if (/^\d{1,10}$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(Math.max(ms, MIN_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS);
}

export type AttemptVerdict = 'delivered' | 'gone' | 'failed';

/** 2xx delivered; 410 Gone: the endpoint asked not to be called again; anything else (a 3xx too: redirects are not followed) failed. */
export function verdictOf(status: number | null): AttemptVerdict {
  if (status === null) return 'failed';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return 'failed';
}

export type AfterFailure = { retryAt: number } | { giveUp: true };

/** After a failed try: when to try again, or give up (3 days after the event, whatever the schedule says). */
export function afterFailedAttempt(input: {
  attempts: number;
  createdAt: number;
  now: number;
  retryAfterMs: number | null;
  random: number;
}): AfterFailure {
  if (input.now - input.createdAt >= GIVE_UP_AFTER_MS) return { giveUp: true };
  const wait = input.retryAfterMs ?? retryDelayMs(input.attempts, input.random);
  return { retryAt: input.now + wait };
}

/** Whether an endpoint failing since `failingSince` is to be paused now. */
export function shouldPause(failingSince: number | null, now: number): boolean {
  return failingSince !== null && now - failingSince >= PAUSE_AFTER_MS;
}
