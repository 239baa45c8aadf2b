// Storage for tracking: loads what a batch of events needs and writes the batch's plan in one transaction.
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import { MINUTE_MS } from '../lib/time.ts';
import { afterBound } from '../platform/interactions/after-bound.ts';
import type { SourceBound } from '../platform/interactions/interaction.ts';
import type { Engine } from '../storage/database.ts';
import { deletedCount } from '../storage/deleted-count.ts';
import type { Database, Db, VisitsTable } from '../storage/schema.ts';
import {
  type BatchState,
  candidateVisitorIds,
  type KnownPageview,
  type KnownVisit,
  type KnownVisitor,
  type VisitSource,
  type WritePlan,
} from './batch-plan.ts';
import type { TrackingEvent } from './events.ts';

type Tx = Transaction<Database> | Kysely<Database>;

/** Raised when another node stored one of this batch's page views first; the batch is retried. */
export class ConcurrentDuplicateError extends Error {}

const CHUNK = 400;

export type VisitSourceRow = Pick<
  VisitsTable,
  'entry_path' | 'referrer_host' | 'utm_source' | 'utm_medium' | 'utm_campaign'
>;

type LatestVisitRow = Pick<
  VisitsTable,
  'id' | 'website_id' | 'visitor_id' | 'started_at' | 'last_seen_at' | 'pageviews' | 'bot'
> &
  VisitSourceRow;

/** The visit columns its source is read from (batch-plan.ts VisitSource), for both stores' latest-visit reads. */
export const VISIT_SOURCE_COLUMNS = 'entry_path, referrer_host, utm_source, utm_medium, utm_campaign';

export function visitSourceOf(row: VisitSourceRow): VisitSource {
  return {
    entryPath: row.entry_path,
    referrerHost: row.referrer_host,
    utmSource: row.utm_source,
    utmMedium: row.utm_medium,
    utmCampaign: row.utm_campaign,
  };
}

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

const sortedValues = <T>(map: Map<string, T>): T[] =>
  [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

export async function loadBatchState(
  tx: Tx,
  engine: Engine,
  events: readonly TrackingEvent[],
): Promise<BatchState> {
  const lock = engine === 'postgres';
  const websiteIds = [...new Set(events.map((e) => e.websiteId))];

  const pageviewIds = new Set<string>();
  for (const e of events) pageviewIds.add(e.kind === 'pageview' ? e.eventId : e.pageviewEventId);
  const pageviews = new Map<string, KnownPageview>();
  let pvQuery = tx
    .selectFrom('pageviews')
    .select(['website_id', 'event_id', 'visit_id', 'visitor_id', 'occurred_at', 'path', 'engaged_ms', 'bot'])
    .where('website_id', 'in', websiteIds)
    .where('event_id', 'in', [...pageviewIds])
    .orderBy('website_id')
    .orderBy('event_id');
  if (lock) pvQuery = pvQuery.forUpdate();
  for (const row of await pvQuery.execute()) {
    pageviews.set(`${row.website_id}|${row.event_id}`, {
      websiteId: row.website_id,
      eventId: row.event_id,
      visitId: row.visit_id,
      visitorId: row.visitor_id,
      occurredAt: Number(row.occurred_at),
      path: row.path,
      engagedMs: Number(row.engaged_ms),
      bot: row.bot,
    });
  }

  const candidateIds = candidateVisitorIds(events, pageviews);

  const aliases = new Map<string, string>();
  if (candidateIds.size > 0) {
    const rows = await tx
      .selectFrom('visitor_aliases')
      .select(['alias_id', 'visitor_id'])
      .where('alias_id', 'in', [...candidateIds])
      .execute();
    for (const row of rows) aliases.set(row.alias_id, row.visitor_id);
  }
  const visitorIds = [...new Set([...candidateIds, ...aliases.values()])].sort();
  // Visit decisions for one browser must not race: concurrent batches (several writers per node, several
  // nodes) take a transaction lock on every id the browser is known by — also ids not stored yet, which
  // a row lock could not cover — in one global order, so they cannot deadlock.
  if (lock && visitorIds.length > 0) {
    await sql`select pg_advisory_xact_lock(h) from (
      select distinct hashtextextended(k, 1) as h from unnest(${visitorIds}::text[]) as k order by h
    ) as ordered`.execute(tx);
  }
  const visitors = new Map<string, KnownVisitor>();
  if (visitorIds.length > 0) {
    const rows = await tx
      .selectFrom('visitors')
      .select(['id', 'contact_id', 'last_seen_at'])
      .where('id', 'in', visitorIds)
      .execute();
    for (const row of rows)
      visitors.set(row.id, { contactId: row.contact_id, lastSeenAt: Number(row.last_seen_at) });
  }

  const latestVisits = new Map<string, KnownVisit>();
  if (visitors.size > 0) {
    const earliest = Math.min(...events.map((e) => e.receivedAt));
    const longestTimeout = Math.max(...events.map((e) => e.visitTimeoutMinutes));
    const since = earliest - longestTimeout * MINUTE_MS;
    const pairs = [...visitors.keys()].flatMap((visitorId) => websiteIds.map((w) => [visitorId, w] as const));
    for (const rows of chunks(pairs)) {
      const keys = sql.join(rows.map(([visitorId, websiteId]) => sql`(${visitorId}, ${websiteId})`));
      // Per browser and website the visit started last (see migration 005), if still within reach.
      // PostgreSQL: a lateral join, one backward index scan per key (with "id in (…)" it chose to scan
      // every visit for the last_seen_at filter, batch after batch). SQLite has no LATERAL.
      const found =
        engine === 'postgres'
          ? await sql<LatestVisitRow>`select v.id, v.website_id, v.visitor_id, v.started_at, v.last_seen_at,
              v.pageviews, v.bot, v.entry_path, v.referrer_host, v.utm_source, v.utm_medium, v.utm_campaign
            from (values ${keys}) as k (visitor_id, website_id)
            cross join lateral (select id, website_id, visitor_id, started_at, last_seen_at, pageviews, bot,
                ${sql.raw(VISIT_SOURCE_COLUMNS)}
              from visits where visitor_id = k.visitor_id and website_id = k.website_id
              order by started_at desc limit 1) as v
            where v.last_seen_at >= ${since}`.execute(tx)
          : await sql<LatestVisitRow>`select id, website_id, visitor_id, started_at, last_seen_at,
              pageviews, bot, ${sql.raw(VISIT_SOURCE_COLUMNS)} from visits
            where last_seen_at >= ${since} and id in (
              select (select v.id from visits as v where v.visitor_id = k.column1 and v.website_id = k.column2
                order by v.started_at desc limit 1)
              from (values ${keys}) as k)`.execute(tx);
      for (const row of found.rows) {
        latestVisits.set(`${row.visitor_id}|${row.website_id}`, {
          id: row.id,
          websiteId: row.website_id,
          visitorId: row.visitor_id,
          startedAt: Number(row.started_at),
          lastSeenAt: Number(row.last_seen_at),
          pageviews: Number(row.pageviews),
          bot: Number(row.bot),
          source: visitSourceOf(row),
        });
      }
    }
  }
  return { visitors, aliases, latestVisits, pageviews };
}

export async function writePlan(tx: Tx, plan: WritePlan, now: number): Promise<void> {
  for (const rows of chunks(plan.newVisitors)) {
    await tx
      .insertInto('visitors')
      .values(rows)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  for (const rows of chunks(plan.newAliases)) {
    await tx
      .insertInto('visitor_aliases')
      .values(rows)
      .onConflict((oc) => oc.column('alias_id').doNothing())
      .execute();
  }
  const touched = [...plan.touchedVisitors].sort();
  for (const ids of chunks(touched)) {
    await tx
      .updateTable('visitors')
      .set({ last_seen_at: now })
      .where('id', 'in', ids)
      .where('last_seen_at', '<', now)
      .execute();
  }
  for (const rows of chunks(plan.newVisits)) await tx.insertInto('visits').values(rows).execute();
  // One statement for all visits this batch continues (UPDATE … FROM VALUES runs on both engines).
  const increments = [...plan.visitIncrements.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const rows of chunks(increments)) {
    const values = sql.join(
      rows.map(([id, inc]) => sql`(${id}, ${inc.pageviews}, ${inc.engagedMs}, ${inc.lastSeenAt})`),
    );
    await sql`update visits set
        pageviews = visits.pageviews + cast(v.column2 as integer),
        engaged_ms = visits.engaged_ms + cast(v.column3 as bigint),
        last_seen_at = case when visits.last_seen_at < cast(v.column4 as bigint) then cast(v.column4 as bigint) else visits.last_seen_at end
      from (values ${values}) as v
      where visits.id = v.column1`.execute(tx);
  }
  for (const rows of chunks(plan.newPageviews)) {
    const inserted = await tx
      .insertInto('pageviews')
      .values(rows)
      .onConflict((oc) => oc.columns(['website_id', 'event_id']).doNothing())
      .returning('event_id')
      .execute();
    if (inserted.length !== rows.length)
      throw new ConcurrentDuplicateError('A page view was stored concurrently.');
  }
  for (const rows of chunks(sortedValues(plan.pageviewEngaged))) {
    const values = sql.join(rows.map((pv) => sql`(${pv.websiteId}, ${pv.eventId}, ${pv.engagedMs})`));
    await sql`update pageviews set engaged_ms = cast(v.column3 as bigint)
      from (values ${values}) as v
      where pageviews.website_id = v.column1 and pageviews.event_id = v.column2
        and pageviews.engaged_ms < cast(v.column3 as bigint)`.execute(tx);
  }
  await writeRollups(tx, plan);
}

async function writeRollups(tx: Tx, plan: WritePlan): Promise<void> {
  for (const rows of chunks(sortedValues(plan.dailyStats))) {
    await tx
      .insertInto('daily_stats')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['website_id', 'day', 'bot']).doUpdateSet((eb) => ({
          pageviews: eb('daily_stats.pageviews', '+', eb.ref('excluded.pageviews')),
          anonymous_pageviews: eb(
            'daily_stats.anonymous_pageviews',
            '+',
            eb.ref('excluded.anonymous_pageviews'),
          ),
          visits: eb('daily_stats.visits', '+', eb.ref('excluded.visits')),
          bounces: eb('daily_stats.bounces', '+', eb.ref('excluded.bounces')),
          engaged_ms: eb('daily_stats.engaged_ms', '+', eb.ref('excluded.engaged_ms')),
        })),
      )
      .execute();
  }
  for (const rows of chunks(sortedValues(plan.dailyPages))) {
    await tx
      .insertInto('daily_pages')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['website_id', 'day', 'bot', 'path']).doUpdateSet((eb) => ({
          pageviews: eb('daily_pages.pageviews', '+', eb.ref('excluded.pageviews')),
          engaged_ms: eb('daily_pages.engaged_ms', '+', eb.ref('excluded.engaged_ms')),
        })),
      )
      .execute();
  }
  for (const rows of chunks(sortedValues(plan.dailyReferrers))) {
    await tx
      .insertInto('daily_referrers')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['website_id', 'day', 'bot', 'referrer_host']).doUpdateSet((eb) => ({
          visits: eb('daily_referrers.visits', '+', eb.ref('excluded.visits')),
          bounces: eb('daily_referrers.bounces', '+', eb.ref('excluded.bounces')),
          pageviews: eb('daily_referrers.pageviews', '+', eb.ref('excluded.pageviews')),
          engaged_ms: eb('daily_referrers.engaged_ms', '+', eb.ref('excluded.engaged_ms')),
        })),
      )
      .execute();
  }
  for (const rows of chunks(sortedValues(plan.dailyEntryPages))) {
    await tx
      .insertInto('daily_entry_pages')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['website_id', 'day', 'bot', 'entry_path']).doUpdateSet((eb) => ({
          visits: eb('daily_entry_pages.visits', '+', eb.ref('excluded.visits')),
          bounces: eb('daily_entry_pages.bounces', '+', eb.ref('excluded.bounces')),
          pageviews: eb('daily_entry_pages.pageviews', '+', eb.ref('excluded.pageviews')),
          engaged_ms: eb('daily_entry_pages.engaged_ms', '+', eb.ref('excluded.engaged_ms')),
        })),
      )
      .execute();
  }
  for (const rows of chunks(sortedValues(plan.dailyCampaigns))) {
    await tx
      .insertInto('daily_campaigns')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['website_id', 'day', 'bot', 'utm_source', 'utm_medium', 'utm_campaign'])
          .doUpdateSet((eb) => ({
            visits: eb('daily_campaigns.visits', '+', eb.ref('excluded.visits')),
            bounces: eb('daily_campaigns.bounces', '+', eb.ref('excluded.bounces')),
            pageviews: eb('daily_campaigns.pageviews', '+', eb.ref('excluded.pageviews')),
            engaged_ms: eb('daily_campaigns.engaged_ms', '+', eb.ref('excluded.engaged_ms')),
          })),
      )
      .execute();
  }
  for (const rows of chunks(sortedValues(plan.sketch))) {
    await tx
      .insertInto('daily_visitor_sketch')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['website_id', 'day', 'bot', 'kind', 'reg']).doUpdateSet((eb) => ({
          rho: eb
            .case()
            .when('excluded.rho', '>', eb.ref('daily_visitor_sketch.rho'))
            .then(eb.ref('excluded.rho'))
            .else(eb.ref('daily_visitor_sketch.rho'))
            .end(),
        })),
      )
      .execute();
  }
}

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
