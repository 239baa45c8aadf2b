// Retention as a repeating job: a pass on first start and then every interval, on whichever node takes
// it (a pass is safe on any node and idempotent: see apply-retention.ts). A pass that fails is retried
// with backoff; whatever it did not delete is found again by the next one.
import type { Logger } from '../lib/logger.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import { applyRetention } from './apply-retention.ts';

export const RETENTION_JOB = 'privacy.retention';

export function retentionJobKind(
  storage: Storage,
  options: { everyMs: number; log?: Logger; bounceReportDays?: number },
): JobKind {
  return {
    kind: RETENTION_JOB,
    everyMs: options.everyMs,
    retry: { maxAttempts: 3, baseMs: 60_000, maxMs: options.everyMs },
    async run(job) {
      const result = await applyRetention(storage, Date.now(), {
        signal: job.signal,
        ...(options.bounceReportDays !== undefined ? { bounceReportDays: options.bounceReportDays } : {}),
      });
      if (
        result.visits +
          result.anonymousPageviews +
          result.visitors +
          result.bounceReports +
          result.partitionsDropped >
        0
      )
        options.log?.info({ retention: result }, 'retention: deleted data past its period');
      return undefined;
    },
  };
}
