// Retention: anonymous tracking data of a website older than its retention period is deleted, in
// small transactions with a pause between them so ingest is never held up for long (decision 039); on
// PostgreSQL a month of page views whose every row has expired is dropped whole first (decision 041). Identified history (visits with a contact)
// is kept: it is the contact's, governed by export and erasure. Report rollups are aggregates and stay.
// The bounce reports kept for administrators go after SPOOR_BOUNCE_REPORT_DAYS (the outcomes recorded
// from them stay), and spent webhook tokens once no request carrying them can pass its window. Forwarded
// friends' address hashes go after 30 days, as D365 deletes forwarded addresses (decision 026).
//
// Several nodes may run this at once: every delete is idempotent (it re-checks its conditions), and on
// PostgreSQL rows another transaction holds are skipped (SKIP LOCKED) rather than waited on, so two
// passes split the work or leave rows to the next pass; neither fails nor deletes anything it should not.

import { deleteReportsBefore, forgetWebhookTokensBefore } from '../email/bounces/store.ts';
import { forgetFriendHashesBefore } from '../email/forwards/store.ts';
import { deleteOrphanVisitorBatch } from '../identity/store.ts';
import { DAY_MS } from '../lib/time.ts';
import type { Storage } from '../storage/database.ts';
import { dropExpiredPageviewPartitions } from '../tracking/partitions.ts';
import {
  deleteAnonymousPageviewBatch,
  deleteAnonymousVisitBatch,
  type RetentionCursor,
} from '../tracking/store.ts';
import { listWebsites, websitesWithRetention } from '../websites/store.ts';

export interface RetentionResult {
  /** Websites with a retention period set. */
  websites: number;
  visits: number;
  /** Page views of the deleted visits. */
  pageviews: number;
  /** Page views recorded without identifiers (no visit). */
  anonymousPageviews: number;
  /** Browsers with no contact and no visit left, and their alias ids. */
  visitors: number;
  visitorAliases: number;
  /** Bounce reports past their days. */
  bounceReports: number;
  /** Forwarded copies whose friend's address hash was forgotten (30 days). */
  forwardFriendHashes: number;
  /** PostgreSQL: monthly page view partitions dropped whole (decision 041). */
  partitionsDropped: number;
  /** PostgreSQL: page views moved to the kept partition before their month was dropped. */
  keptPageviews: number;
  /** Transactions the pass committed. */
  batches: number;
}

export interface RetentionOptions {
  /**
   * Rows per transaction (visits, page views or visitors); a batch of visits also stops taking visits
   * once their page views pass four times this. Default: 100 on SQLite, 500 on PostgreSQL.
   */
  batchSize?: number;
  /** Stops between batches (shutdown). */
  signal?: AbortSignal;
  /** Days bounce reports are kept (SPOOR_BOUNCE_REPORT_DAYS); unset: kept. */
  bounceReportDays?: number;
}

/** A spent webhook token is kept a day: far past any freshness window (Mailgun's is 15 minutes). */
const WEBHOOK_TOKEN_MS = DAY_MS;
/** A forwarded friend's address hash is kept 30 days (D365's period), far past the daily limit it serves. */
const FRIEND_HASH_MS = 30 * DAY_MS;
/** Page views a batch of visits may take with it, per row of the batch size. */
const PAGEVIEWS_PER_VISIT_ROW = 4;

/**
 * Between two batches the pass gives way (decision 039). On SQLite a batch runs synchronously on the main
 * thread and holds the one write lock: without a real pause the event loop would not answer a request
 * until the whole pass ended, and the ingest writer thread (waiting in SQLite's busy handler) would rarely
 * find the lock free. So the pass waits as long as the batch took, a timer rather than a microtask: it
 * never holds more than half of the write lock's time, and requests are served between batches. On
 * PostgreSQL a batch locks only its rows: yielding to the event loop is enough.
 */
async function giveWay(storage: Storage, batchMs: number): Promise<void> {
  if (storage.engine === 'sqlite') await new Promise((resolve) => setTimeout(resolve, Math.max(1, batchMs)));
  else await new Promise((resolve) => setImmediate(resolve));
}

export async function applyRetention(
  storage: Storage,
  now: number,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const limit = options.batchSize ?? (storage.engine === 'sqlite' ? 100 : 500);
  const stopped = () => options.signal?.aborted === true;
  const websites = await websitesWithRetention(storage.db);
  const result: RetentionResult = {
    websites: websites.length,
    visits: 0,
    pageviews: 0,
    anonymousPageviews: 0,
    visitors: 0,
    visitorAliases: 0,
    bounceReports: 0,
    forwardFriendHashes: 0,
    partitionsDropped: 0,
    keptPageviews: 0,
    batches: 0,
  };
  /** Runs `batch` (one transaction each) until it has no more or the pass is stopped, giving way between. */
  const inBatches = async (batch: () => Promise<boolean>) => {
    while (!stopped()) {
      const started = performance.now();
      const more = await batch();
      result.batches += 1;
      if (!more) return;
      await giveWay(storage, performance.now() - started);
    }
  };

  // PostgreSQL: months whose every row has expired go whole (their kept rows moved out first); what is
  // left, here and in months that cannot go, is deleted in batches below.
  if (storage.engine === 'postgres' && websites.length > 0) {
    const partitions = await dropExpiredPageviewPartitions(storage, await listWebsites(storage.db), now, {
      batchSize: limit,
      stopped,
      giveWay: () => giveWay(storage, 0),
    });
    result.partitionsDropped = partitions.dropped.length;
    result.keptPageviews = partitions.keptPageviews;
  }

  for (const website of websites) {
    const cutoff = now - website.retentionDays * DAY_MS;
    let visitsAfter: RetentionCursor | null = null;
    await inBatches(async () => {
      const from = visitsAfter;
      const batch = await storage.db
        .transaction()
        .execute((tx) =>
          deleteAnonymousVisitBatch(
            tx,
            storage.engine,
            website.id,
            cutoff,
            { visits: limit, pageviews: limit * PAGEVIEWS_PER_VISIT_ROW },
            from,
          ),
        );
      result.visits += batch.visits;
      result.pageviews += batch.pageviews;
      visitsAfter = batch.last;
      return batch.more;
    });
    let pageviewsAfter: RetentionCursor | null = null;
    await inBatches(async () => {
      const from = pageviewsAfter;
      const batch = await storage.db
        .transaction()
        .execute((tx) => deleteAnonymousPageviewBatch(tx, storage.engine, website.id, cutoff, limit, from));
      result.anonymousPageviews += batch.pageviews;
      pageviewsAfter = batch.last;
      return batch.more;
    });
  }

  // Browsers are install-wide, not per website: one is removed once no website has a visit of it left,
  // it belongs to no contact, and it has not been seen within the shortest retention period.
  if (websites.length > 0) {
    const cutoff = now - Math.min(...websites.map((w) => w.retentionDays)) * DAY_MS;
    let afterId: string | null = null;
    await inBatches(async () => {
      const from = afterId;
      const batch = await storage.db
        .transaction()
        .execute((tx) => deleteOrphanVisitorBatch(tx, storage.engine, cutoff, from, limit));
      result.visitors += batch.visitors;
      result.visitorAliases += batch.aliases;
      afterId = batch.lastId;
      return batch.scanned === limit;
    });
  }

  if (options.bounceReportDays !== undefined) {
    const before = now - options.bounceReportDays * DAY_MS;
    await inBatches(async () => {
      const deleted = await deleteReportsBefore(storage.db, before, limit);
      result.bounceReports += deleted;
      return deleted === limit;
    });
  }
  await inBatches(async () => {
    const forgotten = await forgetFriendHashesBefore(storage.db, now - FRIEND_HASH_MS, limit);
    result.forwardFriendHashes += forgotten;
    return forgotten === limit;
  });
  if (!stopped()) await forgetWebhookTokensBefore(storage.db, now - WEBHOOK_TOKEN_MS);
  return result;
}
