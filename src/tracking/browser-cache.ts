// What the SQLite writer thread remembers of the browsers it wrote: visitor rows, aliases and each
// browser's latest visit per website, so that a returning browser's page view needs no reads. Only the
// thread has it (batch-store.ts passes it to the store there): it is the one writer of its file and can
// tell when anyone else wrote (below). In process there is none — on PostgreSQL several writers and
// nodes commit at once, nothing says cheaply that another changed a browser, and the batch reads its
// browsers under an advisory lock in a fixed number of statements anyway; SQLite `:memory:` is tests.
//
// Entries are exactly what the database holds (or holds no row for), kept so by three rules:
// - the writer's own transactions: the planner updates the very objects it was handed (a visit's page
//   views and last_seen_at, a visitor's last_seen_at) the way the store's writes update the rows, and `remember`
//   adds the rows it created once the transaction committed (and forgets a visit it changed without
//   holding it); a failed transaction `clear`s everything;
// - other connections (identity linking, merges, erasure, retention through Kysely): `PRAGMA data_version`
//   changes only when another connection committed, and then everything is dropped;
// - other writers on the same connection (the email engagement writer links visitors to contacts):
//   `total_changes()` moved since the writer's last commit, and everything is dropped too.
import type { BatchState, KnownVisit, KnownVisitor, WritePlan } from './batch-plan.ts';

/**
 * Browsers remembered; past it the longest-remembered are forgotten (and read again when they return).
 * Eviction: first remembered, first forgotten, a tenth at a time and only after a commit. Not lru-cache
 * (the project's cache elsewhere), on purpose: what this cache holds is dropped wholesale whenever
 * another writer changed the database, the running transaction's planner changes the very objects it
 * was handed, so nothing is evicted mid-transaction, and each lookup stays one Map read in the thread
 * whose cost per event decision 005 measured in microseconds.
 */
const BROWSER_CACHE_LIMIT = 50_000;

/** Remembered rows by key: null, the database holds none; undefined (not remembered), read it. */
export type Memory<V> = Map<string, V | null>;

export class BrowserCache {
  // What is remembered is read by the store (batch-store.ts), which reads the rest inside the transaction
  // and sets what it found here (null: the database holds no such row).
  /** By visitor id; null: no such visitor. */
  readonly visitors: Memory<KnownVisitor> = new Map();
  /** Alias id → visitor id; null: not an alias. */
  readonly aliases: Memory<string> = new Map();
  /** By `${visitorId}|${websiteId}`: the visit started last, however long ago; null: none. */
  readonly latestVisits: Memory<KnownVisit> = new Map();
  private version: unknown = null;
  private changes: unknown = null;

  constructor(private readonly limit = BROWSER_CACHE_LIMIT) {}

  /** At the start of each transaction: drops everything unless only this writer changed the database. */
  check(version: unknown, changes: unknown): void {
    if (version !== this.version || changes !== this.changes) this.clear();
    this.version = version;
  }

  /**
   * After a commit: the rows the batch created (what it read is remembered already, and what it changed
   * was changed in place), and the connection's change count to compare against.
   */
  remember(state: BatchState, plan: WritePlan, changes: unknown): void {
    for (const { id } of plan.newVisitors) this.visitors.set(id, state.visitors.get(id) ?? null);
    for (const a of plan.newAliases) this.aliases.set(a.alias_id, a.visitor_id);
    for (const v of plan.newVisits) {
      const key = `${v.visitor_id}|${v.website_id}`;
      this.latestVisits.set(key, state.latestVisits.get(key) ?? null);
    }
    // Engaged time for a page of a visit past its timeout moves that visit on in the database, yet the
    // planner did not hold it as the browser's latest (out of reach): forget it, to be read again.
    for (const pv of state.pageviews.values()) {
      if (pv.visitId === null || !plan.visitIncrements.has(pv.visitId)) continue;
      const key = `${pv.visitorId}|${pv.websiteId}`;
      if (state.latestVisits.get(key)?.id !== pv.visitId && this.latestVisits.get(key)?.id === pv.visitId)
        this.latestVisits.delete(key);
    }
    for (const map of [this.visitors, this.aliases, this.latestVisits]) forgetOldest(map, this.limit);
    this.changes = changes;
  }

  clear(): void {
    this.visitors.clear();
    this.aliases.clear();
    this.latestVisits.clear();
    this.changes = null;
  }
}

/** Drops the entries first inserted until a tenth below the limit, so trimming is not needed every batch. */
function forgetOldest(map: Map<string, unknown>, limit: number): void {
  if (map.size <= limit) return;
  let excess = map.size - Math.floor(limit * 0.9);
  for (const key of map.keys()) {
    if (excess-- <= 0) break;
    map.delete(key);
  }
}
