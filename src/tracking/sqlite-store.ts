// The tracking store on a SQLite file, for the writer thread: the same reads and writes as store.ts, as
// statements prepared once on the connection. Kysely would build and compile each batch's SQL anew, and
// list-sized statements differ from batch to batch; here every statement is compiled once and reused.
import type SqliteDatabase from 'better-sqlite3';
import { MINUTE_MS } from '../lib/time.ts';
import {
  type BatchState,
  type KnownPageview,
  type KnownVisit,
  planBatch,
  type WritePlan,
} from './batch-plan.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import { ConcurrentDuplicateError } from './store.ts';

type Row = Record<string, unknown>;
type Value = string | number | bigint | null;

/** Rollup tables: the key columns of each; every other column is added on conflict (the sketch keeps its maximum). */
const ROLLUPS = {
  daily_stats: ['website_id', 'day', 'bot'],
  daily_pages: ['website_id', 'day', 'bot', 'path'],
  daily_referrers: ['website_id', 'day', 'bot', 'referrer_host'],
  daily_campaigns: ['website_id', 'day', 'bot', 'utm_source', 'utm_medium', 'utm_campaign'],
  daily_visitor_sketch: ['website_id', 'day', 'bot', 'kind', 'reg'],
} as const;
type Rollup = keyof typeof ROLLUPS;

export type SqliteBatchWriter = (events: TrackingEvent[]) => IngestOutcome[];

export function sqliteBatchWriter(sqlite: SqliteDatabase.Database): SqliteBatchWriter {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepared = (source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = sqlite.prepare(source);
      statements.set(source, statement);
    }
    return statement;
  };

  const pageviewByKey = prepared(`select visit_id, visitor_id, occurred_at, path, engaged_ms, bot
    from pageviews where website_id = ? and event_id = ?`);
  const aliasOf = prepared('select visitor_id from visitor_aliases where alias_id = ?');
  const visitorById = prepared('select contact_id from visitors where id = ?');
  const latestVisit = prepared(`select id, started_at, last_seen_at, pageviews, bot from visits
    where visitor_id = ? and website_id = ? and last_seen_at >= ? order by last_seen_at desc limit 1`);
  const touchVisitor = prepared('update visitors set last_seen_at = ? where id = ? and last_seen_at < ?');
  const incrementVisit = prepared(`update visits set pageviews = pageviews + ?, engaged_ms = engaged_ms + ?,
    last_seen_at = case when last_seen_at < ? then ? else last_seen_at end where id = ?`);
  const raiseEngaged = prepared(
    'update pageviews set engaged_ms = ? where website_id = ? and event_id = ? and engaged_ms < ?',
  );

  /** insert … values (…) for the row's own columns (as Kysely's values() would list them). */
  function insert(table: string, values: object, onConflict: string): number {
    const row = values as Row;
    const columns = Object.keys(row).filter((c) => row[c] !== undefined);
    const source = `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) ${onConflict}`;
    return prepared(source).run(...columns.map((c) => row[c] as Value)).changes;
  }

  function upsertRollup(table: Rollup, values: object): void {
    const row = values as Row;
    const keys: readonly string[] = ROLLUPS[table];
    const update = Object.keys(row)
      .filter((c) => !keys.includes(c) && row[c] !== undefined)
      .map((c) =>
        table === 'daily_visitor_sketch'
          ? `${c} = case when excluded.${c} > ${table}.${c} then excluded.${c} else ${table}.${c} end`
          : `${c} = ${table}.${c} + excluded.${c}`,
      );
    insert(table, row, `on conflict (${keys.join(', ')}) do update set ${update.join(', ')}`);
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

    const candidateIds = new Set<string>();
    for (const e of events) {
      if (e.anonymous) continue;
      if (e.cookieVisitorId) candidateIds.add(e.cookieVisitorId);
      if (e.mirrorVisitorId) candidateIds.add(e.mirrorVisitorId);
    }
    for (const pv of pageviews.values()) if (pv.visitorId) candidateIds.add(pv.visitorId);

    const aliases = new Map<string, string>();
    for (const id of candidateIds) {
      const row = aliasOf.get(id) as { visitor_id: string } | undefined;
      if (row) aliases.set(id, row.visitor_id);
    }
    const visitors = new Map<string, { contactId: string | null }>();
    for (const id of new Set([...candidateIds, ...aliases.values()])) {
      const row = visitorById.get(id) as { contact_id: string | null } | undefined;
      if (row) visitors.set(id, { contactId: row.contact_id });
    }

    const latestVisits = new Map<string, KnownVisit>();
    if (visitors.size > 0) {
      const websiteIds = new Set(events.map((e) => e.websiteId));
      // Same window as store.ts: the earliest event minus the longest timeout in the batch.
      const earliest = Math.min(...events.map((e) => e.receivedAt));
      const longestTimeout = Math.max(...events.map((e) => e.visitTimeoutMinutes));
      const since = earliest - longestTimeout * MINUTE_MS;
      for (const visitorId of visitors.keys()) {
        for (const websiteId of websiteIds) {
          const row = latestVisit.get(visitorId, websiteId, since) as Row | undefined;
          if (!row) continue;
          latestVisits.set(`${visitorId}|${websiteId}`, {
            id: row['id'] as string,
            websiteId,
            visitorId,
            startedAt: Number(row['started_at']),
            lastSeenAt: Number(row['last_seen_at']),
            pageviews: row['pageviews'] as number,
            bot: row['bot'] as number,
          });
        }
      }
    }
    return { visitors, aliases, latestVisits, pageviews };
  }

  function writePlan(plan: WritePlan, now: number): void {
    for (const row of plan.newVisitors) insert('visitors', row, 'on conflict (id) do nothing');
    for (const row of plan.newAliases) insert('visitor_aliases', row, 'on conflict (alias_id) do nothing');
    for (const id of plan.touchedVisitors) touchVisitor.run(now, id, now);
    for (const row of plan.newVisits) insert('visits', row, '');
    for (const [id, inc] of plan.visitIncrements)
      incrementVisit.run(inc.pageviews, inc.engagedMs, inc.lastSeenAt, inc.lastSeenAt, id);
    for (const row of plan.newPageviews) {
      if (insert('pageviews', row, 'on conflict (website_id, event_id) do nothing') !== 1)
        throw new ConcurrentDuplicateError('A page view was stored concurrently.');
    }
    for (const pv of plan.pageviewEngaged.values())
      raiseEngaged.run(pv.engagedMs, pv.websiteId, pv.eventId, pv.engagedMs);
    for (const row of plan.dailyStats.values()) upsertRollup('daily_stats', row);
    for (const row of plan.dailyPages.values()) upsertRollup('daily_pages', row);
    for (const row of plan.dailyReferrers.values()) upsertRollup('daily_referrers', row);
    for (const row of plan.dailyCampaigns.values()) upsertRollup('daily_campaigns', row);
    for (const row of plan.sketch.values()) upsertRollup('daily_visitor_sketch', row);
  }

  // BEGIN IMMEDIATE: the write lock from the start, so the reads and the writes see one state.
  const commit = sqlite.transaction((events: TrackingEvent[]) => {
    const { plan, outcomes } = planBatch(events, loadBatchState(events));
    writePlan(plan, Math.max(...events.map((e) => e.receivedAt)));
    return outcomes;
  });
  return (events) => commit.immediate(events);
}
