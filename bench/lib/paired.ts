// Bare and Spoor measured in alternating slices instead of one long run each. This machine's speed
// drifts by tens of percent within minutes (decision 006), so a bare run followed by a Spoor run
// compares two different machines; slices in the order bare, Spoor, Spoor, bare, bare, Spoor, … put
// both servers under the same drift (with an even number of pairs a steady drift cancels out), and
// the ratio of their totals is the figure reported.
import { type LoadResult, mergeLoads } from './load.ts';

export type Server = 'bare' | 'spoor';

export interface PairedLoad {
  bare: LoadResult;
  spoor: LoadResult;
  /** Spoor/bare req/s of each pair of adjacent slices, in run order: how much the machine moved. */
  sliceRatios: number[];
}

/**
 * The order of the runs in round `i`: as listed in even rounds, reversed in odd ones (ABBA for two, ABC CBA
 * for three), so over an even number of rounds a steady drift favours none of them.
 */
export function roundOrder<T>(items: readonly T[], i: number): T[] {
  return i % 2 === 0 ? [...items] : [...items].reverse();
}

/** The order of the two runs in pair `i`: ABBA, so a steady drift favours neither server. */
export function sliceOrder(i: number): [Server, Server] {
  return roundOrder(['bare', 'spoor'], i) as [Server, Server];
}

/** Seconds per slice: the run's duration split into `slices`, at least one second each. */
export function sliceSeconds(durationSeconds: number, slices: number): number {
  return Math.max(1, durationSeconds / slices);
}

export async function pairedLoad(
  slices: number,
  run: (server: Server, slice: number) => Promise<LoadResult>,
): Promise<PairedLoad> {
  const results: Record<Server, LoadResult[]> = { bare: [], spoor: [] };
  const sliceRatios: number[] = [];
  for (let i = 0; i < slices; i++) {
    for (const server of sliceOrder(i)) results[server].push(await run(server, i));
    sliceRatios.push(results.spoor[i]!.requestsPerSecond / results.bare[i]!.requestsPerSecond);
  }
  return { bare: mergeLoads(results.bare), spoor: mergeLoads(results.spoor), sliceRatios };
}
