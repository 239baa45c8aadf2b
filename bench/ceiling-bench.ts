// Part 1b: what this machine allows. Spoor's own HTTP path (bench/ceiling-server.ts) with collect's
// events stored nowhere, then in a bare append-only log made durable per group, each driven against the
// bare server in alternating slices at the target's connection count, like the load runs. Read beside
// the SQLite row: the first ratio is the most any store could keep on this machine, the second the
// most a durable one could (decision 007).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CeilingMode } from './ceiling-server.ts';
import { collectBodyMaker } from './collect-bodies.ts';
import { type LoadResult, runLoad } from './load.ts';
import { describeLoad } from './load-bench.ts';
import { pairedLoad, sliceSeconds } from './paired.ts';
import { type Child, owed } from './processes.ts';
import { type BenchSettings, TMP_DIR } from './settings.ts';
import { startSpoor } from './spoor-child.ts';

export interface CeilingRow {
  mode: CeilingMode;
  connections: number;
  bare: LoadResult;
  spoor: LoadResult;
  sliceRatios: number[];
}

export const CEILING_MODES: readonly CeilingMode[] = ['none', 'log'];

export async function benchCeiling(
  bare: Child,
  settings: BenchSettings,
  connections: number,
  seed: number,
): Promise<CeilingRow[]> {
  const rows: CeilingRow[] = [];
  for (const mode of CEILING_MODES) {
    const tag = `${Date.now().toString(36)}-${mode}`;
    const file = join(TMP_DIR, `ceiling-${tag}.db`);
    const log = join(TMP_DIR, `ceiling-${tag}.log`);
    const dispose = owed(async () => {
      for (const path of [file, `${file}-wal`, `${file}-shm`, log]) rmSync(path, { force: true });
    });
    try {
      const server = await startSpoor({
        name: `Spoor's HTTP path, store: ${mode}`,
        databaseUrl: `sqlite:${file}`,
        entry: 'bench/ceiling-server.ts',
        extraEnv: { SPOOR_BENCH_CEILING: mode, SPOOR_BENCH_CEILING_LOG: log },
      });
      try {
        const websiteId = await server.registerWebsite(`ceiling ${mode}`);
        const bodies = {
          bare: collectBodyMaker('bare', settings.visitorPool, seed),
          spoor: collectBodyMaker(websiteId, settings.visitorPool, seed + 1),
        };
        const seconds = sliceSeconds(settings.durationSeconds, settings.slices);
        await runLoad(server.url, 16, Math.min(3, settings.durationSeconds), bodies.spoor);
        const result = await pairedLoad(settings.slices, (which) =>
          runLoad(which === 'bare' ? bare.url : server.url, connections, seconds, bodies[which]),
        );
        console.log(`  store ${mode.padEnd(4)} ${describeLoad('bare', result.bare)}`);
        console.log(`  store ${mode.padEnd(4)} ${describeLoad('spoor', result.spoor)}`);
        console.log(
          `             ratio ${(result.spoor.requestsPerSecond / result.bare.requestsPerSecond).toFixed(2)}`,
        );
        rows.push({ mode, connections, ...result });
      } finally {
        await server.stop();
      }
    } finally {
      await dispose();
    }
  }
  return rows;
}
