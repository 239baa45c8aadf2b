// The job runner on SQLite and PostgreSQL with two nodes (two runners, each on its own connection to the
// same database): every job runs once however they race; a node that dies without giving its job back
// loses it when its lease runs out, and the other node runs it; a failing job is retried with backoff,
// then kept as failed with its error. Time is moved with a fake Date, never waited for.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJobRunner, type JobKind, type JobRunner } from '../src/platform/jobs/runner.ts';
import { claimDueJob, enqueueJob, findJob } from '../src/platform/jobs/store.ts';
import type { Storage } from '../src/storage/database.ts';
import { createTestDatabase, engines, type TestDatabase } from './helpers/engines.ts';

const LEASE_MS = 60_000;

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

for (const engine of engines) {
  describe(`job runner [${engine}]`, () => {
    let database: TestDatabase;
    let nodeA: Storage;
    let nodeB: Storage;
    const runners: JobRunner[] = [];

    const runnerOn = (storage: Storage, ...kinds: JobKind[]) => {
      const runner = createJobRunner(storage, { pollMs: 5, leaseMs: LEASE_MS, slots: 3 });
      for (const kind of kinds) runner.register(kind);
      runners.push(runner);
      return runner;
    };

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      nodeA = database.open();
      nodeB = database.open();
    });
    afterEach(async () => {
      vi.useRealTimers();
      await Promise.all(runners.splice(0).map((runner) => runner.stop()));
      await nodeA.db.deleteFrom('jobs').execute();
    });
    afterAll(async () => {
      await nodeA.close();
      await nodeB.close();
      await database.drop();
    });

    it('two nodes racing over many jobs run each exactly once', async () => {
      const runs: Array<{ key: string; owner: string }> = [];
      const counting = (): JobKind => ({
        kind: 'test.count',
        async run(job) {
          // Yield, so that the other node's slots get their turn while this job holds its lease.
          await new Promise((resolve) => setImmediate(resolve));
          runs.push({ key: job.key, owner: job.owner });
          return undefined;
        },
      });
      const keys = Array.from({ length: 60 }, (_, i) => `job-${i}`);
      for (const key of keys) await enqueueJob(nodeA.db, { kind: 'test.count', key });
      const a = runnerOn(nodeA, counting());
      const b = runnerOn(nodeB, counting());
      await Promise.all([a.start(), b.start()]);
      await until(async () => (await nodeA.db.selectFrom('jobs').select('id').execute()).length === 0);
      await Promise.all([a.stop(), b.stop()]);
      expect(runs.map((run) => run.key).sort()).toEqual([...keys].sort());
      for (const run of runs) expect([a.owner, b.owner]).toContain(run.owner);
      // Both nodes took part: the race really happened.
      expect(new Set(runs.map((run) => run.owner)).size).toBe(2);
    });

    it('a node that dies holding a job loses it when its lease runs out; the other node runs it once', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
      const ran: string[] = [];
      await enqueueJob(nodeA.db, { kind: 'test.crash', key: 'only' });
      // Node A takes the job, as its runner would, and dies: no renewal, no release.
      const taken = await claimDueJob(nodeA.db, ['test.crash'], 'node-a', Date.now(), LEASE_MS);
      expect(taken?.key).toBe('only');
      const b = runnerOn(nodeB, {
        kind: 'test.crash',
        async run(job) {
          ran.push(job.owner);
          return undefined;
        },
      });
      // While A's lease holds, B leaves the job alone.
      vi.setSystemTime(1_000_000 + LEASE_MS - 1);
      expect(await b.runDue()).toBe(0);
      expect((await findJob(nodeB.db, 'test.crash', 'only'))?.lease_owner).toBe('node-a');
      // Once it has run out, B takes it, runs it, and it is gone.
      vi.setSystemTime(1_000_000 + LEASE_MS);
      expect(await b.runDue()).toBe(1);
      expect(ran).toEqual([b.owner]);
      expect(await findJob(nodeB.db, 'test.crash', 'only')).toBeUndefined();
      expect(await b.runDue()).toBe(0);
    });

    it('a failing job is retried with growing delays, then kept as failed with its error', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: 2_000_000 });
      let tries = 0;
      const failing: JobKind = {
        kind: 'test.fail',
        retry: { maxAttempts: 3, baseMs: 1_000, maxMs: 60_000 },
        async run(job) {
          tries += 1;
          throw new Error(`refused on try ${job.attempt}`);
        },
      };
      const a = runnerOn(nodeA, failing);
      const b = runnerOn(nodeB, failing);
      await enqueueJob(nodeA.db, { kind: 'test.fail', key: 'x' });

      expect(await a.runDue()).toBe(1);
      let row = await findJob(nodeA.db, 'test.fail', 'x');
      expect(row).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: 'refused on try 1',
        lease_owner: null,
      });
      expect(Number(row?.run_at)).toBe(2_000_000 + 1_000);
      // Not due yet, on either node.
      expect(await b.runDue()).toBe(0);

      vi.setSystemTime(2_000_000 + 1_000);
      expect(await b.runDue()).toBe(1);
      row = await findJob(nodeA.db, 'test.fail', 'x');
      expect(row).toMatchObject({ status: 'pending', attempts: 2, last_error: 'refused on try 2' });
      expect(Number(row?.run_at)).toBe(2_000_000 + 1_000 + 2_000);

      vi.setSystemTime(2_000_000 + 3_000);
      expect(await a.runDue()).toBe(1);
      row = await findJob(nodeA.db, 'test.fail', 'x');
      expect(row).toMatchObject({ status: 'failed', attempts: 3, last_error: 'refused on try 3' });
      expect(Number(row?.failed_at)).toBe(2_000_000 + 3_000);

      // Failed stays failed, however late it gets.
      vi.setSystemTime(2_000_000 + 10_000_000);
      expect(await a.runDue()).toBe(0);
      expect(await b.runDue()).toBe(0);
      expect(tries).toBe(3);

      // Enqueueing the same key again revives it with fresh attempts.
      await enqueueJob(nodeB.db, { kind: 'test.fail', key: 'x' });
      expect(await findJob(nodeA.db, 'test.fail', 'x')).toMatchObject({ status: 'pending', attempts: 0 });
    });

    it('a job scheduled later waits for its time; one that asks to come back is run again then', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: 3_000_000 });
      const runs: number[] = [];
      const a = runnerOn(nodeA, {
        kind: 'test.later',
        async run() {
          runs.push(Date.now());
          return runs.length < 2 ? { runAt: Date.now() + 500 } : undefined;
        },
      });
      await enqueueJob(nodeA.db, { kind: 'test.later', key: 'k', runAt: 3_000_000 + 1_000 });
      expect(await a.runDue()).toBe(0);
      vi.setSystemTime(3_000_000 + 1_000);
      expect(await a.runDue()).toBe(1);
      expect(await a.runDue()).toBe(0);
      vi.setSystemTime(3_000_000 + 1_500);
      expect(await a.runDue()).toBe(1);
      expect(runs).toEqual([3_001_000, 3_001_500]);
      expect(await findJob(nodeA.db, 'test.later', 'k')).toBeUndefined();
    });

    it('a repeating job runs once per interval across both nodes', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: 4_000_000 });
      const ran: string[] = [];
      const repeating = (): JobKind => ({
        kind: 'test.repeat',
        everyMs: 60_000,
        async run(job) {
          ran.push(job.owner);
          return undefined;
        },
      });
      const a = runnerOn(nodeA, repeating());
      const b = runnerOn(nodeB, repeating());
      expect((await a.runDue()) + (await b.runDue())).toBe(1);
      vi.setSystemTime(4_000_000 + 59_999);
      expect((await b.runDue()) + (await a.runDue())).toBe(0);
      vi.setSystemTime(4_000_000 + 60_000);
      expect((await b.runDue()) + (await a.runDue())).toBe(1);
      expect(ran).toEqual([a.owner, b.owner]);
      expect(await findJob(nodeA.db, 'test.repeat', 'test.repeat')).toMatchObject({ status: 'pending' });
    });

    it('stopping waits for the job under way, which is told to stop, and gives it back', async () => {
      let started = false;
      const a = runnerOn(nodeA, {
        kind: 'test.long',
        async run(job) {
          started = true;
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve));
          throw new Error('stopped mid-way');
        },
      });
      await enqueueJob(nodeA.db, { kind: 'test.long', key: 'k' });
      await a.start();
      await until(() => started);
      await a.stop();
      // Given back as it was: no lease, the interrupted try not counted, due at once on another node.
      expect(await findJob(nodeA.db, 'test.long', 'k')).toMatchObject({
        status: 'pending',
        attempts: 0,
        lease_owner: null,
        last_error: null,
      });
      let ranOnB = 0;
      const b = runnerOn(nodeB, {
        kind: 'test.long',
        async run() {
          ranOnB += 1;
          return undefined;
        },
      });
      expect(await b.runDue()).toBe(1);
      expect(ranOnB).toBe(1);
    });
  });
}
