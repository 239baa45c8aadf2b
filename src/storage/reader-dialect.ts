// A Kysely dialect for SQLite whose queries run on the reader thread (reader-thread.ts): each compiled query
// (its SQL and parameters) is sent to the thread and its rows come back, so `storage.reads` is a
// Kysely<Database> like `storage.db`, with SQLite's compiler and adapter, whose reads never run on the
// event loop (decision 048). It only reads: the thread refuses any statement that would write, and
// transactions are refused here (a read inside a write transaction belongs on that transaction).
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import {
  READS_ONLY,
  type ReaderThread,
  type ReaderThreadOptions,
  startReaderThread,
} from './reader-thread.ts';

export class ReaderThreadDialect implements Dialect {
  constructor(
    private readonly file: string,
    private readonly options: ReaderThreadOptions = {},
  ) {}

  createDriver(): Driver {
    return new ReaderThreadDriver(this.file, this.options);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

const refuseTransaction = () => Promise.reject(new Error(READS_ONLY));

class ReaderThreadDriver implements Driver {
  #thread: ReaderThread | undefined;
  #connection: DatabaseConnection | undefined;

  constructor(
    private readonly file: string,
    private readonly options: ReaderThreadOptions,
  ) {}

  /** Kysely calls this on the first query, so the thread starts only if something reads. */
  async init() {
    const thread = startReaderThread(this.file, this.options);
    this.#thread = thread;
    this.#connection = {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        return { rows: (await thread.query(query.sql, query.parameters)) as R[] };
      },
      // biome-ignore lint/correctness/useYield: refuses before yielding anything.
      async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
        throw new Error('storage.reads does not stream: use execute().');
      },
    };
  }

  /**
   * One connection for every caller, without a lock (Kysely's SQLite driver holds one per query): no
   * transaction ever spans two queries here, and the thread runs the queries it is sent in turn.
   */
  async acquireConnection() {
    return this.#connection as DatabaseConnection;
  }
  async releaseConnection() {}

  beginTransaction = refuseTransaction;
  commitTransaction = refuseTransaction;
  rollbackTransaction = refuseTransaction;

  async destroy() {
    await this.#thread?.close();
  }
}
