// The one front door for hot events. A domain whose events arrive at request rate (tracking: page views
// and engaged time; email engagement: opens, clicks, unsubscribes; next: bounces, forwards, offer claims,
// check-ins) describes its hot path once — how a batch is planned and stored, in process and in the SQLite
// writer thread — and opens it here; each event submitted is answered only once the transaction holding
// it is committed. Group commit, the writer thread and the PostgreSQL path are this module's internals;
// it imports no domain (the thread loads a path's store from the module the path names).
import { fileURLToPath } from 'node:url';
import type { Storage } from '../../storage/database.ts';
import { isUnavailable } from '../../storage/unavailable.ts';
import { reportingCommits } from '../../storage/write-health.ts';
import { observeCommit, waitingForCommit } from '../metrics/metrics.ts';
import { GroupCommit } from './group-commit.ts';
import type { BatchContext, ThreadStoreModule } from './thread-store.ts';
import { THREAD_GROUP_COMMIT, threadWriter } from './writer-thread.ts';

export type { BatchContext, ThreadStore, ThreadStoreModule } from './thread-store.ts';

export interface HotPath<Item, Outcome, Context extends BatchContext> {
  /** Its name in /metrics (the `stream` label of spoor_commit_*). */
  name: string;
  /** The kinds of event it carries (for the reader; see docs/architecture.md). */
  kinds: readonly string[];
  /** One batch in one transaction, in process: PostgreSQL, and SQLite `:memory:` (one connection only). */
  commit(storage: Storage, items: Item[], context: Context): Promise<Outcome[]>;
  /** The same on a SQLite file, run by the writer thread on its own connection. */
  threadStore: ThreadStoreModule;
}

export interface HotPathWriter<Item, Outcome> {
  /** Resolves with the item's outcome once the transaction holding it is committed. */
  submit(item: Item): Promise<Outcome>;
  /** Commits what was submitted, then lets go of the writer thread. */
  close(): Promise<void>;
}

/** Batches committed at once on PostgreSQL, each on its own pooled connection (the pool has 10). */
const POSTGRES_WRITERS = 4;

/**
 * Opens a hot path on a storage handle. On a SQLite file its batches go to the writer thread (shared by
 * every path on that handle), so no commit or fsync runs on the event loop; elsewhere they are committed
 * in process, several at once on PostgreSQL. A failed batch is retried, then split (retry-then-split.ts).
 */
export function openHotPath<Item, Outcome, Context extends BatchContext>(
  storage: Storage,
  path: HotPath<Item, Outcome, Context>,
  options: { maxBatch: number; context: Context },
): HotPathWriter<Item, Outcome> {
  const { maxBatch, context } = options;
  const thread = threadWriter(storage, maxBatch);
  const writer = new GroupCommit<Item, Outcome>(
    // Each commit is reported to /healthz (storage/write-health.ts).
    reportingCommits(
      storage,
      thread
        ? (items) => thread.commit(path.name, path.threadStore, items, context) as Promise<Outcome[]>
        : (items) => path.commit(storage, items, context),
    ),
    {
      maxBatch,
      failsEveryJob: isUnavailable,
      // The writer thread reports its own transactions (it merges the batches handed to it).
      ...(thread
        ? THREAD_GROUP_COMMIT
        : {
            concurrency: storage.engine === 'postgres' ? POSTGRES_WRITERS : 1,
            onCommit: (size, seconds) => observeCommit(path.name, size, seconds),
          }),
    },
  );
  const forgetWaiting = waitingForCommit.add({ stream: path.name, waiting: () => writer.waiting });
  return {
    submit: (item) => writer.submit(item),
    close: async () => {
      await writer.close();
      forgetWaiting();
      await thread?.release();
    },
  };
}

/**
 * The URL of a module beside the caller's, for a ThreadStoreModule: compiled Spoor (dist/) runs .js files,
 * a TypeScript runner (tests, the bench) .ts files, and the thread must import the same kind.
 */
export function moduleBeside(callerUrl: string, name: string): string {
  const extension = fileURLToPath(callerUrl).endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, callerUrl).href;
}
