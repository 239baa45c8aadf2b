import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.ts';
import { mergeLoads } from './load.ts';
import { pairedLoad, type Server, sliceOrder, sliceSeconds } from './paired.ts';

function slice(requestsPerSecond: number, seconds: number, latencies: number[]): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections: 4,
    durationSeconds: seconds,
    requestsPerSecond,
    sent: Math.round(requestsPerSecond * seconds) + 4,
    responses: Math.round(requestsPerSecond * seconds),
    ok: Math.round(requestsPerSecond * seconds) - 1,
    errors: 1,
    p50Ms: 0,
    p99Ms: 0,
    maxMs: 0,
    latencies: sorted,
  };
}

describe('paired slices', () => {
  it.each([
    [0, ['bare', 'spoor']],
    [1, ['spoor', 'bare']],
    [2, ['bare', 'spoor']],
    [3, ['spoor', 'bare']],
  ] as const)('pair %i runs in ABBA order', (i, order) => {
    expect(sliceOrder(i)).toEqual(order);
  });

  it.each([
    [10, 4, 2.5],
    [10, 5, 2],
    [3, 5, 1],
    [1, 1, 1],
  ])('%i s in %i slices is %i s a slice', (duration, slices, seconds) => {
    expect(sliceSeconds(duration, slices)).toBe(seconds);
  });

  it('merges slices into totals and percentiles over every response', () => {
    const merged = mergeLoads([slice(100, 2, [1, 2, 3, 4]), slice(300, 2, [10, 20])]);
    expect(merged.durationSeconds).toBe(4);
    expect(merged.responses).toBe(800);
    expect(merged.requestsPerSecond).toBe(200);
    expect(merged.sent).toBe(808);
    expect(merged.ok).toBe(798);
    expect(merged.errors).toBe(2);
    expect([...merged.latencies]).toEqual([1, 2, 3, 4, 10, 20]);
    expect(merged.p50Ms).toBe(3);
    expect(merged.maxMs).toBe(20);
  });

  it('runs the servers alternately, and a steady drift cancels out over an even number of pairs', async () => {
    const calls: string[] = [];
    // The machine slows down slice after slice; at any moment Spoor serves half what bare would.
    let speed = 1000;
    const result = await pairedLoad(4, async (server: Server, i) => {
      calls.push(`${server}${i}`);
      speed -= 100;
      return slice(server === 'bare' ? speed : speed / 2, 1, [1]);
    });
    expect(calls).toEqual(['bare0', 'spoor0', 'spoor1', 'bare1', 'bare2', 'spoor2', 'spoor3', 'bare3']);
    // Single pairs stray from 0.5 (each server ran at another moment)…
    expect(result.sliceRatios.map((r) => Number(r.toFixed(3)))).toEqual([0.444, 0.583, 0.4, 0.75]);
    // …their totals do not: bare 900 + 600 + 500 + 200, Spoor 400 + 350 + 200 + 150.
    expect(result.bare.requestsPerSecond).toBe(550);
    expect(result.spoor.requestsPerSecond).toBe(275);
  });
});
