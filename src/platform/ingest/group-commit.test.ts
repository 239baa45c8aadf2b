import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

/** A runner that records the batches it is given and answers each job doubled. */
function recordingRunner() {
  const batches: number[][] = [];
  const run = async (jobs: number[]) => {
    batches.push([...jobs]);
    return jobs.map((job) => job * 2);
  };
  return { batches, run };
}

describe('GroupCommit', () => {
  it('counts the jobs waiting for their commit and tells of each batch committed', async () => {
    const { run } = recordingRunner();
    const committed: number[] = [];
    const writer = new GroupCommit(run, { maxBatch: 3, onCommit: (size) => committed.push(size) });
    const results = [1, 2, 3, 4, 5].map((job) => writer.submit(job));
    expect(writer.waiting).toBe(5);
    await Promise.all(results);
    expect(writer.waiting).toBe(0);
    expect(committed).toEqual([3, 2]);
  });

  it('without a hand-over size, waits for the end of the turn and commits what arrived together', async () => {
    const { batches, run } = recordingRunner();
    const writer = new GroupCommit(run, { maxBatch: 100 });
    const results = [1, 2, 3, 4].map((job) => writer.submit(job));
    expect(batches).toEqual([]);
    expect(await Promise.all(results)).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('with a hand-over size, hands a batch over as soon as that many wait, before the turn ends', async () => {
    const { batches, run } = recordingRunner();
    const writer = new GroupCommit(run, { maxBatch: 100, handOverAt: 2 });
    const results = [1, 2, 3, 4, 5].map((job) => writer.submit(job));
    // The first two went at once; the rest wait for the writer to be free again.
    expect(batches).toEqual([[1, 2]]);
    expect(await Promise.all(results)).toEqual([2, 4, 6, 8, 10]);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(batches[0]).toEqual([1, 2]);
  });

  it('never exceeds its writers: with one busy, jobs past the hand-over size keep waiting', async () => {
    let release = () => {};
    const batches: number[][] = [];
    const writer = new GroupCommit(
      async (jobs: number[]) => {
        batches.push([...jobs]);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return jobs;
      },
      { maxBatch: 100, handOverAt: 2 },
    );
    const results = [1, 2, 3, 4, 5, 6].map((job) => writer.submit(job));
    expect(batches).toEqual([[1, 2]]);
    release();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
  });

  it('a faulty job fails alone, but an outage fails the whole batch without retrying job by job', async () => {
    for (const [name, error, outage, expectedCalls] of [
      ['faulty job', new Error('bad job'), false, 3 + 3 * 3],
      ['outage', Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }), true, 3],
    ] as const) {
      let calls = 0;
      const writer = new GroupCommit(
        async (jobs: number[]) => {
          calls += 1;
          if (outage || jobs.includes(2)) throw error;
          return jobs;
        },
        { maxBatch: 100, failsEveryJob: (e) => (e as { code?: string }).code === 'SQLITE_FULL' },
      );
      const results = await Promise.allSettled([1, 2, 3].map((job) => writer.submit(job)));
      const statuses = results.map((r) => r.status);
      expect(statuses, name).toEqual(
        outage ? ['rejected', 'rejected', 'rejected'] : ['fulfilled', 'rejected', 'fulfilled'],
      );
      // 3 attempts of the batch; then, for a faulty job only, 3 attempts of each job alone at most.
      expect(calls, name).toBeLessThanOrEqual(expectedCalls);
      if (outage) expect(calls, name).toBe(3);
    }
  });
});
