// How a hot path's store looks to the SQLite writer thread, which loads it by name (it imports no domain).

/** What a path's batches carry besides their items; batches merge in the thread only with an equal one. */
export type BatchContext = string | number | boolean | null;

/** A path's store as the writer thread runs it: one batch, one transaction, synchronous. */
export type ThreadStore = (items: unknown[], context: BatchContext) => unknown[];

/** Where the writer thread finds a path's store: a module and the export that opens it on a connection. */
export interface ThreadStoreModule {
  /** The module's URL (see moduleBeside). */
  module: string;
  /** Its export `(sqlite: better-sqlite3 Database) => (items, context) => outcomes`. */
  export: string;
}
