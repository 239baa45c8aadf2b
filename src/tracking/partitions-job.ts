// Page view partitions made ahead of time, as a repeating job: on first start and then every six hours,
// on whichever node takes it, the current month's partition and the next ones are made if missing
// (PostgreSQL; nothing to do on SQLite). Ingest never waits on DDL: a row whose month has no partition
// (the job down for months) is kept by the default partition, and moved out once its month is made.
import type { Logger } from '../lib/logger.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import { ensurePageviewPartitions } from './partitions.ts';

export const PARTITIONS_JOB = 'tracking.partitions';
const EVERY_MS = 6 * 60 * 60_000;

export function partitionsJobKind(storage: Storage, log?: Logger): JobKind {
  return {
    kind: PARTITIONS_JOB,
    everyMs: EVERY_MS,
    retry: { maxAttempts: 5, baseMs: 60_000, maxMs: EVERY_MS },
    async run() {
      const made = await ensurePageviewPartitions(storage, Date.now());
      if (made.length > 0) log?.info({ partitions: made }, 'tracking: page view partitions made ahead');
      return undefined;
    },
  };
}
