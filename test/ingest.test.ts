// The ingest module's retry-then-split (platform/ingest/retry-then-split.ts), through its front door on
// every path it has: the SQLite writer thread (a file), in process on SQLite (:memory:) and in process
// on PostgreSQL (several batches at once). A batch holding one poisoned item must commit every other
// item exactly once and fail only the poisoned one.
import { afterEach, describe, expect, it } from 'vitest';
import { openHotPath } from '../src/platform/ingest/hot-path.ts';
import { openStorage, type Storage } from '../src/storage/database.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/engines.ts';
import { createProbeTable, POISON, PROBE_PATH, probeRows } from './support/probe-hot-path.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openPath(where: 'sqlite file (writer thread)' | 'sqlite :memory:' | 'postgres') {
  let storage: Storage;
  if (where === 'sqlite :memory:') storage = openStorage('sqlite::memory:');
  else {
    const database: TestDatabase = await createTestDatabase(where === 'postgres' ? 'postgres' : 'sqlite');
    cleanups.push(() => database.drop());
    storage = database.open();
  }
  cleanups.push(() => storage.close());
  await createProbeTable(storage);
  return storage;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `item${String(i).padStart(3, '0')}`);

const paths = [
  'sqlite file (writer thread)',
  'sqlite :memory:',
  ...(postgresUrl ? (['postgres'] as const) : []),
] as const;

describe.each(paths)('ingest on %s', (where) => {
  it('a batch with one poisoned item commits all the others once and fails only that one', async () => {
    const storage = await openPath(where);
    const path = openHotPath(storage, PROBE_PATH, { maxBatch: 256, context: null });
    cleanups.unshift(() => path.close());
    // Submitted in one turn: on the thread path in several hand-overs (16 at a time) that the thread
    // merges; in process in one batch. The poisoned item sits among them.
    const good = ids(40);
    const items = [...good.slice(0, 25), POISON, ...good.slice(25)];
    const settled = await Promise.allSettled(items.map((id) => path.submit({ id })));

    const failed = items.filter((_, i) => settled[i]?.status === 'rejected');
    expect(failed).toEqual([POISON]);
    const rejection = settled[items.indexOf(POISON)] as PromiseRejectedResult;
    expect(String(rejection.reason)).toContain('poisoned item');
    for (const [i, id] of items.entries())
      if (id !== POISON) expect(settled[i]).toEqual({ status: 'fulfilled', value: `stored ${id}` });
    // Every good item stored exactly once (the primary key would refuse a second).
    expect(await probeRows(storage)).toEqual(good);
  });
});
