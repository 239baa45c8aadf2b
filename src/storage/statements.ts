// Storage code written once for both ways a hot path runs it: a *statement program* is a generator that
// yields SQL statements (with `?` placeholders, in SQL both engines read alike) and receives each one's
// result, so its logic exists once; runOnSqlite runs it synchronously on a raw better-sqlite3 connection
// (the writer thread, statements prepared once), runOnDb runs it through Kysely (PostgreSQL and the
// in-process SQLite path). Used where one rule must not be written twice (linking a browser to a
// contact, unsubscribing); a store's batch-sized statements stay in its own dialect-specific code.
import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from './schema.ts';

/** A row read by `first` (null: none), every row read by `all`, or the rows a `change` statement changed. */
export type Statement =
  | { kind: 'first'; sql: string; params: unknown[] }
  | { kind: 'all'; sql: string; params: unknown[] }
  | { kind: 'change'; sql: string; params: unknown[] };
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
    const { kind, sql: text, params } = step.value;
    let statement = statements.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      statements.set(text, statement);
    }
    step = program.next(
      kind === 'first'
        ? ((statement.get(...params) as Row | undefined) ?? null)
        : kind === 'all'
          ? statement.all(...params)
          : statement.run(...params).changes,
    );
  }
}

/** Runs a program through Kysely (on PostgreSQL the `?` placeholders become `$n`, as Kysely does). */
export async function runOnDb<T>(db: Db, program: StatementProgram<T>): Promise<T> {
  for (let step = program.next(); ; ) {
    if (step.done) return step.value;
    const { kind, sql: text, params } = step.value;
    const parts = text.split('?');
    const strings = Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray;
    const result = await sql<Row>(strings, ...params).execute(db);
    step = program.next(
      kind === 'first'
        ? (result.rows[0] ?? null)
        : kind === 'all'
          ? result.rows
          : Number(result.numAffectedRows ?? 0n),
    );
  }
}
