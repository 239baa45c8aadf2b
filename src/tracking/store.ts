// Storage for tracking beyond the hot path (whose batch store is batch-store.ts): a contact's visits and
// page views (personal data, the interaction feed) and retention.
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
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

export async function pageviewsOfVisits(db: Tx, visitIds: readonly string[]) {
  const rows = [];
  for (let i = 0; i < visitIds.length; i += 500) {
    rows.push(
      ...(await db
        .selectFrom('pageviews')
        .selectAll()
        .where('visit_id', 'in', visitIds.slice(i, i + 500))
        .orderBy('occurred_at')
        .orderBy('event_id')
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

/**
 * Deletes up to `limit` anonymous visits of a website whose last activity is before `cutoff`, with
 * their page views. On PostgreSQL the page views are locked first (the order the tracking writer
 * locks in), then the visits with SKIP LOCKED, so a visit being identified or written by another
 * transaction — or being deleted by another node — is left for later rather than waited on.
 */
export async function deleteAnonymousVisitBatch(
  tx: Tx,
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
  const pageviews = deletedCount(
    await tx.deleteFrom('pageviews').where('visit_id', 'in', ids).executeTakeFirst(),
  );
  const visits = deletedCount(
    await tx.deleteFrom('visits').where('id', 'in', ids).where('contact_id', 'is', null).executeTakeFirst(),
  );
  return { candidates: candidates.length, visits, pageviews };
}

/**
 * Deletes up to `limit` page views recorded without identifiers (no visit) before `cutoff`. On
 * PostgreSQL rows another transaction holds (a late engaged-time update, another node's pass) are skipped.
 */
export async function deleteAnonymousPageviewBatch(
  tx: Tx,
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
  const pageviews = deletedCount(
    await tx
      .deleteFrom('pageviews')
      .where('website_id', '=', websiteId)
      .where('event_id', 'in', ids)
      .where('visit_id', 'is', null)
      .executeTakeFirst(),
  );
  return { candidates: ids.length, pageviews };
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
