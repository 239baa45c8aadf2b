// Retries submissions that were stored but not processed (a crash or an outage between the two).
import type { Storage } from '../storage/database.ts';
import { pendingSubmissions } from './store.ts';
import { processSubmission } from './submit-form.ts';

const GRACE_MS = 30_000;

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

export function startSubmissionWorker(storage: Storage, intervalMs = 60_000): () => void {
  // A pass that cannot even list the pending submissions (the database is away) is simply the next
  // pass's work; a rejected promise left unhandled here would end the process.
  const pass = () => void retryPendingSubmissions(storage).catch(() => {});
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  pass();
  return () => clearInterval(timer);
}
