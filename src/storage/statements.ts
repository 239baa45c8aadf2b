// Storage code written once for both ways a hot path runs it: a *statement program* is a generator that
// yields SQL statements (with `?` placeholders, in SQL both engines read alike) and receives each one's
// result, so its logic exists once; runOnSqlite runs it synchronously on a raw better-sqlite3 connection
// (the writer thread, statements prepared once), runOnDb runs it through Kysely (PostgreSQL and the
// in-process SQLite path). Used where one rule must not be written twice (linking a browser to a
// contact, unsubscribing) and for a hot path's whole batch store (tracking/batch-store.ts), whose
// statements differ by engine in shape (per row on SQLite, set-based on PostgreSQL) inside the store.
import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
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
  | { kind: 'changeEach'; sql: string; params: unknown[][] };
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

/** The statements a raw connection has prepared, by SQL text (a program's statements are few and fixed). */
const prepared = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

/** Runs a program on a raw better-sqlite3 connection, synchronously (inside the caller's transaction). */
export function runOnSqlite<T>(sqlite: SqliteDatabase.Database, program: StatementProgram<T>): T {
  let statements = prepared.get(sqlite);
  if (!statements) {
    statements = new Map();
    prepared.set(sqlite, statements);
  }
  for (let step = program.next(); ; ) {
    if (step.done) return step.value;
    let statement = statements.get(step.value.sql);
    if (!statement) {
      statement = sqlite.prepare(step.value.sql);
      statements.set(step.value.sql, statement);
    }
    step = program.next(runPrepared(statement, step.value));
  }
}

function runPrepared(statement: SqliteDatabase.Statement, { kind, params }: Statement): unknown {
  switch (kind) {
    case 'first':
      return (statement.get(...params) as Row | undefined) ?? null;
    case 'all':
      return statement.all(...params);
    case 'change':
      return statement.run(...params).changes;
    case 'firstEach':
      return params.map((each) => (statement.get(...each) as Row | undefined) ?? null);
    case 'changeEach': {
      let changed = 0;
      for (const each of params) changed += statement.run(...each).changes;
      return changed;
    }
  }
}

/** Runs a program through Kysely (on PostgreSQL the `?` placeholders become `$n`, as Kysely does). */
export async function runOnDb<T>(db: Db, program: StatementProgram<T>): Promise<T> {
  for (let step = program.next(); ; ) {
    if (step.done) return step.value;
    const statement = step.value;
    const parts = statement.sql.split('?');
    const strings = Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray;
    const run = (params: unknown[]) => sql<Row>(strings, ...params).execute(db);
    switch (statement.kind) {
      case 'first':
        step = program.next((await run(statement.params)).rows[0] ?? null);
        break;
      case 'all':
        step = program.next((await run(statement.params)).rows);
        break;
      case 'change':
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
