// The tracking store on a SQLite file, for the writer thread: the same reads and writes as store.ts, as
// statements prepared once on the connection. Kysely would build and compile each batch's SQL anew, and
// list-sized statements differ from batch to batch; here every statement is compiled once and reused,
// with its columns spelled out (building the SQL per row from the row's keys cost more than running it).
import type SqliteDatabase from 'better-sqlite3';
import { MINUTE_MS } from '../lib/time.ts';
import {
  type BatchState,
  candidateVisitorIds,
  type KnownPageview,
  type KnownVisit,
  type KnownVisitor,
  planBatch,
  type WritePlan,
} from './batch-plan.ts';
import { BrowserCache } from './browser-cache.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import {
  ConcurrentDuplicateError,
  VISIT_SOURCE_COLUMNS,
  type VisitSourceRow,
  visitSourceOf,
} from './store.ts';

type Row = Record<string, unknown>;

export type SqliteBatchWriter = (events: TrackingEvent[]) => IngestOutcome[];

/** Rollup upserts: the key columns, then the columns added to the stored row on conflict. */
const rollup = (table: string, keys: string[], sums: string[]) =>
  `insert into ${table} (${[...keys, ...sums].join(', ')}) values (${[...keys, ...sums].map(() => '?').join(', ')})
    on conflict (${keys.join(', ')}) do update set ${sums.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;

export function sqliteBatchWriter(sqlite: SqliteDatabase.Database): SqliteBatchWriter {
  const prepare = (source: string) => sqlite.prepare(source);
  const pageviewByKey = prepare(`select visit_id, visitor_id, occurred_at, path, engaged_ms, bot
    from pageviews where website_id = ? and event_id = ?`);
  const aliasOf = prepare('select visitor_id from visitor_aliases where alias_id = ?');
  const visitorById = prepare('select contact_id, last_seen_at from visitors where id = ?');
  // The visit started last is the browser's latest there (see migration 005).
  const latestVisit = prepare(`select id, started_at, last_seen_at, pageviews, bot, ${VISIT_SOURCE_COLUMNS}
    from visits where visitor_id = ? and website_id = ? order by started_at desc limit 1`);

  const insertVisitor = prepare(`insert into visitors (id, created_at, last_seen_at, contact_id)
    values (?, ?, ?, ?) on conflict (id) do nothing`);
  const insertAlias = prepare(`insert into visitor_aliases (alias_id, visitor_id) values (?, ?)
    on conflict (alias_id) do nothing`);
  const touchVisitor = prepare('update visitors set last_seen_at = ? where id = ? and last_seen_at < ?');
  const insertVisit = prepare(`insert into visits (id, website_id, visitor_id, started_at, last_seen_at,
    pageviews, engaged_ms, entry_path, referrer, referrer_host, utm_source, utm_medium, utm_campaign, utm_term,
    utm_content, bot, bot_reason, identified, contact_id)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const incrementVisit = prepare(`update visits set pageviews = pageviews + ?, engaged_ms = engaged_ms + ?,
    last_seen_at = case when last_seen_at < ? then ? else last_seen_at end where id = ?`);
  const insertPageview = prepare(`insert into pageviews (website_id, event_id, visit_id, visitor_id,
    occurred_at, url, path, title, referrer, engaged_ms, bot, bot_reason, anonymous)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (website_id, event_id) do nothing`);
  const raiseEngaged = prepare(
    'update pageviews set engaged_ms = ? where website_id = ? and event_id = ? and engaged_ms < ?',
  );
  const addStats = prepare(
    rollup(
      'daily_stats',
      ['website_id', 'day', 'bot'],
      ['pageviews', 'anonymous_pageviews', 'visits', 'bounces', 'engaged_ms'],
    ),
  );
  const addPage = prepare(
    rollup('daily_pages', ['website_id', 'day', 'bot', 'path'], ['pageviews', 'engaged_ms']),
  );
  const visitSums = ['visits', 'bounces', 'pageviews', 'engaged_ms'];
  const addReferrer = prepare(
    rollup('daily_referrers', ['website_id', 'day', 'bot', 'referrer_host'], visitSums),
  );
  const addCampaign = prepare(
    rollup(
      'daily_campaigns',
      ['website_id', 'day', 'bot', 'utm_source', 'utm_medium', 'utm_campaign'],
      visitSums,
    ),
  );
  const addEntryPage = prepare(
    rollup('daily_entry_pages', ['website_id', 'day', 'bot', 'entry_path'], visitSums),
  );
  // Sketch registers keep their maximum.
  const raiseSketch = prepare(`insert into daily_visitor_sketch (website_id, day, bot, kind, reg, rho)
    values (?, ?, ?, ?, ?, ?) on conflict (website_id, day, bot, kind, reg)
    do update set rho = case when excluded.rho > daily_visitor_sketch.rho then excluded.rho else daily_visitor_sketch.rho end`);

  // Returning browsers are read from here; whether anyone but this writer changed the database since
  // its last commit decides whether what it remembers still holds (see browser-cache.ts).
  const cache = new BrowserCache();
  const changedBy = prepare(
    'select (select data_version from pragma_data_version) as version, total_changes() as changes',
  );
  const changeCount = prepare('select total_changes()').pluck();

  const readAlias = (id: string) =>
    (aliasOf.get(id) as { visitor_id: string } | undefined)?.visitor_id ?? null;

  function readVisitor(id: string): KnownVisitor | null {
    const row = visitorById.get(id) as Row | undefined;
    if (!row) return null;
    return { contactId: row['contact_id'] as string | null, lastSeenAt: Number(row['last_seen_at']) };
  }

  function readLatestVisit(visitorId: string, websiteId: string): KnownVisit | null {
    const row = latestVisit.get(visitorId, websiteId) as Row | undefined;
    if (!row) return null;
    return {
      id: row['id'] as string,
      websiteId,
      visitorId,
      startedAt: Number(row['started_at']),
      lastSeenAt: Number(row['last_seen_at']),
      pageviews: row['pageviews'] as number,
      bot: row['bot'] as number,
      source: visitSourceOf(row as unknown as VisitSourceRow),
    };
  }

  function loadBatchState(events: readonly TrackingEvent[]): BatchState {
    const pageviews = new Map<string, KnownPageview>();
    for (const e of events) {
      const eventId = e.kind === 'pageview' ? e.eventId : e.pageviewEventId;
      const k = `${e.websiteId}|${eventId}`;
      if (pageviews.has(k)) continue;
      const row = pageviewByKey.get(e.websiteId, eventId) as Row | undefined;
      if (!row) continue;
      pageviews.set(k, {
        websiteId: e.websiteId,
        eventId,
        visitId: row['visit_id'] as string | null,
        visitorId: row['visitor_id'] as string | null,
        occurredAt: Number(row['occurred_at']),
        path: row['path'] as string,
        engagedMs: Number(row['engaged_ms']),
        bot: row['bot'] as number,
      });
    }

    const candidateIds = candidateVisitorIds(events, pageviews);

    const aliases = new Map<string, string>();
    for (const id of candidateIds) {
      const visitorId = cache.alias(id, readAlias);
      if (visitorId !== null) aliases.set(id, visitorId);
    }
    const visitors = new Map<string, KnownVisitor>();
    for (const ids of [candidateIds, aliases.values()]) {
      for (const id of ids) {
        const visitor = cache.visitor(id, readVisitor);
        if (visitor) visitors.set(id, visitor);
      }
    }

    const latestVisits = new Map<string, KnownVisit>();
    if (visitors.size > 0) {
      const websiteIds = new Set<string>();
      // Same window as store.ts: the earliest event minus the longest timeout in the batch.
      let earliest = Number.POSITIVE_INFINITY;
      let longestTimeout = 0;
      for (const e of events) {
        websiteIds.add(e.websiteId);
        if (e.receivedAt < earliest) earliest = e.receivedAt;
        if (e.visitTimeoutMinutes > longestTimeout) longestTimeout = e.visitTimeoutMinutes;
      }
      const since = earliest - longestTimeout * MINUTE_MS;
      for (const visitorId of visitors.keys()) {
        for (const websiteId of websiteIds) {
          const k = `${visitorId}|${websiteId}`;
          const visit = cache.latestVisit(k, () => readLatestVisit(visitorId, websiteId));
          if (visit && visit.lastSeenAt >= since) latestVisits.set(k, visit);
        }
      }
    }
    return { visitors, aliases, latestVisits, pageviews };
  }

  function writePlan(plan: WritePlan, now: number): void {
    for (const v of plan.newVisitors) insertVisitor.run(v.id, v.created_at, v.last_seen_at, v.contact_id);
    for (const a of plan.newAliases) insertAlias.run(a.alias_id, a.visitor_id);
    for (const id of plan.touchedVisitors) touchVisitor.run(now, id, now);
    for (const v of plan.newVisits) {
      insertVisit.run(
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
      );
    }
    for (const [id, inc] of plan.visitIncrements)
      incrementVisit.run(inc.pageviews, inc.engagedMs, inc.lastSeenAt, inc.lastSeenAt, id);
    for (const p of plan.newPageviews) {
      const { changes } = insertPageview.run(
        p.website_id,
        p.event_id,
        p.visit_id,
        p.visitor_id,
        p.occurred_at,
        p.url,
        p.path,
        p.title,
        p.referrer,
        p.engaged_ms,
        p.bot,
        p.bot_reason,
        p.anonymous,
      );
      if (changes !== 1) throw new ConcurrentDuplicateError('A page view was stored concurrently.');
    }
    for (const pv of plan.pageviewEngaged.values())
      raiseEngaged.run(pv.engagedMs, pv.websiteId, pv.eventId, pv.engagedMs);
    for (const r of plan.dailyStats.values())
      addStats.run(
        r.website_id,
        r.day,
        r.bot,
        r.pageviews,
        r.anonymous_pageviews,
        r.visits,
        r.bounces,
        r.engaged_ms,
      );
    for (const r of plan.dailyPages.values())
      addPage.run(r.website_id, r.day, r.bot, r.path, r.pageviews, r.engaged_ms);
    for (const r of plan.dailyReferrers.values())
      addReferrer.run(
        r.website_id,
        r.day,
        r.bot,
        r.referrer_host,
        r.visits,
        r.bounces,
        r.pageviews,
        r.engaged_ms,
      );
    for (const r of plan.dailyCampaigns.values())
      addCampaign.run(
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
      );
    for (const r of plan.dailyEntryPages.values())
      addEntryPage.run(
        r.website_id,
        r.day,
        r.bot,
        r.entry_path,
        r.visits,
        r.bounces,
        r.pageviews,
        r.engaged_ms,
      );
    for (const r of plan.sketch.values()) raiseSketch.run(r.website_id, r.day, r.bot, r.kind, r.reg, r.rho);
  }

  // BEGIN IMMEDIATE: the write lock from the start, so the reads and the writes see one state.
  const commit = sqlite.transaction((events: TrackingEvent[]) => {
    const { version, changes } = changedBy.get() as Row;
    cache.check(version, changes);
    const state = loadBatchState(events);
    const { plan, outcomes } = planBatch(events, state);
    writePlan(plan, Math.max(...events.map((e) => e.receivedAt)));
    return { outcomes, state, plan };
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
