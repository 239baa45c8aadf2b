import { describe, expect, it } from 'vitest';
import { commitOrSplit, commitOrSplitAsync, type SplitPolicy } from './retry-then-split.ts';

const outage = Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' });
const policy: SplitPolicy = { attempts: 3, failsEveryJob: (e) => e === outage };

/**
 * Each case: how the store fails (given the jobs of one transaction and how many transactions came
 * before), and what must become of jobs 1–4 and which transactions are tried.
 */
const cases: {
  name: string;
  fails: (jobs: number[], tried: number) => Error | null;
  committed: number[];
  failed: number[];
  transactions: number[][];
}[] = [
  {
    name: 'commits at once',
    fails: () => null,
    committed: [1, 2, 3, 4],
    failed: [],
    transactions: [[1, 2, 3, 4]],
  },
  {
    name: 'a conflict once: retried whole, not split',
    fails: (_, tried) => (tried === 0 ? new Error('serialization failure') : null),
    committed: [1, 2, 3, 4],
    failed: [],
    transactions: [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ],
  },
  {
    name: 'a poisoned job: retried, then split, and only it fails (after its own attempts)',
    fails: (jobs) => (jobs.includes(3) ? new Error('bad job') : null),
    committed: [1, 2, 4],
    failed: [3],
    transactions: [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1], [2], [3], [3], [3], [4]],
  },
  {
    name: 'an outage: the whole batch fails after its attempts, never job by job',
    fails: () => outage,
    committed: [],
    failed: [1, 2, 3, 4],
    transactions: [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ],
  },
];

describe('retry then split', () => {
  for (const c of cases) {
    it(`${c.name} (synchronous and asynchronous commit alike)`, async () => {
      for (const mode of ['sync', 'async'] as const) {
        const transactions: number[][] = [];
        const committed: number[] = [];
        const failed: number[] = [];
        const commit = (jobs: number[]) => {
          const error = c.fails(jobs, transactions.length);
          transactions.push([...jobs]);
          if (error) throw error;
          return jobs.map((job) => job * 10);
        };
        const settle = {
          committed: (jobs: number[], results: number[]) => {
            expect(results).toEqual(jobs.map((job) => job * 10));
            committed.push(...jobs);
          },
          failed: (jobs: number[]) => failed.push(...jobs),
        };
        if (mode === 'sync') commitOrSplit([1, 2, 3, 4], commit, policy, settle);
        else await commitOrSplitAsync([1, 2, 3, 4], async (jobs) => commit(jobs), policy, settle);
        expect({ committed, failed, transactions }, mode).toEqual({
          committed: c.committed,
          failed: c.failed,
          transactions: c.transactions,
        });
      }
    });
  }
});
