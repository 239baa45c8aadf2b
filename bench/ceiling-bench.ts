// What this machine allows. Spoor's own HTTP path (bench/ceiling-server.ts) with the events stored
// nowhere, then in a bare log file made durable per group, each driven against the bare server
// in alternating slices at the target's connection count, like the load runs: for collect (part 1) and
// for the open pixel and click redirect (part 3, on the database the email runs seeded, so tokens and
// links are checked as in Spoor). Read beside Spoor's own row: the first ratio is the most any store
// could keep on this machine, the second the most a durable one could (decision 007).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CeilingMode } from './ceiling-server.ts';
import { collectBodyMaker } from './collect-bodies.ts';
import { type EmailBenchData, runGetLoad } from './email-load.ts';
import { type LoadResult, runLoad } from './load.ts';
import { describeLoad } from './load-bench.ts';
import { pairedLoad, type Server, sliceSeconds } from './paired.ts';
import { type Child, owed } from './processes.ts';
import { TMP_DIR } from './settings.ts';
import { newApiKey, type SpoorChild, startSpoor } from './spoor-child.ts';

export type CeilingEndpoint = 'collect' | 'pixel' | 'click';

export interface CeilingRow {
  endpoint: CeilingEndpoint;
  mode: CeilingMode;
  connections: number;
  bare: LoadResult;
  spoor: LoadResult;
  sliceRatios: number[];
}

export interface CeilingSettings {
  durationSeconds: number;
  slices: number;
  connections: number;
}

export const CEILING_MODES: readonly CeilingMode[] = ['none', 'log'];

type Drive = (server: Server, url: string, seconds: number, slice: number) => Promise<LoadResult>;

/** Both stand-ins in turn on `databaseUrl`, each endpoint driven by `drive` against the bare server. */
async function ceilingRuns(
  databaseUrl: string,
  bare: Child,
  settings: CeilingSettings,
  endpoints: readonly { endpoint: CeilingEndpoint; drive: (server: SpoorChild) => Drive }[],
): Promise<CeilingRow[]> {
  const rows: CeilingRow[] = [];
  // One admin key for every server on this database (the first start installs it).
  const apiKey = newApiKey();
  for (const mode of CEILING_MODES) {
    const log = join(TMP_DIR, `ceiling-${Date.now().toString(36)}-${mode}.log`);
    const dispose = owed(async () => rmSync(log, { force: true }));
    try {
      const server = await startSpoor({
        name: `Spoor's HTTP path, store: ${mode}`,
        databaseUrl,
        apiKey,
        entry: 'bench/ceiling-server.ts',
        extraEnv: { SPOOR_BENCH_CEILING: mode, SPOOR_BENCH_CEILING_LOG: log },
      });
      try {
        for (const { endpoint, drive } of endpoints) {
          const run = drive(server);
          await run('spoor', server.url, Math.min(3, settings.durationSeconds), -1);
          const seconds = sliceSeconds(settings.durationSeconds, settings.slices);
          const result = await pairedLoad(settings.slices, (which, slice) =>
            run(which, which === 'bare' ? bare.url : server.url, seconds, slice),
          );
          const label = `${endpoint} ${mode}`.padEnd(12);
          console.log(`  ${label} ${describeLoad('bare', result.bare)}`);
          console.log(`  ${label} ${describeLoad('spoor', result.spoor)}`);
          console.log(
            `  ${''.padEnd(12)} ratio ${(result.spoor.requestsPerSecond / result.bare.requestsPerSecond).toFixed(2)}`,
          );
          rows.push({ endpoint, mode, connections: settings.connections, ...result });
        }
      } finally {
        await server.stop();
      }
    } finally {
      await dispose();
    }
  }
  return rows;
}

/** Collect's ceiling, on a database of its own. */
export async function benchCollectCeiling(
  bare: Child,
  settings: CeilingSettings & { visitorPool: number },
  seed: number,
): Promise<CeilingRow[]> {
  const file = join(TMP_DIR, `ceiling-${Date.now().toString(36)}.db`);
  const dispose = owed(async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  });
  try {
    return await ceilingRuns(`sqlite:${file}`, bare, settings, [
      {
        endpoint: 'collect',
        drive: (server) => {
          const websiteId = server.registerWebsite('ceiling');
          const bodies = {
            bare: collectBodyMaker('bare', settings.visitorPool, seed),
            spoor: websiteId.then((id) => collectBodyMaker(id, settings.visitorPool, seed + 1)),
          };
          return async (which, url, seconds) =>
            runLoad(url, settings.connections, seconds, which === 'bare' ? bodies.bare : await bodies.spoor);
        },
      },
    ]);
  } finally {
    await dispose();
  }
}

/** The pixel's and the click's ceilings, on the database the email runs seeded (its send, tokens, links). */
export async function benchEmailCeiling(
  bare: Child,
  databaseUrl: string,
  data: EmailBenchData,
  settings: CeilingSettings,
  seed: number,
): Promise<CeilingRow[]> {
  const get =
    (paths: readonly string[], status: number): Drive =>
    (_which, url, seconds, slice) =>
      runGetLoad(url, paths, status, settings.connections, seconds, seed + slice);
  return ceilingRuns(databaseUrl, bare, settings, [
    { endpoint: 'pixel', drive: () => get(data.pixelPaths, 200) },
    { endpoint: 'click', drive: () => get(data.clickPaths, 302) },
  ]);
}
