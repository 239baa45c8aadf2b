// storage.reads on a SQLite file: its queries run on the reader thread, not on the event loop; rows come
// back as from the main connection; it refuses writes and transactions; a bad query rejects, a dead thread
// fails its queries clearly (503) and the next query starts a new one; close() ends the thread.
import type { Worker } from 'node:worker_threads';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/engines.ts';
import { openStorage, type Storage } from './database.ts';
import { ReaderThreadDialect } from './reader-dialect.ts';
import { startReaderThread } from './reader-thread.ts';
import type { Database } from './schema.ts';
import { unavailableReason } from './unavailable.ts';

/** A query that keeps SQLite busy for a while (a recursive CTE counting to n): it reads no table. */
const slowQuery = (n: number) =>
  sql<{
    c: number;
  }>`with recursive k(i) as (select 1 union all select i + 1 from k where i < ${n}) select count(*) as c from k`;
const SLOW = 1_000_000;

/** Turns of the event loop (setImmediate after setImmediate) that ran before `work` settled. */
async function turnsWhile(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  let settled = false;
  const counting = new Promise<void>((resolve) => {
    const turn = () => {
      if (settled) return resolve();
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
  });
  const done = work.finally(() => {
    settled = true;
  });
  const seen = await done.then(() => turns);
  await counting;
  return seen;
}

describe('storage.reads on a SQLite file', () => {
  let database: TestDatabase;
  let storage: Storage;
  let file: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    storage = database.open();
    file = storage.sqliteFile as string;
    await sql`create table reader_probe (id integer primary key, n integer, t text, b blob)`.execute(
      storage.db,
    );
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('is its own handle on a file, and db itself on :memory:', async () => {
    expect(storage.reads).not.toBe(storage.db);
    const memory = openStorage('sqlite::memory:');
    expect(memory.reads).toBe(memory.db);
    await memory.close();
  });

  it('runs its query off the event loop: the loop keeps turning until the rows come', async () => {
    const [{ c }] = (await slowQuery(10).execute(storage.reads)).rows as [{ c: number }];
    expect(c).toBe(10);
    expect(await turnsWhile(slowQuery(SLOW).execute(storage.reads))).toBeGreaterThan(0);
  });

  it('where the same query on the main connection holds the loop until it is done', async () => {
    expect(await turnsWhile(slowQuery(SLOW).execute(storage.db))).toBe(0);
  });

  it('gives back every kind of value as the main connection does (numbers, big integers, null, text, Buffers)', async () => {
    await storage.db.deleteFrom('reader_probe' as never).execute();
    await sql`insert into reader_probe (id, n, t, b) values
      (1, 42, 'ann', x'00ff10'), (2, 9007199254740993, null, null), (3, -1, '', x'')`.execute(storage.db);
    const read = sql`select id, n, t, b, n * 1.5 as real, length(b) as size, null as absent from reader_probe order by id`;
    const main = (await read.execute(storage.db)).rows;
    const thread = (await read.execute(storage.reads)).rows;
    expect(thread).toStrictEqual(main);
    expect(Buffer.isBuffer((thread[0] as { b: unknown }).b)).toBe(true);
    // Parameters cross too: a Buffer, a bigint, a number, null.
    const echo = sql`select ${Buffer.from([1, 2, 3])} as b, ${12n} as big, ${0.25} as n, ${null} as z`;
    expect((await echo.execute(storage.reads)).rows).toStrictEqual((await echo.execute(storage.db)).rows);
  });

  it('sees what the main connection committed, at once', async () => {
    await sql`insert into reader_probe (id, n) values (10, 7)`.execute(storage.db);
    const row = await sql<{ n: number }>`select n from reader_probe where id = 10`.execute(storage.reads);
    expect(row.rows).toEqual([{ n: 7 }]);
  });

  it('refuses writes and transactions with an error that says where they go', async () => {
    await expect(sql`insert into reader_probe (id, n) values (20, 1)`.execute(storage.reads)).rejects.toThrow(
      /storage\.reads .* only read.*storage\.db/,
    );
    await expect(sql`delete from reader_probe`.execute(storage.reads)).rejects.toThrow(/only read/);
    // A write hidden in a query that returns rows.
    await expect(
      sql`insert into reader_probe (id, n) values (21, 1) returning id`.execute(storage.reads),
    ).rejects.toThrow(/only read/);
    await expect(sql`begin`.execute(storage.reads)).rejects.toThrow(/only read/);
    await expect(storage.reads.transaction().execute(async () => 1)).rejects.toThrow(/no transactions/);
    const kept = await sql<{
      n: number;
    }>`select count(*) as n from reader_probe where id in (20, 21)`.execute(storage.db);
    expect(kept.rows).toEqual([{ n: 0 }]);
    // And a refusal is a mistake in the code, not the database being away (500, not 503).
    const refusal = await sql`delete from reader_probe`.execute(storage.reads).catch((e: unknown) => e);
    expect(unavailableReason(refusal)).toBeNull();
  });

  it('rejects a bad query with SQLite’s error and keeps serving', async () => {
    const error = await sql`select nope from reader_probe`.execute(storage.reads).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/no such column: nope/);
    expect((error as { code?: string }).code).toBe('SQLITE_ERROR');
    const row = await sql<{ one: number }>`select 1 as one`.execute(storage.reads);
    expect(row.rows).toEqual([{ one: 1 }]);
  });

  it('fails the queries a dead thread held (503), and the next query starts a new thread', async () => {
    const workers: Worker[] = [];
    const reads = new Kysely<Database>({
      dialect: new ReaderThreadDialect(file, { onStart: (worker) => workers.push(worker) }),
    });
    try {
      await sql`select 1`.execute(reads);
      expect(workers).toHaveLength(1);
      const held = slowQuery(SLOW)
        .execute(reads)
        .catch((e: unknown) => e);
      await workers[0]?.terminate();
      const error = await held;
      expect((error as Error).message).toMatch(/The SQLite reader thread stopped/);
      expect(unavailableReason(error)).toBe('the SQLite reader stopped');
      const row = await sql<{ one: number }>`select 1 as one`.execute(reads);
      expect(row.rows).toEqual([{ one: 1 }]);
      expect(workers).toHaveLength(2);
    } finally {
      await reads.destroy();
    }
  });

  it('close() answers the queries already sent, then ends the thread', async () => {
    const workers: Worker[] = [];
    const thread = startReaderThread(file, { onStart: (worker) => workers.push(worker) });
    const exits: number[] = [];
    const answered = thread.query('select count(*) as n from reader_probe', []);
    workers[0]?.on('exit', (code) => exits.push(code));
    await thread.close();
    expect((await answered)[0]).toHaveProperty('n');
    expect(exits).toEqual([0]);
    await expect(thread.query('select 1', [])).rejects.toThrow(/closed/);
    expect(workers).toHaveLength(1);
  });

  it('starts no thread for a storage that never reads through it', async () => {
    const workers: Worker[] = [];
    const reads = new Kysely<Database>({
      dialect: new ReaderThreadDialect(file, { onStart: (worker) => workers.push(worker) }),
    });
    await reads.destroy();
    expect(workers).toHaveLength(0);
  });
});
