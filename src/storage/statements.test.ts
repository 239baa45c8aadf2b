// Statement programs' pipelined steps (`allTogether`, `write`) on every runner, and runOnPostgres's
// transaction: everything or nothing, the first error, a lock before the reads it guards in one round trip.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../../test/helpers/engines.ts';
import type { Storage } from './database.ts';
import {
  all,
  allTogether,
  runOnDb,
  runOnPostgres,
  runOnSqlite,
  type StatementProgram,
  write,
} from './statements.ts';

type Row = Record<string, unknown>;

/** Two writes, then the rows read back together with a count: each step sees the ones before it. */
function* writeThenRead(): StatementProgram<Row[][]> {
  yield* write('insert into pipeline_probe (id, n) values (?, ?)', ['a', 1]);
  yield* write('update pipeline_probe set n = n + ? where id = ?', [10, 'a']);
  return yield* allTogether([
    ['select id, n from pipeline_probe order by id', []],
    ['select count(*) as c from pipeline_probe', []],
  ]);
}

describe.each(engines)('statement programs [%s]', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storage = database.open();
    await sql`create table pipeline_probe (id text primary key, n integer not null)`.execute(storage.db);
  });
  afterAll(async () => {
    await storage.close();
    await database.drop();
  });

  /** Runs a program the way the hot paths do on this engine (on SQLite: the raw connection's way too). */
  async function run<T>(program: () => StatementProgram<T>): Promise<T> {
    if (storage.pgPool) return runOnPostgres(storage.pgPool, program());
    return storage.db.transaction().execute((tx) => runOnDb(tx, program()));
  }

  const stored = async () =>
    (await sql<Row>`select id, n from pipeline_probe order by id`.execute(storage.db)).rows.map((r) => ({
      id: r['id'],
      n: Number(r['n']),
    }));

  it('runs writes and reads together in order, and commits them', async () => {
    await sql`delete from pipeline_probe`.execute(storage.db);
    const [rows, count] = (await run(writeThenRead)) as [Row[], Row[]];
    expect(rows.map((r) => [r['id'], Number(r['n'])])).toEqual([['a', 11]]);
    expect(Number(count[0]?.['c'])).toBe(1);
    expect(await stored()).toEqual([{ id: 'a', n: 11 }]);
  });

  it('commits nothing when a write fails, and fails with that write’s error', async () => {
    await sql`delete from pipeline_probe`.execute(storage.db);
    await sql`insert into pipeline_probe (id, n) values ('taken', 0)`.execute(storage.db);
    const failing = function* (): StatementProgram<Row[]> {
      yield* write('insert into pipeline_probe (id, n) values (?, ?)', ['new', 1]);
      yield* write('insert into pipeline_probe (id, n) values (?, ?)', ['taken', 2]);
      yield* write('update pipeline_probe set n = ? where id = ?', [5, 'taken']);
      return yield* all('select id from pipeline_probe', []);
    };
    await expect(run(failing)).rejects.toThrow(/unique|UNIQUE/);
    expect(await stored()).toEqual([{ id: 'taken', n: 0 }]);
    // The connection is usable afterwards (on PostgreSQL: back in the pool, out of pipeline mode).
    await run(writeThenRead);
    expect((await stored()).map((r) => r.id)).toEqual(['a', 'taken']);
  });

  it('commits nothing when the program itself fails after sending writes', async () => {
    await sql`delete from pipeline_probe`.execute(storage.db);
    const failing = function* (): StatementProgram<void> {
      yield* write('insert into pipeline_probe (id, n) values (?, ?)', ['x', 1]);
      throw new Error('the planner failed');
    };
    await expect(run(failing)).rejects.toThrow('the planner failed');
    expect(await stored()).toEqual([]);
  });

  if (engine === 'sqlite')
    it('runs the same steps on a raw better-sqlite3 connection', async () => {
      const { openSqliteConnection } = await import('./database.ts');
      const sqlite = openSqliteConnection(database.url.slice('sqlite:'.length));
      try {
        sqlite.exec('delete from pipeline_probe');
        const [rows] = sqlite.transaction(() => runOnSqlite(sqlite, writeThenRead()))() as [Row[]];
        expect(rows).toEqual([{ id: 'a', n: 11 }]);
      } finally {
        sqlite.close();
      }
    });

  if (engine === 'postgres') {
    it('reads sent together with a lock see what the lock holder committed while they waited', async () => {
      await sql`delete from pipeline_probe`.execute(storage.db);
      const pool = storage.pgPool as NonNullable<Storage['pgPool']>;
      const holder = await pool.connect();
      try {
        await holder.query('begin');
        await holder.query('select pg_advisory_xact_lock(42)');
        await holder.query(`insert into pipeline_probe (id, n) values ('held', 7)`);
        const waiting = runOnPostgres(
          pool,
          (function* () {
            return yield* allTogether([
              ['select pg_advisory_xact_lock(?::bigint)', [42]],
              ['select id, n from pipeline_probe', []],
            ]);
          })(),
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        await holder.query('commit');
        const [, rows] = (await waiting) as [Row[], Row[]];
        expect(rows).toEqual([{ id: 'held', n: 7 }]);
      } finally {
        holder.release();
      }
    });

    it('gives the client back to the pool out of pipeline mode', async () => {
      const pool = storage.pgPool as NonNullable<Storage['pgPool']>;
      await runOnPostgres(pool, writeThenRead()).catch(() => {});
      const client = await pool.connect();
      try {
        expect((client as unknown as { pipeline: boolean }).pipeline).toBe(false);
      } finally {
        client.release();
      }
    });
  }
});
