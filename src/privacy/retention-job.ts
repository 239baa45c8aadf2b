// Runs retention on start and then every interval, on every node (see apply-retention.ts for why that
// is safe). A pass never overlaps the previous one on the same node.
import type { Storage } from '../storage/database.ts';
import { applyRetention, type RetentionResult } from './apply-retention.ts';

export interface RetentionJobOptions {
  intervalMs: number;
  onPass?: (result: RetentionResult) => void;
  onError?: (error: unknown) => void;
}

/** Starts the job; the returned function stops it and waits for a pass in progress to stop. */
export function startRetentionJob(storage: Storage, options: RetentionJobOptions): () => Promise<void> {
  const abort = new AbortController();
  let running: Promise<void> | null = null;

  const pass = () => {
    if (running || abort.signal.aborted) return;
    running = applyRetention(storage, Date.now(), { signal: abort.signal })
      .then((result) => options.onPass?.(result))
      .catch((error: unknown) => {
        // Whatever was not deleted is found again by the next pass.
        if (!abort.signal.aborted) options.onError?.(error);
      })
      .finally(() => {
        running = null;
      });
  };

  const timer = setInterval(pass, options.intervalMs);
  timer.unref();
  pass();
  return async () => {
    clearInterval(timer);
    abort.abort();
    await running;
  };
}
