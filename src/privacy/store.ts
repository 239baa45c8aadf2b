// Storage for privacy: the erasure audit, and the batched deletes of anonymous tracking data past a
// website's retention period. A contact's own data is exported and erased through the personal-data
// registry (src/platform/personal-data), never here.
import type { Engine } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';

const deleted = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

/** The audit entry of one erasure: who (an id, no personal data), when, and how many rows of each kind. */
export async function insertErasure(
  db: Db,
  erasure: { id: string; contactId: string; erasedAt: number; counts: Record<string, number> },
) {
  await db
    .insertInto('contact_erasures')
    .values({
      id: erasure.id,
      contact_id: erasure.contactId,
      erased_at: erasure.erasedAt,
      counts: JSON.stringify(erasure.counts),
    })
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Retention

export async function websitesWithRetention(db: Db) {
  const rows = await db
    .selectFrom('websites')
    .select(['id', 'retention_days'])
    .where('retention_days', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, retentionDays: Number(row.retention_days) }));
}

/**
 * Deletes up to `limit` anonymous visits of a website whose last activity is before `cutoff`, with
 * their page views. On PostgreSQL the page views are locked first (the order the tracking writer
 * locks in), then the visits with SKIP LOCKED, so a visit being identified or written by another
 * transaction — or being deleted by another node — is left for later rather than waited on.
 */
export async function deleteAnonymousVisitBatch(
  tx: Db,
  engine: Engine,
  websiteId: string,
  cutoff: number,
  limit: number,
): Promise<{ candidates: number; visits: number; pageviews: number }> {
  const candidates = (
    await tx
      .selectFrom('visits')
      .select('id')
      .where('website_id', '=', websiteId)
      // started_at narrows through the (website_id, started_at) index; a visit ends after it starts.
      .where('started_at', '<', cutoff)
      .where('last_seen_at', '<', cutoff)
      .where('contact_id', 'is', null)
      .orderBy('started_at')
      .orderBy('id')
      .limit(limit)
      .execute()
  ).map((row) => row.id);
  if (candidates.length === 0) return { candidates: 0, visits: 0, pageviews: 0 };

  let ids = candidates;
  if (engine === 'postgres') {
    await tx
      .selectFrom('pageviews')
      .select('event_id')
      .where('visit_id', 'in', candidates)
      .orderBy('website_id')
      .orderBy('event_id')
      .forUpdate()
      .execute();
    ids = (
      await tx
        .selectFrom('visits')
        .select('id')
        .where('id', 'in', candidates)
        .where('contact_id', 'is', null)
        .where('last_seen_at', '<', cutoff)
        .orderBy('id')
        .forUpdate()
        .skipLocked()
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) return { candidates: candidates.length, visits: 0, pageviews: 0 };
  }
  const pageviews = deleted(await tx.deleteFrom('pageviews').where('visit_id', 'in', ids).executeTakeFirst());
  const visits = deleted(
    await tx.deleteFrom('visits').where('id', 'in', ids).where('contact_id', 'is', null).executeTakeFirst(),
  );
  return { candidates: candidates.length, visits, pageviews };
}

/**
 * Deletes up to `limit` page views recorded without identifiers (no visit) before `cutoff`. On
 * PostgreSQL rows another transaction holds (a late engaged-time update, another node's pass) are skipped.
 */
export async function deleteAnonymousPageviewBatch(
  tx: Db,
  engine: Engine,
  websiteId: string,
  cutoff: number,
  limit: number,
): Promise<{ candidates: number; pageviews: number }> {
  let query = tx
    .selectFrom('pageviews')
    .select('event_id')
    .where('website_id', '=', websiteId)
    .where('occurred_at', '<', cutoff)
    .where('visit_id', 'is', null)
    .orderBy('occurred_at')
    .orderBy('event_id')
    .limit(limit);
  if (engine === 'postgres') query = query.forUpdate().skipLocked();
  const ids = (await query.execute()).map((row) => row.event_id);
  if (ids.length === 0) return { candidates: 0, pageviews: 0 };
  const pageviews = deleted(
    await tx
      .deleteFrom('pageviews')
      .where('website_id', '=', websiteId)
      .where('event_id', 'in', ids)
      .where('visit_id', 'is', null)
      .executeTakeFirst(),
  );
  return { candidates: ids.length, pageviews };
}

/**
 * Deletes up to `limit` browsers with no contact, no visit left on any website and no activity since
 * `cutoff`, with their aliases; walks the visitors table by id from `afterId`.
 */
export async function deleteOrphanVisitorBatch(
  tx: Db,
  engine: Engine,
  cutoff: number,
  afterId: string | null,
  limit: number,
): Promise<{ scanned: number; lastId: string | null; visitors: number; aliases: number }> {
  let query = tx
    .selectFrom('visitors')
    .select('id')
    .where('contact_id', 'is', null)
    .where('last_seen_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('visits').select('visits.id').whereRef('visits.visitor_id', '=', 'visitors.id'))),
    )
    .orderBy('id')
    .limit(limit);
  if (afterId !== null) query = query.where('id', '>', afterId);
  // A browser that the tracking writer holds is about to get a visit: skip it, do not wait.
  if (engine === 'postgres') query = query.forUpdate().skipLocked();
  const ids = (await query.execute()).map((row) => row.id);
  if (ids.length === 0) return { scanned: 0, lastId: afterId, visitors: 0, aliases: 0 };
  const aliases = deleted(
    await tx.deleteFrom('visitor_aliases').where('visitor_id', 'in', ids).executeTakeFirst(),
  );
  const visitors = deleted(
    await tx.deleteFrom('visitors').where('id', 'in', ids).where('contact_id', 'is', null).executeTakeFirst(),
  );
  return { scanned: ids.length, lastId: ids[ids.length - 1] ?? afterId, visitors, aliases };
}
