import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../lib/load.ts';
import { combineConcurrent, mergeLoads } from '../lib/load.ts';
import { roundOrder } from '../lib/paired.ts';
import { parseCommitTotals } from './commit-metrics.ts';
import { NO_CONTENTION, statementHead, topShares } from './contention.ts';
import { addRuns, type PassId, ratioToOne, roundRatios, splitConnections } from './passes.ts';

function run(requestsPerSecond: number, seconds: number, latencies: number[], connections = 32): LoadResult {
  const responses = Math.round(requestsPerSecond * seconds);
  return {
    connections,
    durationSeconds: seconds,
    requestsPerSecond,
    sent: responses + connections,
    responses,
    ok: responses,
    errors: 0,
    p50Ms: 0,
    p99Ms: 0,
    maxMs: 0,
    latencies: Float64Array.from(latencies).sort(),
  };
}

describe('splitting the connections between nodes', () => {
  it.each([
    [64, 1, [64]],
    [64, 2, [32, 32]],
    [65, 2, [33, 32]],
    [64, 3, [22, 21, 21]],
    [3, 3, [1, 1, 1]],
  ])('%i connections over %i nodes: %j', (total, nodes, split) => {
    expect(splitConnections(total, nodes)).toEqual(split);
    expect(split.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it.each([
    [2, 3],
    [64, 0],
    [64.5, 2],
  ])('refuses %i connections over %i nodes', (total, nodes) => {
    expect(() => splitConnections(total, nodes)).toThrow(/Cannot split/);
  });
});

describe('the order of the passes in each round', () => {
  it.each([
    [0, ['one', 'several', 'pgbouncer']],
    [1, ['pgbouncer', 'several', 'one']],
    [2, ['one', 'several', 'pgbouncer']],
  ])('round %i runs %j', (round, order) => {
    expect(roundOrder(['one', 'several', 'pgbouncer'], round)).toEqual(order);
  });
});

describe('runs of the same moment on two nodes', () => {
  it('adds their responses over the common time and takes percentiles over all', () => {
    const both = combineConcurrent([run(300, 2, [1, 2, 3]), run(100, 2, [10])]);
    expect(both.connections).toBe(64);
    expect(both.durationSeconds).toBe(2);
    expect(both.responses).toBe(800);
    expect(both.requestsPerSecond).toBe(400);
    expect([...both.latencies]).toEqual([1, 2, 3, 10]);
    expect(both.maxMs).toBe(10);
  });
});

describe('a pass against one node', () => {
  const pass = (id: PassId, rates: number[]) =>
    addRuns(
      id,
      rates.map((rate) => ({
        load: run(rate, 1, [1]),
        commits: { commits: 10, events: 100, seconds: 0.5 },
        contention: NO_CONTENTION,
        cpu: { nodes: rate / 1000, postgres: 1, generator: 0.5, machine: 2 },
      })),
      mergeLoads,
    );

  it.each([
    // one node's rounds, two nodes' rounds, ratio of the totals, ratio of each round
    [[1000, 1000], [1000, 1000], 1, [1, 1]],
    [[1000, 600], [1200, 720], 1.2, [1.2, 1.2]],
    [[800, 1200], [400, 600], 0.5, [0.5, 0.5]],
    [[1000, 1000], [1500, 500], 1, [1.5, 0.5]],
  ])('one %j, two %j: ratio %d, rounds %j', (one, two, ratio, rounds) => {
    const a = pass('one', one);
    const b = pass('several', two);
    expect(ratioToOne(b, a)).toBeCloseTo(ratio, 6);
    expect(roundRatios(b, a).map((r) => Number(r.toFixed(6)))).toEqual(rounds);
    expect(b.commits).toEqual({ commits: 20, events: 200, seconds: 1 });
    expect(b.cpu.nodes).toBeCloseTo(two.reduce((s, r) => s + r, 0) / two.length / 1000, 6);
    expect(b.cpu.machine).toBe(2);
  });

  it('has no ratio without one node to compare with', () => {
    expect(ratioToOne(pass('several', [1000]), undefined)).toBeNaN();
  });
});

describe('reading what the nodes and PostgreSQL say', () => {
  const page = [
    '# HELP spoor_commit_batch_size Events or hits per committed transaction (group commit), by stream.',
    'spoor_commit_batch_size_bucket{le="1",stream="tracking"} 3',
    'spoor_commit_batch_size_sum{stream="tracking"} 1234',
    'spoor_commit_batch_size_count{stream="tracking"} 100',
    'spoor_commit_batch_size_sum{stream="engagement"} 55',
    'spoor_commit_batch_size_count{stream="engagement"} 5',
    'spoor_commit_duration_seconds_sum{stream="tracking"} 2.5',
    'spoor_commit_duration_seconds_count{stream="tracking"} 100',
  ].join('\n');

  it.each([
    ['tracking', { commits: 100, events: 1234, seconds: 2.5 }],
    ['engagement', { commits: 5, events: 55, seconds: 0 }],
    ['forms', { commits: 0, events: 0, seconds: 0 }],
  ])('group commits of %s', (stream, totals) => {
    expect(parseCommitTotals(page, stream)).toEqual(totals);
  });

  it.each([
    [
      'insert into send_counters (send_id, name, value) select * from unnest($1)',
      'insert into send_counters',
    ],
    ['update  visits\n set pageviews = pageviews + 1 where id = $1', 'update visits set'],
    ['select pg_advisory_xact_lock($1)', 'select pg_advisory_xact_lock($1)'],
  ])('names the statement %j as %j', (query, head) => {
    expect(statementHead(query)).toBe(head);
  });

  it.each([
    [{}, '—'],
    [{ CPU: 3, 'IO:WALSync': 1 }, 'CPU 75%, IO:WALSync 25%'],
    [{ a: 1, b: 5, c: 2, d: 2 }, 'b 50%, c 20%, d 20%'],
  ])('shares of %j: %s', (counts, shares) => {
    expect(topShares(counts)).toBe(shares);
  });
});
