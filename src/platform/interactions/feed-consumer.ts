// A reader of the whole interaction feed that acts on every item exactly once: scoring, webhooks. Its
// cursor lives in the database (feed_consumers) and moves in the same transaction as whatever the
// consumer writes for a page of items, so a crash before the commit means the page is read again and a
// crash after it means it is never read again. Runs as a repeating job, so one node at a time holds it
// (the job's lease); the cursor's compare-and-set refuses a page that another node passed meanwhile.
import type { Storage } from '../../storage/database.ts';
import type { Db } from '../../storage/schema.ts';
import type { JobKind } from '../jobs/runner.ts';
import { encodeFeedCursor, FEED_START } from './feed-cursor.ts';
import type { Interaction } from './interaction.ts';
import { interactionsAfter } from './read-feed.ts';
import type { InteractionRegistry } from './registry.ts';
import { feedConsumerCursor, logEnd, moveFeedConsumer } from './store.ts';

export interface FeedConsumer {
  /** Unique and stable: the cursor is kept under it. */
  name: string;
  /**
   * Where a consumer reads from the first time: the first interaction ever logged (scoring wants the
   * history) or what is logged from now on (webhooks tell of what happens next).
   */
  startAt: 'beginning' | 'now';
  /** The sources it reads (default: every registered source). */
  sources?: readonly string[];
  /**
   * Acts on one page of items, in commit order, inside the transaction that moves the cursor past them.
   * Throwing rolls both back; the page is read again on the next run.
   */
  handle(tx: Db, items: readonly Interaction[]): Promise<void>;
  /**
   * True when handling items would do nothing now (scoring without a model version, webhooks without a
   * receiving endpoint): the consumer then passes pages over without reading their items, which is most
   * of a page's cost (decision 043). Asked again in the transaction that moves the cursor, so a version or
   * endpoint made meanwhile misses nothing: the page is then read again, items and all.
   */
  idle?(db: Db): Promise<boolean>;
}

export interface ConsumeOptions {
  pageSize?: number;
  /** Stop after the current page (the node is stopping, the job's lease was lost). */
  signal?: AbortSignal;
}

/** Thrown when another node moved the cursor while this one handled a page (its work is rolled back). */
export class FeedCursorMoved extends Error {
  constructor(name: string) {
    super(`feed consumer "${name}": another node moved the cursor; this page was rolled back`);
  }
}

/**
 * Makes the consumer's cursor now if it has none (a `startAt: 'now'` consumer starts here): call it when
 * what the consumer acts for begins (the first webhook endpoint), so nothing logged after is missed
 * before the consumer's job first runs.
 */
export async function startFeedConsumer(db: Db, consumer: FeedConsumer): Promise<void> {
  await feedConsumerCursor(db, consumer.name, async () =>
    encodeFeedCursor(consumer.startAt === 'now' ? await logEnd(db) : FEED_START),
  );
}

/** Reads and handles pages until the consumer has caught up; returns how many items it handled. */
export async function consumeFeed(
  db: Db,
  feed: InteractionRegistry,
  consumer: FeedConsumer,
  options: ConsumeOptions = {},
): Promise<number> {
  const pageSize = options.pageSize ?? 500;
  const sources = consumer.sources
    ? feed.all().filter((source) => consumer.sources?.includes(source.name))
    : feed.all();
  let cursor = await feedConsumerCursor(db, consumer.name, async () =>
    encodeFeedCursor(consumer.startAt === 'now' ? await logEnd(db) : FEED_START),
  );
  let handled = 0;
  for (;;) {
    const idle = (await consumer.idle?.(db)) ?? false;
    const page = await interactionsAfter(db, sources, { limit: pageSize, after: cursor, rowsOnly: idle });
    if (page.nextCursor === cursor) return handled;
    const from = cursor;
    const passed = await db.transaction().execute(async (tx) => {
      if (idle && !(await consumer.idle?.(tx))) return false;
      if (page.items.length > 0) await consumer.handle(tx, page.items);
      const moved = await moveFeedConsumer(tx, consumer.name, {
        from,
        to: page.nextCursor,
        handled: page.items.length,
      });
      if (!moved) throw new FeedCursorMoved(consumer.name);
      return true;
    });
    if (!passed) continue;
    cursor = page.nextCursor;
    handled += page.items.length;
    if (!page.more || options.signal?.aborted) return handled;
  }
}

/** The consumer as a repeating job: every node registers it, one at a time runs it. */
export function feedConsumerJobKind(
  storage: Storage,
  feed: InteractionRegistry,
  consumer: FeedConsumer,
  options: { everyMs: number; pageSize?: number },
): JobKind {
  return {
    kind: `feed:${consumer.name}`,
    everyMs: options.everyMs,
    concurrency: 1,
    async run(job) {
      await consumeFeed(storage.db, feed, consumer, {
        signal: job.signal,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      });
      return undefined;
    },
  };
}
