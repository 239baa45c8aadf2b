// Whether commits succeed: the hot-path writers (tracking ingest, email engagement) report each commit
// here, and /healthz reads it. A database that answers reads but refuses every write (a full disk) is
// not healthy; a success puts it right at once, and failures older than the window are forgotten (a
// node taken out of rotation for its 503 must be able to come back without traffic).

import type { Storage } from './database.ts';
import { unavailableReason } from './unavailable.ts';

export const WRITE_FAILURE_WINDOW_MS = 10_000;

export interface WriteFailures {
  /** Failed commits since the last success, within the window. */
  count: number;
  /** Why the latest one failed. */
  reason: string | null;
  windowMs: number;
}

export class WriteHealth {
  /** Failures per second (epoch seconds), since the last success. */
  private perSecond = new Map<number, number>();
  private reason: string | null = null;

  constructor(readonly windowMs = WRITE_FAILURE_WINDOW_MS) {}

  succeeded(): void {
    this.perSecond.clear();
    this.reason = null;
  }

  failed(reason: string, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
    this.reason = reason;
    this.forget(now);
  }

  failures(now = Date.now()): WriteFailures {
    this.forget(now);
    let count = 0;
    for (const n of this.perSecond.values()) count += n;
    return { count, reason: count > 0 ? this.reason : null, windowMs: this.windowMs };
  }

  private forget(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / 1000);
    for (const second of this.perSecond.keys()) if (second <= oldest) this.perSecond.delete(second);
  }
}

const healthOfStorage = new WeakMap<Storage, WriteHealth>();

/** The write health of a storage handle (one per handle, shared by its writers and /healthz). */
export function writeHealthOf(storage: Storage): WriteHealth {
  let health = healthOfStorage.get(storage);
  if (!health) {
    health = new WriteHealth();
    healthOfStorage.set(storage, health);
  }
  return health;
}

/** A batch runner that reports each commit to the storage's write health. */
export function reportingCommits<Job, Result>(
  storage: Storage,
  run: (jobs: Job[]) => Promise<Result[]>,
): (jobs: Job[]) => Promise<Result[]> {
  const health = writeHealthOf(storage);
  return async (jobs) => {
    try {
      const results = await run(jobs);
      health.succeeded();
      return results;
    } catch (error) {
      const reason = unavailableReason(error);
      if (reason) health.failed(reason);
      throw error;
    }
  };
}
