// Direct feed of the writer thread's batch store: the same traffic to an older tree's store and this
// tree's `threadBatchStore`, each on its own SQLite file in one process, batches of 64 alternating per
// batch, CPU time per event by process.cpuUsage (user + system). Then an A/A run (this tree against
// itself) to show the noise. Usage:
//   OLD=/work/wt/base/src/tracking/sqlite-store.ts [OLD_EXPORT=sqliteBatchWriter] [BATCHES=600] \
//     [SAME_SQL=1] npx tsx bench/load/thread-store-feed.ts
// The old store is migrated by its own tree's migrations (found beside OLD). Main writes one more rollup
// per visit (daily_entry_pages) than a store from before migration 013: SAME_SQL=1 leaves its SQL out.
// An older tree's threadBatchStore compares two versions of this store (OLD_EXPORT=threadBatchStore).
// ONLY=old|new|none [WARM=150] feeds one store alone (none: the traffic's copies only) for an instruction
// count that a loaded machine does not disturb; the measured batches lie between two process.cpuUsage
// calls, so callgrind can cut them out (decision 016):
//   ONLY=new BATCHES=100 WARM=600 valgrind --tool=callgrind --dump-before=uv_getrusage \
//     node --single-threaded --import tsx bench/load/thread-store-feed.ts   # part 2: the measured batches
// COUNT=1 (with ONLY) prints how often each statement ran per event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadBatchStore } from '../../src/tracking/batch-store.ts';
import type { TrackingEvent } from '../../src/tracking/events.ts';
import { trackingTraffic } from './tracking-traffic.ts';

type Store = (events: TrackingEvent[]) => unknown;
interface TreeModules {
  openStorage: (url: string) => { db: unknown; close(): Promise<void> };
  openSqliteConnection: (path: string) => { close(): void };
  migrateToLatest: (db: unknown) => Promise<unknown>;
  attributePageview: (url: string, referrer: string | null) => unknown;
}

const BATCH = 64;
const BROWSERS = 1000;
const batches = Number(process.env['BATCHES'] ?? 600);
/** Batches fed to a throwaway store first, so that what is measured runs compiled (ONLY: WARM=…). */
const warmBatches = Number(process.env['WARM'] ?? 150);
const oldPath = process.env['OLD'];
const only = process.env['ONLY'] as 'old' | 'new' | 'none' | undefined;
const dir = mkdtempSync(join(tmpdir(), 'spoor-thread-feed-'));

async function treeOf(storeModule: string): Promise<TreeModules> {
  const src = resolve(storeModule, '../..');
  const load = (p: string) => import(pathToFileURL(join(src, p)).href);
  const [database, migrate, attribution] = await Promise.all([
    load('storage/database.ts'),
    load('storage/migrate.ts'),
    load('tracking/attribution.ts'),
  ]);
  return { ...database, ...migrate, ...attribution } as TreeModules;
}

let files = 0;
async function openStore(tree: TreeModules, make: (sqlite: never) => Store): Promise<Store> {
  const file = join(dir, `feed${files++}.db`);
  const storage = tree.openStorage(`sqlite:${file}`);
  await tree.migrateToLatest(storage.db);
  await storage.close();
  const sqlite = tree.openSqliteConnection(file) as unknown as Connection;
  if (process.env['COUNT']) countRuns(sqlite);
  if (tree === here && process.env['SAME_SQL']) skipEntryPages(sqlite);
  return make(sqlite as never);
}

/**
 * SAME_SQL=1: this tree's store without the SQLite work the older one does not have: its daily_entry_pages
 * upserts (migration 013, about 0.6 per event) answer at once without running. The rows are still planned
 * and bound for the call, so the comparison charges this store the planning of that rollup.
 */
function skipEntryPages(sqlite: Connection) {
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = (text) => {
    const statement = prepare(text);
    if (text.startsWith('insert into daily_entry_pages')) statement.run = () => ({ changes: 1 });
    return statement;
  };
}

interface Connection {
  prepare(text: string): { run(...p: unknown[]): unknown; get(...p: unknown[]): unknown };
}
/** COUNT=1: how many times each statement ran (the SQLite work both stores ask for), printed at the end. */
const runs = new Map<string, { n: number; ns: bigint }>();
function countRuns(sqlite: Connection) {
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = (text) => {
    const statement = prepare(text);
    const key = text.replace(/\s+/g, ' ').slice(0, 70);
    for (const method of ['run', 'get'] as const) {
      const call = statement[method].bind(statement);
      statement[method] = (...params) => {
        const start = process.hrtime.bigint();
        try {
          return call(...params);
        } finally {
          const tally = runs.get(key) ?? { n: 0, ns: 0n };
          tally.n++;
          tally.ns += process.hrtime.bigint() - start;
          runs.set(key, tally);
        }
      };
    }
    return statement;
  };
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Feeds both stores the same batches, alternating which goes first; returns µs/event of each. */
function feed(a: Store, b: Store, traffic: TrackingEvent[][]): [number, number] {
  const spent: [number, number] = [0, 0];
  traffic.forEach((batch, i) => {
    const order: [Store, 0 | 1][] =
      i % 2 === 0
        ? [
            [a, 0],
            [b, 1],
          ]
        : [
            [b, 1],
            [a, 0],
          ];
    for (const [store, which] of order) {
      const copy = structuredClone(batch);
      const start = cpuMicros();
      store(copy);
      spent[which] += cpuMicros() - start;
    }
  });
  const events = traffic.length * BATCH;
  return [spent[0] / events, spent[1] / events];
}

function line(label: string, [a, b]: [number, number], names: [string, string]) {
  console.log(
    `${label}: ${names[0]} ${a.toFixed(1)} µs/event, ${names[1]} ${b.toFixed(1)} µs/event, ${names[1]}/${names[0]} ${(b / a).toFixed(3)}`,
  );
}

const here = await treeOf(new URL('../../src/tracking/batch-store.ts', import.meta.url).pathname);
const warmUp = trackingTraffic({
  batches: Math.max(batches, warmBatches),
  batchSize: BATCH,
  browsers: BROWSERS,
  attribute: here.attributePageview,
});
const events = warmUp.slice(0, batches);
const newStore = (sqlite: never) => threadBatchStore(sqlite);
async function oldStoreOf(): Promise<[TreeModules, (s: never) => Store]> {
  if (!oldPath) throw new Error("OLD: the older tree's sqlite-store.ts");
  const oldModule = await import(pathToFileURL(resolve(oldPath)).href);
  return [await treeOf(oldPath), oldModule[process.env['OLD_EXPORT'] ?? 'sqliteBatchWriter']];
}

if (only) {
  // One store alone (or none: the traffic and copies only), for an instruction counter, which needs no
  // alternation: `valgrind --tool=callgrind` counts the same instructions run after run on a loaded machine.
  const [tree, make] = only === 'old' ? await oldStoreOf() : [here, newStore];
  const store = only === 'none' ? () => undefined : await openStore(tree, make);
  const warm = only === 'none' ? store : await openStore(tree, make);
  for (const batch of warmUp.slice(0, warmBatches)) warm(structuredClone(batch));
  const start = cpuMicros();
  for (const batch of events) store(structuredClone(batch));
  console.log(`${only}: ${((cpuMicros() - start) / (events.length * BATCH)).toFixed(1)} µs/event`);
  const all = (events.length + warmBatches) * BATCH;
  let ns = 0n;
  for (const [text, t] of runs) {
    ns += t.ns;
    console.log(
      `${(t.n / all).toFixed(3)} per event, ${(Number(t.ns) / all / 1000).toFixed(2)} µs/event: ${text}`,
    );
  }
  if (runs.size) console.log(`statements: ${(Number(ns) / all / 1000).toFixed(2)} µs/event (wall)`);
} else {
  // Warm-up on throwaway files, so the first measured run does not pay for compiling.
  feed(await openStore(here, newStore), await openStore(here, newStore), warmUp.slice(0, warmBatches));
  if (oldPath) {
    const [oldTree, oldStore] = await oldStoreOf();
    feed(
      await openStore(oldTree, oldStore),
      await openStore(oldTree, oldStore),
      warmUp.slice(0, warmBatches),
    );
    line('old/new', feed(await openStore(oldTree, oldStore), await openStore(here, newStore), events), [
      'old',
      'new',
    ]);
  }
  line('A/A', feed(await openStore(here, newStore), await openStore(here, newStore), events), ['new', 'new']);
}
rmSync(dir, { recursive: true, force: true });
