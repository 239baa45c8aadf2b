// A hot path for testing the ingest module itself: each item is a row of its own table, and an item named
// "poison" makes its transaction fail, as a faulty event would. Its SQLite store is loaded by the writer
// thread like any domain's (by module URL), so the test goes through the thread on a SQLite file.
import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { type HotPath, moduleBeside } from '../../src/platform/ingest/hot-path.ts';
import type { Storage } from '../../src/storage/database.ts';

export interface ProbeItem {
  id: string;
}
export const POISON = 'poison';
const poisoned = () => new Error('A poisoned item: this transaction cannot commit.');

export async function createProbeTable(storage: Storage): Promise<void> {
  await sql`create table ingest_probe (id text primary key, batch_size integer not null)`.execute(storage.db);
}

export async function probeRows(storage: Storage): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select id from ingest_probe order by id`.execute(storage.db);
  return rows.map((row) => row.id);
}

export const PROBE_PATH: HotPath<ProbeItem, string, null> = {
  name: 'probe',
  kinds: ['probe'],
  commit: (storage, items) =>
    storage.db.transaction().execute(async (tx) => {
      for (const item of items) {
        if (item.id === POISON) throw poisoned();
        await sql`insert into ingest_probe (id, batch_size) values (${item.id}, ${items.length})`.execute(tx);
      }
      return items.map((item) => `stored ${item.id}`);
    }),
  threadStore: { module: moduleBeside(import.meta.url, 'probe-hot-path'), export: 'openProbeStore' },
};

/** The probe's store in the writer thread: one transaction per batch, rolled back by a poisoned item. */
export function openProbeStore(sqlite: SqliteDatabase.Database) {
  const insert = sqlite.prepare('insert into ingest_probe (id, batch_size) values (?, ?)');
  const commit = sqlite.transaction((items: ProbeItem[]) => {
    for (const item of items) {
      if (item.id === POISON) throw poisoned();
      insert.run(item.id, items.length);
    }
    return items.map((item) => `stored ${item.id}`);
  });
  return (items: ProbeItem[]) => commit.immediate(items);
}
