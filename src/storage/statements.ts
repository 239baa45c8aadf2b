// Storage code written once for both ways a hot path runs it: a *statement program* is a generator that
// yields SQL statements (with `?` placeholders, in SQL both engines read alike) and receives each one's
// result, so its logic exists once; runOnSqlite runs it synchronously on a raw better-sqlite3 connection
// (the writer thread, statements prepared once), runOnDb runs it through Kysely (PostgreSQL and the
// in-process SQLite path). Used where one rule must not be written twice (linking a browser to a
// contact, unsubscribing) and for a hot path's whole batch store (tracking/batch-store.ts), whose
// statements differ by engine in shape (per row on SQLite, set-based on PostgreSQL) inside the store.
// A hot path's batch on PostgreSQL runs on a raw pooled client with its statements pipelined
// (runOnPostgres): what the program does not wait for — `write`s, the reads of `allTogether`, BEGIN and
// COMMIT — goes out without waiting for the answer before it, so a batch costs a few round trips.
import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from './schema.ts';

/**
 * A row read by `first` (null: none), every row read by `all`, or the rows a `change` statement changed;
 * the `…Each` kinds run one statement once per list of parameters (see firstEach).
 */
export type Statement =
  | { kind: 'first'; sql: string; params: unknown[] }
  | { kind: 'all'; sql: string; params: unknown[] }
  | { kind: 'change'; sql: string; params: unknown[] }
  | { kind: 'firstEach'; sql: string; params: unknown[][] }
  | { kind: 'changeEach'; sql: string; params: unknown[][] }
  | { kind: 'write'; sql: string; params: unknown[] }
  | { kind: 'allTogether'; reads: [sql: string, params: unknown[]][] };
export type StatementProgram<T> = Generator<Statement, T, unknown>;
type Row = Record<string, unknown>;

/** Reads the first row of a query (null when there is none). */
export function* first<R extends Row>(
  text: string,
  params: unknown[],
): Generator<Statement, R | null, unknown> {
  return (yield { kind: 'first', sql: text, params }) as R | null;
}

/** Reads every row of a query (on PostgreSQL a list-sized read is one `= any(?)` with an array). */
export function* all<R extends Row>(text: string, params: unknown[]): Generator<Statement, R[], unknown> {
  return (yield { kind: 'all', sql: text, params }) as R[];
}

/** Runs an insert, update or delete; returns how many rows it changed. */
export function* change(text: string, params: unknown[]): Generator<Statement, number, unknown> {
  return (yield { kind: 'change', sql: text, params }) as number;
}

/**
 * `first` once per list of parameters, the rows in the lists' order. For per-row statements over a whole
 * batch (the writer thread's way on SQLite): one step of the program and one statement lookup per list
 * instead of per row, which a store running a few statements per event can measure.
 */
export function* firstEach<R extends Row>(
  text: string,
  params: unknown[][],
): Generator<Statement, (R | null)[], unknown> {
  if (params.length === 0) return [];
  return (yield { kind: 'firstEach', sql: text, params }) as (R | null)[];
}

/** `change` once per list of parameters; returns how many rows they changed in all. */
export function* changeEach(text: string, params: unknown[][]): Generator<Statement, number, unknown> {
  if (params.length === 0) return 0;
  return (yield { kind: 'changeEach', sql: text, params }) as number;
}

/**
 * An insert, update or delete whose count the program does not read. On PostgreSQL (runOnPostgres) it is
 * sent without waiting for its answer; if it fails, the transaction fails at COMMIT (nothing is committed).
 * A write that must fail the batch on a condition has to fail by itself (a constraint), not by its count.
 */
export function* write(text: string, params: unknown[]): Generator<Statement, void, unknown> {
  yield { kind: 'write', sql: text, params };
}

/**
 * Several reads, in order, whose parameters do not depend on one another's rows (a later one may depend
 * on an earlier one having run: a lock, then what it guards); every row of each. On PostgreSQL
 * (runOnPostgres) sent at once: one round trip.
 */
export function* allTogether(
  reads: [text: string, params: unknown[]][],
): Generator<Statement, Row[][], unknown> {
  if (reads.length === 0) return [];
  return (yield { kind: 'allTogether', reads }) as Row[][];
}

/** A statement's SQL text (the reads of `allTogether` joined), for tests that compare programs. */
export function textOf(statement: Statement): string {
  return statement.kind === 'allTogether' ? statement.reads.map(([text]) => text).join(';\n') : statement.sql;
}

/** The statements a raw connection has prepared, by SQL text (a program's statements are few and fixed). */
const prepared = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

/** Runs a program on a raw better-sqlite3 connection, synchronously (inside the caller's transaction). */
export function runOnSqlite<T>(sqlite: SqliteDatabase.Database, program: StatementProgram<T>): T {
  let statements = prepared.get(sqlite);
  if (!statements) {
    statements = new Map();
    prepared.set(sqlite, statements);
  }
  const preparedFor = (text: string) => {
    let statement = statements?.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      statements?.set(text, statement);
    }
    return statement;
  };
  for (let step = program.next(); ; ) {
    if (step.done) return step.value;
    const value = step.value;
    if (value.kind === 'allTogether')
      step = program.next(value.reads.map(([text, params]) => preparedFor(text).all(...params)));
    else step = program.next(runPrepared(preparedFor(value.sql), value.kind, value.params));
  }
}

function runPrepared(
  statement: SqliteDatabase.Statement,
  kind: Exclude<Statement['kind'], 'allTogether'>,
  params: unknown[],
): unknown {
  switch (kind) {
    case 'first':
      return (statement.get(...params) as Row | undefined) ?? null;
    case 'all':
      return statement.all(...params);
    case 'change':
    case 'write':
      return statement.run(...params).changes;
    case 'firstEach':
      return (params as unknown[][]).map((each) => (statement.get(...each) as Row | undefined) ?? null);
    case 'changeEach': {
      let changed = 0;
      for (const each of params as unknown[][]) changed += statement.run(...each).changes;
      return changed;
    }
  }
}

/** Runs a program through Kysely (on PostgreSQL the `?` placeholders become `$n`, as Kysely does). */
export async function runOnDb<T>(db: Db, program: StatementProgram<T>): Promise<T> {
  const query = (text: string, params: unknown[]) => {
    const parts = text.split('?');
    const strings = Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray;
    return sql<Row>(strings, ...params).execute(db);
  };
  for (let step = program.next(); ; ) {
    if (step.done) return step.value;
    const statement = step.value;
    if (statement.kind === 'allTogether') {
      const results: Row[][] = [];
      for (const [text, params] of statement.reads) results.push((await query(text, params)).rows);
      step = program.next(results);
      continue;
    }
    const run = (params: unknown[]) => query(statement.sql, params);
    switch (statement.kind) {
      case 'first':
        step = program.next((await run(statement.params)).rows[0] ?? null);
        break;
      case 'all':
        step = program.next((await run(statement.params)).rows);
        break;
      case 'change':
      case 'write':
        step = program.next(Number((await run(statement.params)).numAffectedRows ?? 0n));
        break;
      case 'firstEach': {
        const rows: (Row | null)[] = [];
        for (const params of statement.params) rows.push((await run(params)).rows[0] ?? null);
        step = program.next(rows);
        break;
      }
      case 'changeEach': {
        let changed = 0;
        for (const params of statement.params) changed += Number((await run(params)).numAffectedRows ?? 0n);
        step = program.next(changed);
        break;
      }
    }
  }
}

/** PostgreSQL's numbered placeholders for a program's `?` (the texts are few and fixed: kept). */
const numbered = new Map<string, string>();

function toNumbered(text: string): string {
  let converted = numbered.get(text);
  if (converted === undefined) {
    let n = 0;
    converted = text.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < 1_000) numbered.set(text, converted);
  }
  return converted;
}

/**
 * Runs a program in a transaction of its own on a raw client from a PostgreSQL pool (a hot path's batch;
 * decision 042), pipelined: statements whose answers the program does not wait for (BEGIN, `write`s, the
 * reads of `allTogether`, COMMIT) are sent without waiting for the ones before, in order, each with its
 * own Sync, so a failed one aborts the transaction and everything after it fails or is rolled back.
 * Unnamed statements only: works through PgBouncer in transaction pooling (decision 038). Resolves only
 * once COMMIT has succeeded; rejects with the first statement's error otherwise.
 */
export async function runOnPostgres<T>(pool: pg.Pool, program: StatementProgram<T>): Promise<T> {
  const client = await pool.connect();
  // pg's pipeline mode, for this transaction only: the client goes back to the pool as it came.
  const modes = client as unknown as { pipeline: boolean };
  modes.pipeline = true;
  const sent: Promise<pg.QueryResult<Row>>[] = [];
  const send = (text: string, params?: unknown[]) => {
    const result = params ? client.query<Row>(toNumbered(text), params) : client.query<Row>(text);
    // Its error is reported in order below (and unanswered promises must not reject unhandled).
    result.catch(() => {});
    sent.push(result);
    return result;
  };
  /** The first error among the statements sent (the later ones only say the transaction is aborted). */
  const firstError = async (): Promise<unknown> => {
    for (const outcome of await Promise.allSettled(sent))
      if (outcome.status === 'rejected') return outcome.reason;
    return undefined;
  };
  let broken: unknown;
  try {
    send('begin');
    let step = program.next();
    while (!step.done) {
      const statement = step.value;
      switch (statement.kind) {
        case 'write':
          send(statement.sql, statement.params);
          step = program.next(undefined);
          break;
        case 'allTogether': {
          const results = statement.reads.map(([text, params]) => send(text, params));
          const rows: Row[][] = [];
          for (const result of results) rows.push((await result).rows);
          step = program.next(rows);
          break;
        }
        case 'first':
          step = program.next((await send(statement.sql, statement.params)).rows[0] ?? null);
          break;
        case 'all':
          step = program.next((await send(statement.sql, statement.params)).rows);
          break;
        case 'change':
          step = program.next((await send(statement.sql, statement.params)).rowCount ?? 0);
          break;
        case 'firstEach': {
          const results = statement.params.map((params) => send(statement.sql, params));
          const rows: (Row | null)[] = [];
          for (const result of results) rows.push((await result).rows[0] ?? null);
          step = program.next(rows);
          break;
        }
        case 'changeEach': {
          const results = statement.params.map((params) => send(statement.sql, params));
          let changed = 0;
          for (const result of results) changed += (await result).rowCount ?? 0;
          step = program.next(changed);
          break;
        }
      }
    }
    const committed = send('commit');
    const error = await firstError();
    if (error !== undefined) throw error;
    // COMMIT of a transaction that failed answers ROLLBACK, without an error.
    if ((await committed).command !== 'COMMIT') throw new Error('The transaction was rolled back.');
    return step.value;
  } catch (error) {
    await firstError();
    try {
      await client.query('rollback');
    } catch (rollbackError) {
      broken = rollbackError;
    }
    throw (await firstError()) ?? error;
  } finally {
    modes.pipeline = false;
    // A client whose connection failed is discarded, not pooled.
    client.release(broken instanceof Error ? broken : undefined);
  }
}
