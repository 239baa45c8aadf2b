// The log of an outage: each kind of database failure is logged when it starts, then once per interval
// with how many more it refused (src/lib/log-throttle.ts), never once per refused request.
import { LogThrottle } from './log-throttle.ts';

export const OUTAGE_LOG_INTERVAL_MS = 10_000;

interface ErrorLog {
  error(details: object, message: string): void;
}

interface Failure {
  /** What failed ("request", "email open", "send worker"). */
  what: string;
  reason: string;
  error: unknown;
}

export interface OutageLog {
  /** One failed request or job. */
  note(what: string, reason: string, error: unknown): void;
  flush(): void;
}

export function outageLog(log: ErrorLog, intervalMs = OUTAGE_LOG_INTERVAL_MS): OutageLog {
  const seconds = Math.round(intervalMs / 1000);
  const throttle = new LogThrottle<Failure>(intervalMs, ({ detail, count, repeated }) =>
    log.error(
      { err: detail.error, count },
      repeated
        ? `${detail.what}: database unavailable (${detail.reason}), ${count} more in the last ${seconds} s`
        : `${detail.what}: database unavailable (${detail.reason}); repeats are counted and logged every ${seconds} s`,
    ),
  );
  return {
    note: (what, reason, error) => throttle.note(`${what}|${reason}`, { what, reason, error }),
    flush: () => throttle.flush(),
  };
}
