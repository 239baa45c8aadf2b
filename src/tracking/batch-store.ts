// The tracking hot path's store, written once: for a batch of page views and engaged time it reads what
// the batch needs, lets the pure planner decide (batch-plan.ts) and writes the plan, all in one
// transaction. It is a statement program (storage/statements.ts): the SQLite writer thread runs it on its
// own connection (`threadBatchStore`), the in-process path (`commitBatch`) on a raw PostgreSQL client with
// its statements pipelined (runOnPostgres, decision 042), or through Kysely on SQLite `:memory:`. The rules are the same on both engines; what differs is the shape of the
// statements, and that difference lives here, beside each statement:
// - SQLite: one row per statement, with fixed text, so the thread prepares each statement once and
//   reuses it (decision 004: compiling list-sized SQL per batch cost the thread more than SQLite's work);
//   only the thread remembers browsers between batches (browser-cache.ts).
// - PostgreSQL: one set-based statement per read or write, the rows in array parameters (`= any(?)`,
//   `unnest`), so a batch costs a fixed number of round trips whatever its size; several batches commit
//   at once, so page view keys and browsers are advisory-locked and rows written in key order.
import type SqliteDatabase from 'better-sqlite3';
import { DAY_MS, MINUTE_MS } from '../lib/time.ts';
import type { Engine, Storage } from '../storage/database.ts';
import type {
  DailyCampaignsTable,
  DailyEntryPagesTable,
  DailyPagesTable,
  DailyReferrersTable,
  DailyStatsTable,
  DailyVisitorSketchTable,
  PageviewsTable,
  VisitorsTable,
  VisitsTable,
} from '../storage/schema.ts';
import {
  all,
  allTogether,
  changeEach,
  firstEach,
  runOnDb,
  runOnPostgres,
  runOnSqlite,
  type StatementProgram,
  write,
} from '../storage/statements.ts';
import {
  type BatchState,
  candidateVisitorIds,
  type KnownPageview,
  type KnownVisit,
  type KnownVisitor,
  planBatch,
  type WritePlan,
} from './batch-plan.ts';
import { BrowserCache, type Memory } from './browser-cache.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';

/** Raised when another node stored one of this batch's page views first; the batch is retried. */
export class ConcurrentDuplicateError extends Error {}

/** What one batch read, decided and wrote (the thread's cache learns from the first two). */
export interface CommittedBatch {
  outcomes: IngestOutcome[];
  state: BatchState;
  plan: WritePlan;
}

/** One batch of events, one transaction, in process (PostgreSQL, SQLite `:memory:`). */
export async function commitBatch(storage: Storage, events: TrackingEvent[]): Promise<IngestOutcome[]> {
  const program = batchStatements(events, storage.engine, null);
  // PostgreSQL: a raw client, the statements pipelined (decision 042).
  if (storage.pgPool) return (await runOnPostgres(storage.pgPool, program)).outcomes;
  const { outcomes } = await storage.db.transaction().execute((tx) => runOnDb(tx, program));
  return outcomes;
}

/**
 * The same store on a SQLite file, opened by the writer thread on its connection (the hot path's
 * `threadStore`): each batch in one `BEGIN IMMEDIATE` transaction (the write lock from the start, so reads
 * and writes see one state), with the browsers it remembers between batches.
 */
export function threadBatchStore(
  sqlite: SqliteDatabase.Database,
): (events: TrackingEvent[]) => IngestOutcome[] {
  // Whether anyone but this writer changed the database since its last commit decides whether what the
  // cache remembers still holds (browser-cache.ts). Thread-only statements, so not part of the program.
  const cache = new BrowserCache();
  const changedBy = sqlite.prepare(
    'select (select data_version from pragma_data_version) as version, total_changes() as changes',
  );
  const changeCount = sqlite.prepare('select total_changes()').pluck();
  const commit = sqlite.transaction((events: TrackingEvent[]) => {
    const { version, changes } = changedBy.get() as { version: unknown; changes: unknown };
    cache.check(version, changes);
    return runOnSqlite(sqlite, batchStatements(events, 'sqlite', cache));
  });
  return (events) => {
    try {
      const { outcomes, state, plan } = commit.immediate(events);
      cache.remember(state, plan, changeCount.get());
      return outcomes;
    } catch (error) {
      // The planner updated remembered objects for writes that were rolled back.
      cache.clear();
      throw error;
    }
  };
}

/** The batch as one program: load, plan, write. `cache` only on the writer thread. */
export function* batchStatements(
  events: readonly TrackingEvent[],
  engine: Engine,
  cache: BrowserCache | null,
): StatementProgram<CommittedBatch> {
  const state = yield* loadBatchState(events, engine, cache);
  const { plan, outcomes } = planBatch(events, state);
  let now = Number.NEGATIVE_INFINITY;
  for (const e of events) if (e.receivedAt > now) now = e.receivedAt;
  yield* writePlanStatements(plan, now, engine);
  return { outcomes, state, plan };
}

// ---------------------------------------------------------------------------------------------------
// Reads: what storage holds of the batch's page views and browsers

// A page view's browser is its visit's (migration 039 stopped storing it on the page view).
const PAGEVIEW_COLUMNS =
  'p.website_id, p.event_id, p.visit_id, v.visitor_id, p.occurred_at, p.path, p.engaged_ms, p.bot';
const PAGEVIEW_FROM = 'pageviews p left join visits v on v.id = p.visit_id';
// With the visit's source (entry page, referrer, campaign): later page views of the visit add to its
// source's rollups (daily_entry_pages, daily_referrers, daily_campaigns).
const LATEST_VISIT_COLUMNS =
  'id, website_id, visitor_id, started_at, last_seen_at, pageviews, bot, entry_path, referrer_host, utm_source, utm_medium, utm_campaign, origin';

/** The advisory lock class (two-key form) of page view keys; 21_037 after the migration that needed it. */
const PAGEVIEW_LOCK_CLASS = 21_037;
/**
 * How far from a batch's arrivals PostgreSQL looks for a stored copy of its page views (and for the page
 * view engaged time is reported for). The tracker retries within seconds and reports engaged time while
 * the page is open; a copy arriving more than a day after the first would be stored again.
 */
export const PAGEVIEW_REACH_MS = DAY_MS;

const READ = {
  sqlite: {
    pageview: `select ${PAGEVIEW_COLUMNS} from ${PAGEVIEW_FROM} where p.website_id = ? and p.event_id = ?`,
    alias: 'select visitor_id from visitor_aliases where alias_id = ?',
    visitor: 'select id, contact_id, last_seen_at from visitors where id = ?',
    // The visit started last is the browser's latest there (migration 005), however long ago: the
    // thread remembers it as such; whether it is within the batch's reach is decided after.
    latestVisit: `select ${LATEST_VISIT_COLUMNS} from visits
      where visitor_id = ? and website_id = ? order by started_at desc limit 1`,
  },
  postgres: {
    // A page view sent twice (retried, or to two nodes at once) is stored once: its copies have
    // different occurred_at (each its own arrival) and the table is partitioned by it, so no unique key
    // can catch them (decision 041). Instead every batch takes a transaction lock on each page view key
    // it will read, in one order (distinct from the browsers' locks: the two-key form), before reading:
    // a concurrent batch with the same page view waits until the first commits, then finds it.
    lockPageviews: `select pg_advisory_xact_lock(${PAGEVIEW_LOCK_CLASS}, h) from (
      select distinct hashtext(k) as h from unnest(?::text[]) as k order by h) as ordered`,
    // Within PAGEVIEW_REACH_MS of the batch's arrivals: the one or two monthly partitions that can hold
    // another copy, or the page view engaged time is reported for; never the kept partition. Joined to
    // the (website, event) pairs, so the plan is one key probe per pair whatever the statistics: with
    // `event_id = any(…)` a month's partition not yet analysed was read as every page view of the website
    // within the reach, filtered (decision 047).
    pageviews: `select ${PAGEVIEW_COLUMNS} from unnest(?::text[], ?::text[]) as k (website_id, event_id)
      join pageviews p on p.website_id = k.website_id and p.event_id = k.event_id
      left join visits v on v.id = p.visit_id
      where p.occurred_at between ? and ? and p.kept = 0`,
    aliases: 'select alias_id, visitor_id from visitor_aliases where alias_id = any(?::text[])',
    // Visit decisions for one browser must not race: concurrent batches (several writers per node,
    // several nodes) take a transaction lock on every id the browser is known by — also ids not stored
    // yet, which a row lock could not cover — in one global order, so they cannot deadlock.
    lockBrowsers: `select pg_advisory_xact_lock(h) from (
      select distinct hashtextextended(k, 1) as h from unnest(?::text[]) as k order by h) as ordered`,
    visitors: 'select id, contact_id, last_seen_at from visitors where id = any(?::text[])',
    // A lateral join, one backward index scan per key (with "id in (…)" PostgreSQL chose to scan every
    // visit for the last_seen_at filter, batch after batch).
    latestVisits: `select v.${LATEST_VISIT_COLUMNS.split(', ').join(', v.')}
      from unnest(?::text[], ?::text[]) as k (visitor_id, website_id)
      cross join lateral (select ${LATEST_VISIT_COLUMNS} from visits
        where visitor_id = k.visitor_id and website_id = k.website_id
        order by started_at desc limit 1) as v
      where v.last_seen_at >= ?`,
  },
} as const;

type Row = Record<string, unknown>;

const knownPageview = (row: Row): KnownPageview => ({
  websiteId: row['website_id'] as string,
  eventId: row['event_id'] as string,
  visitId: row['visit_id'] as string | null,
  visitorId: row['visitor_id'] as string | null,
  occurredAt: Number(row['occurred_at']),
  path: row['path'] as string,
  engagedMs: Number(row['engaged_ms']),
  bot: Number(row['bot']),
});

const knownVisitor = (row: Row): KnownVisitor => ({
  contactId: row['contact_id'] as string | null,
  lastSeenAt: Number(row['last_seen_at']),
});

const knownVisit = (row: Row): KnownVisit => ({
  id: row['id'] as string,
  websiteId: row['website_id'] as string,
  visitorId: row['visitor_id'] as string,
  startedAt: Number(row['started_at']),
  lastSeenAt: Number(row['last_seen_at']),
  pageviews: Number(row['pageviews']),
  bot: Number(row['bot']),
  source: {
    entryPath: row['entry_path'] as string,
    referrerHost: row['referrer_host'] as string | null,
    utmSource: row['utm_source'] as string | null,
    utmMedium: row['utm_medium'] as string | null,
    utmCampaign: row['utm_campaign'] as string | null,
  },
  origin: row['origin'] as string | null,
});

const pageviewKey = (e: TrackingEvent) => (e.kind === 'pageview' ? e.eventId : e.pageviewEventId);

/** A browser's latest visit is within the batch's reach if seen since the earliest event minus the longest timeout. */
function reachOf(events: readonly TrackingEvent[]): { since: number; websiteIds: Set<string> } {
  const websiteIds = new Set<string>();
  let earliest = Number.POSITIVE_INFINITY;
  let longestTimeout = 0;
  for (const e of events) {
    websiteIds.add(e.websiteId);
    if (e.receivedAt < earliest) earliest = e.receivedAt;
    if (e.visitTimeoutMinutes > longestTimeout) longestTimeout = e.visitTimeoutMinutes;
  }
  return { since: earliest - longestTimeout * MINUTE_MS, websiteIds };
}

function loadBatchState(
  events: readonly TrackingEvent[],
  engine: Engine,
  cache: BrowserCache | null,
): StatementProgram<BatchState> {
  return engine === 'postgres' ? loadSets(events) : loadRows(events, cache);
}

/**
 * SQLite: a statement per page view and per browser id the thread does not remember (fixed text, prepared
 * once), each kind for the whole batch in one step of the program (firstEach).
 */
function* loadRows(
  events: readonly TrackingEvent[],
  cache: BrowserCache | null,
): StatementProgram<BatchState> {
  const pageviews = new Map<string, KnownPageview>();
  const pageviewKeys = new Map<string, unknown[]>();
  for (const e of events) {
    const eventId = pageviewKey(e);
    pageviewKeys.set(`${e.websiteId}|${eventId}`, [e.websiteId, eventId]);
  }
  const found = yield* firstEach(READ.sqlite.pageview, [...pageviewKeys.values()]);
  let i = 0;
  for (const k of pageviewKeys.keys()) {
    const row = found[i++];
    if (row) pageviews.set(k, knownPageview(row));
  }

  const candidateIds = [...candidateVisitorIds(events, pageviews)];
  const aliases = new Map<string, string>();
  yield* recall(
    candidateIds,
    cache?.aliases,
    aliases,
    READ.sqlite.alias,
    (id) => [id],
    (row) => String(row['visitor_id']),
  );
  const visitorIds = aliases.size === 0 ? candidateIds : [...new Set([...candidateIds, ...aliases.values()])];
  const visitors = new Map<string, KnownVisitor>();
  yield* recall(visitorIds, cache?.visitors, visitors, READ.sqlite.visitor, (id) => [id], knownVisitor);

  const latestVisits = new Map<string, KnownVisit>();
  if (visitors.size > 0) {
    const { since, websiteIds } = reachOf(events);
    const pairs = new Map<string, [string, string]>();
    for (const visitorId of visitors.keys())
      for (const websiteId of websiteIds) pairs.set(`${visitorId}|${websiteId}`, [visitorId, websiteId]);
    const latest = new Map<string, KnownVisit>();
    yield* recall(
      [...pairs.keys()],
      cache?.latestVisits,
      latest,
      READ.sqlite.latestVisit,
      (k) => pairs.get(k) as [string, string],
      knownVisit,
    );
    for (const [k, visit] of latest) if (visit.lastSeenAt >= since) latestVisits.set(k, visit);
  }
  return { visitors, aliases, latestVisits, pageviews };
}

/**
 * Puts into `found` the rows these keys name: what the thread remembers (`memory`; none in process), the
 * rest read with one statement per key and remembered (null where the database holds no row).
 */
function* recall<V>(
  keys: readonly string[],
  memory: Memory<V> | undefined,
  found: Map<string, V>,
  text: string,
  paramsOf: (key: string) => unknown[],
  fromRow: (row: Row) => V,
): StatementProgram<void> {
  const missing: string[] = [];
  for (const key of keys) {
    const remembered = memory?.get(key);
    if (remembered === undefined) missing.push(key);
    else if (remembered !== null) found.set(key, remembered);
  }
  const rows = yield* firstEach(text, missing.map(paramsOf));
  for (let i = 0; i < missing.length; i++) {
    const key = missing[i] as string;
    const row = rows[i];
    const value = row ? fromRow(row) : null;
    if (value !== null) found.set(key, value);
    memory?.set(key, value);
  }
}

/**
 * PostgreSQL: one statement per kind of row, whatever the batch's size, sent in two round trips (three
 * when an engaged-time event names a browser no event of the batch does): the page views with the
 * aliases of the events' browsers, then the browsers' lock with the reads it guards (runOnPostgres).
 */
function* loadSets(events: readonly TrackingEvent[]): StatementProgram<BatchState> {
  const pageviews = new Map<string, KnownPageview>();
  const websiteIds = [...new Set(events.map((e) => e.websiteId))];
  const keyWebsiteIds: string[] = [];
  const keyEventIds: string[] = [];
  const pageviewKeys = new Set<string>();
  for (const e of events) {
    const eventId = pageviewKey(e);
    const k = `${e.websiteId}|${eventId}`;
    if (pageviewKeys.has(k)) continue;
    pageviewKeys.add(k);
    keyWebsiteIds.push(e.websiteId);
    keyEventIds.push(eventId);
  }
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (e.receivedAt < first) first = e.receivedAt;
    if (e.receivedAt > last) last = e.receivedAt;
  }
  const reach = [first - PAGEVIEW_REACH_MS, last + PAGEVIEW_REACH_MS];
  const eventBrowsers = candidateVisitorIds(events, pageviews);
  // One round trip: the page views' locks, then (once they are held) the page views and the aliases.
  const [, pageviewRows, aliasRows] = (yield* allTogether([
    [READ.postgres.lockPageviews, [[...pageviewKeys]]],
    [READ.postgres.pageviews, [keyWebsiteIds, keyEventIds, ...reach]],
    ...(eventBrowsers.size > 0
      ? ([[READ.postgres.aliases, [[...eventBrowsers]]]] as [string, unknown[]][])
      : []),
  ])) as [Row[], Row[], Row[] | undefined];
  for (const row of pageviewRows) {
    const pageview = knownPageview(row);
    pageviews.set(`${pageview.websiteId}|${pageview.eventId}`, pageview);
  }

  const candidateIds = candidateVisitorIds(events, pageviews);
  const aliases = new Map<string, string>();
  const visitors = new Map<string, KnownVisitor>();
  const latestVisits = new Map<string, KnownVisit>();
  if (candidateIds.size === 0) return { visitors, aliases, latestVisits, pageviews };

  for (const row of aliasRows ?? []) aliases.set(row['alias_id'] as string, row['visitor_id'] as string);
  // Browsers only the stored page views name (engaged time of a page view whose event has no cookie).
  const unread = [...candidateIds].filter((id) => !eventBrowsers.has(id));
  if (unread.length > 0)
    for (const row of yield* all(READ.postgres.aliases, [unread]))
      aliases.set(row['alias_id'] as string, row['visitor_id'] as string);
  const visitorIds = [...new Set([...candidateIds, ...aliases.values()])].sort();
  const { since } = reachOf(events);
  const keyVisitors: string[] = [];
  const keyWebsites: string[] = [];
  for (const visitorId of visitorIds) {
    for (const websiteId of websiteIds) {
      keyVisitors.push(visitorId);
      keyWebsites.push(websiteId);
    }
  }
  // The lock first, then what it guards (each read after it: the rows it waited for are visible).
  const [, visitorRows, visitRows] = (yield* allTogether([
    [READ.postgres.lockBrowsers, [visitorIds]],
    [READ.postgres.visitors, [visitorIds]],
    [READ.postgres.latestVisits, [keyVisitors, keyWebsites, since]],
  ])) as [Row[], Row[], Row[]];
  for (const row of visitorRows) visitors.set(row['id'] as string, knownVisitor(row));
  for (const row of visitRows) {
    const visit = knownVisit(row);
    // As on SQLite, a stored browser's visits only.
    if (visitors.has(visit.visitorId)) latestVisits.set(`${visit.visitorId}|${visit.websiteId}`, visit);
  }
  return { visitors, aliases, latestVisits, pageviews };
}

// ---------------------------------------------------------------------------------------------------
// Writes: the plan

/**
 * A write of many rows written once for both engines: SQLite runs `sqlite` once per row with the row's
 * `values`; PostgreSQL runs `postgres` once, each `?` there an array of that value across the rows
 * (`unnest(?::type[], …)`).
 */
interface RowsWrite<R> {
  sqlite: string;
  postgres: string;
  values(row: R): unknown[];
  /** PostgreSQL: parameters after the arrays, of all the rows together (a range to prune partitions by). */
  postgresAfter?(rows: readonly R[]): unknown[];
}

/**
 * An insert: its columns (with their PostgreSQL types, for the arrays), what a conflict does (on each
 * engine if they differ), a row's values.
 */
function insert<R>(
  table: string,
  columns: Record<string, 'text' | 'bigint' | 'integer'>,
  onConflict: string | { sqlite: string; postgres: string },
  values: (row: R) => unknown[],
): RowsWrite<R> {
  const names = Object.keys(columns).join(', ');
  const placeholders = Object.keys(columns).map(() => '?');
  const arrays = Object.values(columns).map((type) => `?::${type}[]`);
  const conflict = typeof onConflict === 'string' ? { sqlite: onConflict, postgres: onConflict } : onConflict;
  return {
    sqlite: `insert into ${table} (${names}) values (${placeholders.join(', ')}) ${conflict.sqlite}`,
    postgres: `insert into ${table} (${names}) select * from unnest(${arrays.join(', ')}) ${conflict.postgres}`,
    values,
  };
}

/** Rollups: the key columns, then the sums added to the stored row on conflict. */
function rollup<R>(
  table: string,
  keys: Record<string, 'text' | 'integer'>,
  sums: string[],
  values: (row: R) => unknown[],
): RowsWrite<R> {
  const columns: Record<string, 'text' | 'bigint' | 'integer'> = { ...keys };
  for (const sum of sums) columns[sum] = 'bigint';
  return insert(
    table,
    columns,
    `on conflict (${Object.keys(keys).join(', ')}) do update set ${sums
      .map((c) => `${c} = ${table}.${c} + excluded.${c}`)
      .join(', ')}`,
    values,
  );
}

/** A page view stored before the batch whose engaged time the batch raises. */
type EngagedPageview = { websiteId: string; eventId: string; engagedMs: number; occurredAt: number };

/** The figures every per-dimension visit rollup keeps (write-plan.ts VisitFigures). */
const VISIT_FIGURES = ['visits', 'bounces', 'pageviews', 'engaged_ms'];

const WRITE = {
  visitor: insert<VisitorsTable>(
    'visitors',
    { id: 'text', created_at: 'bigint', last_seen_at: 'bigint', contact_id: 'text' },
    'on conflict (id) do nothing',
    (v) => [v.id, v.created_at, v.last_seen_at, v.contact_id],
  ),
  alias: insert<{ alias_id: string; visitor_id: string }>(
    'visitor_aliases',
    { alias_id: 'text', visitor_id: 'text' },
    'on conflict (alias_id) do nothing',
    (a) => [a.alias_id, a.visitor_id],
  ),
  visit: insert<VisitsTable>(
    'visits',
    {
      id: 'text',
      website_id: 'text',
      visitor_id: 'text',
      started_at: 'bigint',
      last_seen_at: 'bigint',
      pageviews: 'integer',
      engaged_ms: 'bigint',
      entry_path: 'text',
      referrer: 'text',
      referrer_host: 'text',
      utm_source: 'text',
      utm_medium: 'text',
      utm_campaign: 'text',
      utm_term: 'text',
      utm_content: 'text',
      bot: 'integer',
      bot_reason: 'text',
      identified: 'integer',
      contact_id: 'text',
      origin: 'text',
    },
    '',
    (v) => [
      v.id,
      v.website_id,
      v.visitor_id,
      v.started_at,
      v.last_seen_at,
      v.pageviews,
      v.engaged_ms,
      v.entry_path,
      v.referrer,
      v.referrer_host,
      v.utm_source,
      v.utm_medium,
      v.utm_campaign,
      v.utm_term,
      v.utm_content,
      v.bot,
      v.bot_reason,
      v.identified,
      v.contact_id,
      v.origin,
    ],
  ),
  // A page view another writer stored first is not inserted again: the batch fails and is retried (on
  // PostgreSQL by the unique key's violation itself, so the insert need not be waited for).
  pageview: insert<PageviewsTable>(
    'pageviews',
    {
      website_id: 'text',
      event_id: 'text',
      visit_id: 'text',
      occurred_at: 'bigint',
      url: 'text',
      url_query: 'text',
      path: 'text',
      title: 'text',
      referrer: 'text',
      referrer_path: 'text',
      engaged_ms: 'bigint',
      bot: 'integer',
      bot_reason: 'text',
      anonymous: 'integer',
    },
    // SQLite: the primary key. PostgreSQL: none; its primary key also holds the partition keys (occurred_at,
    // kept), so a copy with another arrival time passes it: the page view locks catch copies (decision 041).
    { sqlite: 'on conflict (website_id, event_id) do nothing', postgres: '' },
    (p) => [
      p.website_id,
      p.event_id,
      p.visit_id,
      p.occurred_at,
      p.url,
      p.url_query,
      p.path,
      p.title,
      p.referrer,
      p.referrer_path,
      p.engaged_ms,
      p.bot,
      p.bot_reason,
      p.anonymous,
    ],
  ),
  stats: rollup<DailyStatsTable>(
    'daily_stats',
    { website_id: 'text', day: 'text', bot: 'integer' },
    ['pageviews', 'anonymous_pageviews', 'visits', 'bounces', 'engaged_ms'],
    (r) => [
      r.website_id,
      r.day,
      r.bot,
      r.pageviews,
      r.anonymous_pageviews,
      r.visits,
      r.bounces,
      r.engaged_ms,
    ],
  ),
  pages: rollup<DailyPagesTable>(
    'daily_pages',
    { website_id: 'text', day: 'text', bot: 'integer', path: 'text' },
    ['pageviews', 'engaged_ms'],
    (r) => [r.website_id, r.day, r.bot, r.path, r.pageviews, r.engaged_ms],
  ),
  referrers: rollup<DailyReferrersTable>(
    'daily_referrers',
    { website_id: 'text', day: 'text', bot: 'integer', referrer_host: 'text' },
    VISIT_FIGURES,
    (r) => [r.website_id, r.day, r.bot, r.referrer_host, r.visits, r.bounces, r.pageviews, r.engaged_ms],
  ),
  campaigns: rollup<DailyCampaignsTable>(
    'daily_campaigns',
    {
      website_id: 'text',
      day: 'text',
      bot: 'integer',
      utm_source: 'text',
      utm_medium: 'text',
      utm_campaign: 'text',
    },
    VISIT_FIGURES,
    (r) => [
      r.website_id,
      r.day,
      r.bot,
      r.utm_source,
      r.utm_medium,
      r.utm_campaign,
      r.visits,
      r.bounces,
      r.pageviews,
      r.engaged_ms,
    ],
  ),
  entryPages: rollup<DailyEntryPagesTable>(
    'daily_entry_pages',
    { website_id: 'text', day: 'text', bot: 'integer', entry_path: 'text' },
    VISIT_FIGURES,
    (r) => [r.website_id, r.day, r.bot, r.entry_path, r.visits, r.bounces, r.pageviews, r.engaged_ms],
  ),
  // Sketch registers keep their maximum.
  sketch: insert<DailyVisitorSketchTable>(
    'daily_visitor_sketch',
    { website_id: 'text', day: 'text', bot: 'integer', kind: 'text', reg: 'integer', rho: 'integer' },
    `on conflict (website_id, day, bot, kind, reg) do update set rho = case
      when excluded.rho > daily_visitor_sketch.rho then excluded.rho else daily_visitor_sketch.rho end`,
    (r) => [r.website_id, r.day, r.bot, r.kind, r.reg, r.rho],
  ),
  // Updates of rows stored before the batch: by key on SQLite, joined to the arrays on PostgreSQL.
  touchVisitor: {
    sqlite: 'update visitors set last_seen_at = ? where id = ? and last_seen_at < ?',
    postgres: `update visitors set last_seen_at = v.seen
      from unnest(?::bigint[], ?::text[], ?::bigint[]) as v (seen, id, before)
      where visitors.id = v.id and visitors.last_seen_at < v.before`,
    values: (t: { id: string; now: number }) => [t.now, t.id, t.now],
  },
  incrementVisit: {
    sqlite: `update visits set pageviews = pageviews + ?, engaged_ms = engaged_ms + ?,
      last_seen_at = max(last_seen_at, ?) where id = ?`,
    postgres: `update visits set pageviews = visits.pageviews + v.pageviews,
        engaged_ms = visits.engaged_ms + v.engaged_ms, last_seen_at = greatest(visits.last_seen_at, v.seen)
      from unnest(?::integer[], ?::bigint[], ?::bigint[], ?::text[]) as v (pageviews, engaged_ms, seen, id)
      where visits.id = v.id`,
    values: ([id, inc]: [string, { pageviews: number; engagedMs: number; lastSeenAt: number }]) => [
      inc.pageviews,
      inc.engagedMs,
      inc.lastSeenAt,
      id,
    ],
  },
  raiseEngaged: {
    sqlite:
      'update pageviews set engaged_ms = ? where website_id = ? and event_id = ? and engaged_ms < ? and occurred_at = ?',
    // The whole primary key (with the partition keys), so each row is one probe of its own partition.
    // The rows' first and last occurred_at as constants too: the planner then plans only the months that
    // hold them, instead of every month's partition (a join's keys cannot prune at planning; with a
    // year's partitions, planning them was most of the batch's planning, decision 047).
    postgres: `update pageviews set engaged_ms = v.engaged_ms
      from unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bigint[]) as v (engaged_ms, website_id, event_id, below, occurred_at)
      where pageviews.website_id = v.website_id and pageviews.event_id = v.event_id
        and pageviews.occurred_at = v.occurred_at and pageviews.kept = 0
        and pageviews.engaged_ms < v.below and pageviews.occurred_at between ? and ?`,
    values: (pv: EngagedPageview) => [pv.engagedMs, pv.websiteId, pv.eventId, pv.engagedMs, pv.occurredAt],
    postgresAfter: (rows: readonly EngagedPageview[]) => {
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const pv of rows) {
        if (pv.occurredAt < first) first = pv.occurredAt;
        if (pv.occurredAt > last) last = pv.occurredAt;
      }
      return [first, last];
    },
  },
} as const;

/** Writes the plan; `now` is the instant the planner stamped on the visitors it touched. */
export function* writePlanStatements(plan: WritePlan, now: number, engine: Engine): StatementProgram<void> {
  // PostgreSQL: rows other batches may write too go in key order, so concurrent batches lock them in
  // one order and cannot deadlock. SQLite has one writer at a time: plan order, nothing sorted.
  const byKey = <T>(entries: [string, T][]) =>
    engine === 'postgres' ? entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
  const ordered = <T>(map: Map<string, T>): T[] =>
    engine === 'postgres' ? byKey([...map.entries()]).map(([, v]) => v) : [...map.values()];
  const rowsWrite = <R>(spec: RowsWrite<R>, rows: readonly R[]) => writeRows(spec, rows, engine);
  yield* rowsWrite(WRITE.visitor, plan.newVisitors);
  yield* rowsWrite(WRITE.alias, plan.newAliases);
  const touched = [...plan.touchedVisitors].map((id): [string, { id: string; now: number }] => [
    id,
    { id, now },
  ]);
  yield* rowsWrite(
    WRITE.touchVisitor,
    byKey(touched).map(([, t]) => t),
  );
  yield* rowsWrite(WRITE.visit, plan.newVisits);
  yield* rowsWrite(WRITE.incrementVisit, byKey([...plan.visitIncrements]));
  // A page view another writer stored first is not inserted again: the batch fails and is retried. On
  // PostgreSQL the insert itself fails (the unique key), on SQLite its count tells.
  if (
    (yield* rowsWrite(WRITE.pageview, plan.newPageviews)) !== plan.newPageviews.length &&
    engine === 'sqlite'
  )
    throw new ConcurrentDuplicateError('A page view was stored concurrently.');
  yield* rowsWrite(WRITE.raiseEngaged, ordered(plan.pageviewEngaged));
  yield* rowsWrite(WRITE.stats, ordered(plan.dailyStats));
  yield* rowsWrite(WRITE.pages, ordered(plan.dailyPages));
  yield* rowsWrite(WRITE.referrers, ordered(plan.dailyReferrers));
  yield* rowsWrite(WRITE.campaigns, ordered(plan.dailyCampaigns));
  yield* rowsWrite(WRITE.entryPages, ordered(plan.dailyEntryPages));
  yield* rowsWrite(WRITE.sketch, ordered(plan.sketch));
}

/**
 * Rows written the engine's way (RowsWrite); returns how many rows changed on SQLite (on PostgreSQL the
 * write is not waited for: `write`, counted as every row).
 */
function* writeRows<R>(spec: RowsWrite<R>, rows: readonly R[], engine: Engine): StatementProgram<number> {
  if (rows.length === 0) return 0;
  if (engine !== 'postgres') return yield* changeEach(spec.sqlite, rows.map(spec.values));
  // The rows' values as one array per column: unnest's parameters.
  const columns: unknown[][] = [];
  for (const row of rows) {
    const values = spec.values(row);
    for (let i = 0; i < values.length; i++) {
      if (columns.length === i) columns.push([]);
      columns[i]?.push(values[i]);
    }
  }
  yield* write(spec.postgres, spec.postgresAfter ? [...columns, ...spec.postgresAfter(rows)] : columns);
  return rows.length;
}
