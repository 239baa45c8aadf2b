// Retention: anonymous tracking data of a website older than its retention period is deleted, in
// small transactions so ingest is never held up for long. Identified history (visits with a contact)
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
import { deleteAnonymousPageviewBatch, deleteAnonymousVisitBatch } from '../tracking/store.ts';
import { websitesWithRetention } from '../websites/store.ts';

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
}

export interface RetentionOptions {
  /** Rows per transaction (visits, page views or visitors). */
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

export async function applyRetention(
  storage: Storage,
  now: number,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const limit = options.batchSize ?? 500;
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
  };

  for (const website of websites) {
    const cutoff = now - website.retentionDays * DAY_MS;
    while (!stopped()) {
      const batch = await storage.db
        .transaction()
        .execute((tx) => deleteAnonymousVisitBatch(tx, storage.engine, website.id, cutoff, limit));
      result.visits += batch.visits;
      result.pageviews += batch.pageviews;
      // Fewer than a batch: done. Nothing deletable in a full batch: others hold it; the next pass retries.
      if (batch.candidates < limit || batch.visits === 0) break;
    }
    while (!stopped()) {
      const batch = await storage.db
        .transaction()
        .execute((tx) => deleteAnonymousPageviewBatch(tx, storage.engine, website.id, cutoff, limit));
      result.anonymousPageviews += batch.pageviews;
      if (batch.candidates < limit) break;
    }
  }

  // Browsers are install-wide, not per website: one is removed once no website has a visit of it left,
  // it belongs to no contact, and it has not been seen within the shortest retention period.
  if (websites.length > 0) {
    const cutoff = now - Math.min(...websites.map((w) => w.retentionDays)) * DAY_MS;
    let afterId: string | null = null;
    while (!stopped()) {
      const from = afterId;
      const batch: Awaited<ReturnType<typeof deleteOrphanVisitorBatch>> = await storage.db
        .transaction()
        .execute((tx) => deleteOrphanVisitorBatch(tx, storage.engine, cutoff, from, limit));
      result.visitors += batch.visitors;
      result.visitorAliases += batch.aliases;
      if (batch.scanned < limit) break;
      afterId = batch.lastId;
    }
  }

  if (options.bounceReportDays !== undefined) {
    const before = now - options.bounceReportDays * DAY_MS;
    while (!stopped()) {
      const deleted = await deleteReportsBefore(storage.db, before, limit);
      result.bounceReports += deleted;
      if (deleted < limit) break;
    }
  }
  while (!stopped()) {
    const forgotten = await forgetFriendHashesBefore(storage.db, now - FRIEND_HASH_MS, limit);
    result.forwardFriendHashes += forgotten;
    if (forgotten < limit) break;
  }
  if (!stopped()) await forgetWebhookTokensBefore(storage.db, now - WEBHOOK_TOKEN_MS);
  return result;
}
