// Part 1: durable collect under load. For each connection count, the bare server and Spoor are driven
// alternately with the same kind of traffic; after each Spoor run the report API must count every
// page view that was answered 2xx.
import { utcDay } from '../../src/lib/time.ts';
import { type LoadResult, runLoad } from '../lib/load.ts';
import { pairedLoad, sliceSeconds } from '../lib/paired.ts';
import type { Child } from '../lib/processes.ts';
import type { BenchSettings } from '../lib/settings.ts';
import type { SpoorChild } from '../lib/spoor-child.ts';
import { storedVerdict } from '../lib/stored-verdict.ts';
import { collectBodyMaker } from './collect-bodies.ts';

export interface LoadRow {
  connections: number;
  bare: LoadResult;
  spoor: LoadResult;
  /** Page views the report API counts for this run's website. */
  stored: number;
  /** Spoor/bare of each pair of slices (bench/paired.ts). */
  sliceRatios: number[];
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function describeLoad(label: string, r: LoadResult): string {
  return `${label.padEnd(6)} ${fmt(r.requestsPerSecond).padStart(7)} req/s  p50 ${fmt(r.p50Ms, 2)} ms  p99 ${fmt(r.p99Ms, 2)} ms  errors ${r.errors}`;
}

/** Waits until the report's page-view count stops moving (the last commits land after the load stops). */
export async function settledPageviews(spoor: SpoorChild, websiteId: string, from: string): Promise<number> {
  return settled(async () => (await spoor.report(websiteId, from, utcDay(Date.now()))).pageviews);
}

/** A count read until it stops moving (the last commits land just after a load stops). */
export async function settled(read: () => Promise<number>): Promise<number> {
  let previous = -1;
  for (let i = 0; i < 50; i++) {
    const count = await read();
    if (count === previous) return count;
    previous = count;
    await new Promise((r) => setTimeout(r, 200));
  }
  return previous;
}

export async function benchLoad(
  engine: string,
  spoor: SpoorChild,
  bare: Child,
  settings: BenchSettings,
  seed: number,
): Promise<LoadRow[]> {
  const warmSeconds = Math.min(3, settings.durationSeconds);
  console.log(`  warming up both servers (${warmSeconds} s each at 16 connections)`);
  const warmSite = await spoor.registerWebsite(`warm-up ${engine}`);
  await runLoad(bare.url, 16, warmSeconds, collectBodyMaker('bare', settings.visitorPool, seed));
  await runLoad(spoor.url, 16, warmSeconds, collectBodyMaker(warmSite, settings.visitorPool, seed));

  const rows: LoadRow[] = [];
  const seconds = sliceSeconds(settings.durationSeconds, settings.slices);
  for (const connections of settings.connections) {
    const websiteId = await spoor.registerWebsite(`load ${engine} ${connections}`);
    const from = utcDay(Date.now());
    const bodies = {
      bare: collectBodyMaker('bare', settings.visitorPool, seed),
      spoor: collectBodyMaker(websiteId, settings.visitorPool, seed + connections),
    };
    const {
      bare: bareResult,
      spoor: spoorResult,
      sliceRatios,
    } = await pairedLoad(settings.slices, (server) =>
      runLoad(server === 'bare' ? bare.url : spoor.url, connections, seconds, bodies[server]),
    );
    const stored = await settledPageviews(spoor, websiteId, from);
    const verdict = storedVerdict({
      ok: spoorResult.ok,
      stored,
      inFlight: spoorResult.sent - spoorResult.responses,
    });
    console.log(`  ${String(connections).padStart(3)} conn  ${describeLoad('bare', bareResult)}`);
    console.log(`  ${String(connections).padStart(3)} conn  ${describeLoad('spoor', spoorResult)}`);
    console.log(
      `           ratio ${fmt(spoorResult.requestsPerSecond / bareResult.requestsPerSecond, 2)} (slices ${sliceRatios.map((r) => fmt(r, 2)).join(', ')})  ·  2xx ${spoorResult.ok}, stored ${stored}: ${verdict}`,
    );
    rows.push({ connections, bare: bareResult, spoor: spoorResult, stored, sliceRatios });
  }
  return rows;
}
