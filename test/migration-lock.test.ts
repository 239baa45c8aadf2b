// The migration lock behind PgBouncer in transaction pooling mode (src/storage/migration-lock.ts). Kysely's
// own lock was session-level, taken and released by statements of their own, which PgBouncer may send over
// different server connections: the release then missed and the lock stayed held, so the next node to
// start waited on it. Here several nodes check their migrations at once, again and again, through a pool
// of two server connections; a lock left behind would make a later check wait, and the suite time out.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/engines.ts';
import { type PgBouncer, startPgBouncer } from './helpers/pgbouncer.ts';

describe.runIf(postgresUrl)('migration lock through PgBouncer in transaction pooling mode', () => {
  let database: TestDatabase;
  let bouncer: PgBouncer;
  const nodes: Storage[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    bouncer = await startPgBouncer(postgresUrl!, [database.schema!], { poolSize: 2 });
    for (let i = 0; i < 3; i++) nodes.push(openStorage(bouncer.url(database.schema!)));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await bouncer?.stop();
    await database?.drop();
  });

  it('is released every time: nodes checking their migrations at once never wait on a lock left behind', {
    timeout: 120_000,
  }, async () => {
    for (let round = 0; round < 5; round++) {
      // Each node's check alongside other nodes' queries, so PgBouncer hands out its two server
      // connections in different orders from round to round.
      const results = await Promise.all(
        nodes.map(async (node, i) => {
          if (i === round % nodes.length) await node.db.selectFrom('websites').select('id').execute();
          return migrateToLatest(node.db);
        }),
      );
      expect(results).toEqual(nodes.map(() => []));
    }
    // And none is held once every check has ended.
    const held = await sql<{ n: string }>`select count(*) as n from pg_locks,
        (select hashtextextended('spoor:migrations:' || current_schema(), 0) as k) as key
      where locktype = 'advisory' and objsubid = 1
        and classid::bigint = (key.k >> 32) & 4294967295 and objid::bigint = key.k & 4294967295`.execute(
      nodes[0]!.db,
    );
    expect(Number(held.rows[0]?.n)).toBe(0);
  });
});
