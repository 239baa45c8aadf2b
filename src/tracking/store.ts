// Storage for tracking beyond the hot path (whose batch store is batch-store.ts): a contact's visits and
// page views (personal data, the interaction feed) and retention.
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import { afterBound } from '../platform/interactions/after-bound.ts';
import type { SourceBound } from '../platform/interactions/interaction.ts';
import type { Engine } from '../storage/database.ts';
import { deletedCount } from '../storage/deleted-count.ts';
import type { Database, Db } from '../storage/schema.ts';

type Tx = Transaction<Database> | Kysely<Database>;

// ---------------------------------------------------------------------------------------------------
// One contact's visits (the personal-data registry: export, erasure, merge)

/**
 * The visits that are a contact's: those naming the contact, and any still unattributed visit of a
 * browser linked to them (the same browser, so the same person's). Visits of a shared browser that
 * name someone else stay that other person's.
 */
function contactVisits(eb: ExpressionBuilder<Database, 'visits'>, contactId: string) {
  return eb.or([
    eb('visits.contact_id', '=', contactId),
    eb.and([
      eb('visits.contact_id', 'is', null),
      eb(
        'visits.visitor_id',
        'in',
        eb.selectFrom('visitors').select('visitors.id').where('visitors.contact_id', '=', contactId),
      ),
    ]),
  ]);
}

export async function visitsOfContact(db: Tx, contactId: string) {
  return db
    .selectFrom('visits')
    .leftJoin('websites', 'websites.id', 'visits.website_id')
    .selectAll('visits')
    .select('websites.name as website_name')
    .where((eb) => contactVisits(eb, contactId))
    .orderBy('visits.started_at')
    .orderBy('visits.id')
    .execute();
}

/**
 * A page view as recorded: its browser is its visit's, and its URL and referrer are rebuilt from the
 * visit's origin when stored without it (migration 039, src/tracking/compact-url.ts).
 */
export function pageviewRows(db: Tx) {
  return db
    .selectFrom('pageviews')
    .leftJoin('visits', 'visits.id', 'pageviews.visit_id')
    .select([
      'pageviews.website_id',
      'pageviews.event_id',
      'pageviews.visit_id',
      'visits.visitor_id',
      'pageviews.occurred_at',
      sql<string>`coalesce(pageviews.url, visits.origin || pageviews.path || coalesce(pageviews.url_query, ''))`.as(
        'url',
      ),
      'pageviews.path',
      'pageviews.title',
      sql<string | null>`coalesce(pageviews.referrer, visits.origin || pageviews.referrer_path)`.as(
        'referrer',
      ),
      'pageviews.engaged_ms',
      'pageviews.bot',
      'pageviews.bot_reason',
      'pageviews.anonymous',
    ]);
}

export async function pageviewsOfVisits(db: Tx, visitIds: readonly string[]) {
  const rows = [];
  for (let i = 0; i < visitIds.length; i += 500) {
    rows.push(
      ...(await pageviewRows(db)
        .where('pageviews.visit_id', 'in', visitIds.slice(i, i + 500))
        .orderBy('pageviews.occurred_at')
        .orderBy('pageviews.event_id')
        .execute()),
    );
  }
  return rows;
}

export async function deleteContactPageviews(db: Tx, contactId: string): Promise<number> {
  return deletedCount(
    await db
      .deleteFrom('pageviews')
      .where('visit_id', 'in', (eb) =>
        eb
          .selectFrom('visits')
          .select('visits.id')
          .where((v) => contactVisits(v, contactId)),
      )
      .executeTakeFirst(),
  );
}

export async function deleteContactVisits(db: Tx, contactId: string): Promise<number> {
  return deletedCount(
    await db
      .deleteFrom('visits')
      .where((eb) => contactVisits(eb, contactId))
      .executeTakeFirst(),
  );
}

/** A merged-away contact's visits become the winner's. */
export async function moveVisits(db: Tx, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .updateTable('visits')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Retention (privacy/apply-retention.ts): anonymous data past a website's retention period

/** Where a retention pass has got to in a website's rows: the last (time, id) it looked at. */
export interface RetentionCursor {
  at: number;
  id: string;
}

/** Rows strictly after the cursor in (time, id) order; `>=` on the time alone lets the index seek to it. */
function afterCursor(
  atColumn: 'started_at' | 'occurred_at',
  idColumn: 'id' | 'event_id',
  after: RetentionCursor,
) {
  return sql<boolean>`${sql.ref(atColumn)} >= ${after.at} and (${sql.ref(atColumn)} > ${after.at} or ${sql.ref(idColumn)} > ${after.id})`;
}

/**
 * Deletes a batch of a website's anonymous visits that ended before `cutoff`, with their page views:
 * looks at up to `limit` visits after `after` in (start, id) order, and stops taking them once their page
 * views pass `pageviewLimit` (one visit at least), so a batch's work is bounded by both. The cursor moves
 * past every visit looked at, kept ones (identified, or still going on) included, so a pass never reads
 * the same kept rows twice. On PostgreSQL the page views are locked first (the order the tracking writer
 * locks in), then the visits with SKIP LOCKED, so a visit being identified or written by another
 * transaction — or being deleted by another node — is left for the next pass rather than waited on.
 */
export async function deleteAnonymousVisitBatch(
  tx: Tx,
  engine: Engine,
  websiteId: string,
  cutoff: number,
  limits: { visits: number; pageviews: number },
  after: RetentionCursor | null,
): Promise<{ more: boolean; last: RetentionCursor | null; visits: number; pageviews: number }> {
  let query = tx
    .selectFrom('visits')
    .select(['id', 'started_at', 'last_seen_at', 'contact_id', 'pageviews'])
    .where('website_id', '=', websiteId)
    // started_at narrows through the (website_id, started_at) index; a visit ends after it starts.
    .where('started_at', '<', cutoff);
  if (after) query = query.where(afterCursor('started_at', 'id', after));
  const rows = await query.orderBy('started_at').orderBy('id').limit(limits.visits).execute();
  let taken = 0;
  let budget = limits.pageviews;
  for (const row of rows) {
    if (taken > 0 && budget < row.pageviews) break;
    budget -= row.pageviews;
    taken += 1;
  }
  const scanned = rows.slice(0, taken);
  const lastRow = scanned[scanned.length - 1];
  const last = lastRow ? { at: lastRow.started_at, id: lastRow.id } : after;
  const more = taken < rows.length || rows.length === limits.visits;
  const candidates = scanned
    .filter((row) => row.contact_id === null && row.last_seen_at < cutoff)
    .map((row) => row.id);
  if (candidates.length === 0) return { more, last, visits: 0, pageviews: 0 };

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
    if (ids.length === 0) return { more, last, visits: 0, pageviews: 0 };
  }
  const pageviews = deletedCount(
    await tx.deleteFrom('pageviews').where('visit_id', 'in', ids).executeTakeFirst(),
  );
  // By id alone: the conditions were checked in this transaction, whose rows nobody else may change (the
  // write lock on SQLite, FOR UPDATE on PostgreSQL). Repeating `contact_id is null` here made SQLite's
  // planner take visits_by_contact for a long IN list and walk every anonymous visit (decision 039).
  const visits = deletedCount(await tx.deleteFrom('visits').where('id', 'in', ids).executeTakeFirst());
  return { more, last, visits, pageviews };
}

/**
 * Deletes up to `limit` page views recorded without identifiers (no visit) before `cutoff`, after `after`
 * in (time, event id) order. On PostgreSQL rows another transaction holds (a late engaged-time update,
 * another node's pass) are skipped.
 */
export async function deleteAnonymousPageviewBatch(
  tx: Tx,
  engine: Engine,
  websiteId: string,
  cutoff: number,
  limit: number,
  after: RetentionCursor | null,
): Promise<{ more: boolean; last: RetentionCursor | null; pageviews: number }> {
  let query = tx
    .selectFrom('pageviews')
    .select(['event_id', 'occurred_at'])
    .where('website_id', '=', websiteId)
    .where('occurred_at', '<', cutoff)
    .where('visit_id', 'is', null);
  if (after) query = query.where(afterCursor('occurred_at', 'event_id', after));
  query = query.orderBy('occurred_at').orderBy('event_id').limit(limit);
  if (engine === 'postgres') query = query.forUpdate().skipLocked();
  const rows = await query.execute();
  const lastRow = rows[rows.length - 1];
  const last = lastRow ? { at: lastRow.occurred_at, id: lastRow.event_id } : after;
  const more = rows.length === limit;
  if (rows.length === 0) return { more, last, pageviews: 0 };
  const pageviews = deletedCount(
    await tx
      .deleteFrom('pageviews')
      .where('website_id', '=', websiteId)
      .where(
        'event_id',
        'in',
        rows.map((row) => row.event_id),
      )
      .where('visit_id', 'is', null)
      .executeTakeFirst(),
  );
  return { more, last, pageviews };
}

// --- Reads for the interaction feed (src/tracking/visit-interactions.ts): a contact's visits. ---

function visitsWithWebsite(db: Db) {
  return db
    .selectFrom('visits')
    .leftJoin('websites', 'websites.id', 'visits.website_id')
    .select([
      'visits.id',
      'visits.contact_id',
      'visits.website_id',
      'websites.name as website_name',
      'visits.started_at',
      'visits.last_seen_at',
      'visits.entry_path',
      'visits.referrer',
      'visits.utm_source',
      'visits.utm_medium',
      'visits.utm_campaign',
      'visits.utm_term',
      'visits.utm_content',
      'visits.pageviews',
      'visits.engaged_ms',
      'visits.bot_reason',
    ]);
}

export type VisitRow = Awaited<ReturnType<typeof visitPageOfContact>>[number];

/** The visits that name the contact, newest first by (start, id), after a cursor's bound. */
export async function visitPageOfContact(
  db: Db,
  contactId: string,
  bound: SourceBound | null,
  limit: number,
) {
  let query = visitsWithWebsite(db).where('visits.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('visits.started_at', 'visits.id', bound));
  return query.orderBy('visits.started_at', 'desc').orderBy('visits.id', 'desc').limit(limit).execute();
}

/** Visits by id that belong to a contact. */
export async function contactVisitsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return visitsWithWebsite(db)
    .where('visits.id', 'in', [...ids])
    .where('visits.contact_id', 'is not', null)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Visits as lead scoring settles them once they have ended (src/scoring/settle-visits.ts)

/** The distinct paths of each visit's page views (a visit's entry path is its first). */
export async function pathsOfVisits(db: Db, visitIds: readonly string[]): Promise<Map<string, string[]>> {
  const paths = new Map<string, string[]>();
  if (visitIds.length === 0) return paths;
  const rows = await db
    .selectFrom('pageviews')
    .select(['visit_id', 'path'])
    .distinct()
    .where('visit_id', 'in', [...visitIds])
    .execute();
  for (const row of rows) {
    if (row.visit_id === null) continue;
    const list = paths.get(row.visit_id) ?? [];
    list.push(row.path);
    paths.set(row.visit_id, list);
  }
  return paths;
}

/**
 * A website's human visits started after a (started_at, id) mark, in that order: a range scan of
 * visits_by_website_time (website, started_at, bot, …).
 */
export async function humanVisitsAfter(
  db: Db,
  websiteId: string,
  after: { startedAt: number; id: string } | null,
  limit: number,
) {
  let query = db
    .selectFrom('visits')
    .select(['id', 'started_at', 'last_seen_at', 'contact_id'])
    .where('website_id', '=', websiteId)
    .where('bot', '=', 0);
  if (after) {
    const { startedAt, id } = after;
    // The plain bound keeps the scan a range of the index; the OR breaks ties on started_at by id.
    query = query
      .where('started_at', '>=', startedAt)
      .where((eb) =>
        eb.or([
          eb('started_at', '>', startedAt),
          eb.and([eb('started_at', '=', startedAt), eb('id', '>', id)]),
        ]),
      );
  }
  const rows = await query.orderBy('started_at').orderBy('id').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    startedAt: Number(row.started_at),
    lastSeenAt: Number(row.last_seen_at),
    contactId: row.contact_id,
  }));
}
