// Retries submissions that were stored but not processed (a crash or an outage between the two): a
// repeating job, one pass a minute on whichever node takes it.
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import { pendingSubmissions } from './store.ts';
import { processSubmission } from './submit-form.ts';

const GRACE_MS = 30_000;
export const SUBMISSION_RETRY_JOB = 'forms.retry-submissions';

/** One pass: processes pending submissions older than the grace period. Returns how many it processed. */
export async function retryPendingSubmissions(storage: Storage, now = Date.now()): Promise<number> {
  let processed = 0;
  for (const { id } of await pendingSubmissions(storage.db, now - GRACE_MS, 100)) {
    try {
      await processSubmission(storage, id);
      processed += 1;
    } catch {
      // Left pending (or marked failed when its data is invalid); the next pass tries again.
    }
  }
  return processed;
}

export function submissionRetryJobKind(storage: Storage, everyMs = 60_000): JobKind {
  return {
    kind: SUBMISSION_RETRY_JOB,
    everyMs,
    // A pass that cannot even list the pending submissions (the database away) is the next pass's work.
    retry: { maxAttempts: 1, baseMs: everyMs, maxMs: everyMs },
    async run() {
      await retryPendingSubmissions(storage);
      return undefined;
    },
  };
}
