// Spoor rides out a PostgreSQL outage: a private server is stopped and started under load, its backends
// terminated; Spoor stays up, answers 503 meanwhile (never a 2xx for what it did not store), /healthz
// says so, and it serves again by itself once the server is back, with every acknowledged event stored.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissionRetryJobKind } from '../src/forms/retry-submissions.ts';
import { createJobRunner } from '../src/platform/jobs/runner.ts';
import { retentionJobKind } from '../src/privacy/retention-job.ts';
import { openStorage } from '../src/storage/database.ts';
import { createTestDatabase, engines, type TestDatabase } from './helpers/engines.ts';
import { type PrivatePostgres, startPrivatePostgres } from './helpers/private-postgres.ts';
import { freePort, type SpoorProcess, startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const SITE = 'https://www.shop.test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  kind: 'collect' | 'api' | 'health';
  startedAt: number;
  endedAt: number;
  /** 0: no HTTP answer at all (the connection failed). */
  status: number;
  body: string;
  eventId?: string;
}

/**
 * Waits until `condition` holds, checking every 20 ms (the test's own timeout bounds it); fails at once
 * if the Spoor process it is waiting on has died.
 */
async function until(condition: () => boolean | Promise<boolean>, spoor?: SpoorProcess): Promise<void> {
  while (!(await condition())) {
    if (spoor && (spoor.child.exitCode !== null || spoor.child.signalCode !== null))
      throw new Error(`Spoor exited during the outage:\n${spoor.output().slice(-2000)}`);
    await sleep(20);
  }
}

async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

describe('a PostgreSQL outage under load (a private server, stopped and started)', () => {
  let server: PrivatePostgres;
  let spoor: SpoorProcess | undefined;
  let databaseUrl: string;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    await adminQuery(server.url, 'create database spoor');
    databaseUrl = server.url.replace(/\/postgres$/, '/spoor');
  }, 60_000);
  afterAll(async () => {
    await spoor?.kill('SIGKILL');
    await server?.destroy();
  });

  it('stays up, answers 503 while the database is away, serves again by itself and loses nothing acknowledged', {
    timeout: 120_000,
  }, async () => {
    spoor = await startSpoorProcess(databaseUrl, { SPOOR_SEND_POLL_MS: '200' });
    const running = spoor;
    const created = await fetch(`${running.url}/api/websites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Outage', allowedOrigins: [SITE] }),
    });
    expect(created.status).toBe(201);
    const websiteId = ((await created.json()) as { id: string }).id;

    const answers: Answer[] = [];
    let stop = false;
    const call = async (kind: Answer['kind'], url: string, init: RequestInit, id?: string) => {
      const startedAt = Date.now();
      let status = 0;
      let body = '';
      try {
        const res = await fetch(url, init);
        status = res.status;
        body = await res.text();
      } catch {}
      answers.push({ kind, startedAt, endedAt: Date.now(), status, body, ...(id ? { eventId: id } : {}) });
    };
    const collector = async (n: number) => {
      while (!stop) {
        const e = eventId();
        await call(
          'collect',
          `${running.url}/c`,
          {
            method: 'POST',
            headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
            body: JSON.stringify({ w: websiteId, e, t: 'pv', u: `${SITE}/p${n % 5}` }),
          },
          e,
        );
      }
    };
    const apiClient = async () => {
      while (!stop)
        await call('api', `${running.url}/api/contacts?limit=5`, {
          headers: { authorization: `Bearer ${running.apiKey}` },
        });
    };
    const healthPoller = async () => {
      while (!stop) {
        await call('health', `${running.url}/healthz`, {});
        await sleep(25);
      }
    };
    const load = [
      ...Array.from({ length: 12 }, (_, n) => collector(n)),
      apiClient(),
      apiClient(),
      healthPoller(),
    ];
    const acknowledged = () => answers.filter((a) => a.kind === 'collect' && a.status === 200).length;
    const since = (at: number, kind: Answer['kind'], status: number) =>
      answers.filter((a) => a.kind === kind && a.startedAt >= at && a.status === status).length;

    /** Periods when the server was down for sure: from the end of pg_ctl stop to the call of start. */
    const downs: { from: number; to: number }[] = [];
    const outage = async (mode: 'fast' | 'immediate') => {
      await server.stop(mode);
      const from = Date.now();
      // Long enough for every kind of request to meet the outage.
      await until(() => since(from, 'collect', 503) >= 20 && since(from, 'api', 503) >= 3, running);
      await until(() => since(from, 'health', 503) >= 3, running);
      downs.push({ from, to: Date.now() });
      await server.start();
      const back = Date.now();
      // Spoor, never restarted, serves again by itself.
      await until(() => since(back, 'collect', 200) >= 100 && since(back, 'api', 200) >= 3, running);
      await until(() => since(back, 'health', 200) >= 1, running);
    };

    try {
      await until(() => acknowledged() >= 100, running);
      // Every backend of Spoor terminated at once, idle or busy.
      const terminated = await adminQuery(
        server.url,
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'spoor' and pid <> pg_backend_pid()",
      );
      expect(terminated.rowCount).toBeGreaterThan(0);
      const afterTerminate = Date.now();
      await until(
        () => since(afterTerminate, 'collect', 200) >= 100 && since(afterTerminate, 'api', 200) >= 5,
        running,
      );
      await outage('fast');
      await outage('immediate');
    } finally {
      stop = true;
      await Promise.all(load);
    }

    // Spoor is still the same process.
    expect(running.child.exitCode).toBeNull();
    expect(running.child.signalCode).toBeNull();
    expect(running.output()).not.toMatch(/Unhandled|uncaught/i);

    // Every request was answered, with a success or with a 503, never another 5xx nor a dropped socket.
    const statuses = (kind: Answer['kind']) =>
      [...new Set(answers.filter((a) => a.kind === kind).map((a) => a.status))].sort();
    expect(statuses('collect')).toEqual([200, 503]);
    expect(statuses('api')).toEqual([200, 503]);
    expect(statuses('health')).toEqual([200, 503]);

    // While the server was down, everything that was asked and answered within that time got a 503
    // with a clear message, and a Retry-After.
    const duringDowns = answers.filter((a) => downs.some((d) => a.startedAt >= d.from && a.endedAt <= d.to));
    expect(duringDowns.length).toBeGreaterThanOrEqual(40);
    expect(duringDowns.filter((a) => a.status !== 503)).toEqual([]);
    for (const answer of duringDowns.filter((a) => a.kind !== 'health').slice(0, 20)) {
      expect(JSON.parse(answer.body)).toMatchObject({
        error: 'unavailable',
        message: expect.stringMatching(/^The database is unavailable right now \(.+\); nothing was recorded/),
      });
    }
    expect(JSON.parse(duringDowns.find((a) => a.kind === 'health')!.body)).toMatchObject({
      ok: false,
      error: 'unavailable',
      message: expect.stringMatching(/^The database is not answering: /),
    });
    const lastHealth = answers.filter((a) => a.kind === 'health').at(-1)!;
    expect(lastHealth.status).toBe(200);

    // Nothing acknowledged is lost: every page view answered 200 is stored.
    const acked = answers.filter((a) => a.kind === 'collect' && a.status === 200).map((a) => a.eventId!);
    const stored = new Set(
      (
        await adminQuery(databaseUrl, `select event_id from pageviews where website_id = '${websiteId}'`)
      ).rows.map((r: { event_id: string }) => r.event_id),
    );
    expect(acked.length).toBeGreaterThanOrEqual(400);
    expect(acked.filter((e) => !stored.has(e))).toEqual([]);
  });
});

// The smaller case, in process on the shared PostgreSQL: PostgreSQL terminates the pool's idle
// connections (pg_terminate_backend, a failover, an idle timeout). That used to end the process with
// "Unhandled 'error' event"; now the pool drops them and the next request opens a new one.
for (const engine of engines.filter((e) => e === 'postgres')) {
  describe(`terminated idle connections [${engine}]`, () => {
    let database: TestDatabase;
    let spoor: RunningSpoor;
    const uncaught: string[] = [];
    const onUncaught = (error: unknown) => uncaught.push(String((error as Error)?.message ?? error));
    beforeAll(async () => {
      database = await createTestDatabase(engine);
      spoor = await startSpoor(database);
      process.on('uncaughtException', onUncaught);
    });
    afterAll(async () => {
      process.off('uncaughtException', onUncaught);
      await spoor.close();
      await database.drop();
    });

    it('does not end the process, and the next requests succeed', async () => {
      const created = await spoor.app.inject({
        method: 'POST',
        url: '/api/websites',
        headers: spoor.auth,
        payload: { name: 'Terminated', allowedOrigins: [SITE] },
      });
      expect(created.statusCode).toBe(201);
      const websiteId = created.json().id as string;
      // Open several pooled connections and learn their backends (each query runs on its own).
      const pids = new Set(
        (
          await Promise.all(
            Array.from({ length: 6 }, async () => {
              const { rows } = await sql<{
                pid: number;
              }>`select pg_backend_pid() as pid, pg_sleep(0.2)`.execute(spoor.storage.db);
              return rows[0]!.pid;
            }),
          )
        ).values(),
      );
      expect(pids.size).toBeGreaterThan(1);
      // Now idle in the pool: terminate them all from another connection.
      const pooled = spoor.storage.poolStats!().total;
      const list = [...pids].join(',');
      await adminQuery(
        process.env['SPOOR_TEST_POSTGRES_URL']!,
        `select pg_terminate_backend(pid) from pg_stat_activity where pid in (${list})`,
      );
      await until(async () => {
        const { rowCount } = await adminQuery(
          process.env['SPOOR_TEST_POSTGRES_URL']!,
          `select 1 from pg_stat_activity where pid in (${list})`,
        );
        return rowCount === 0;
      });
      // Wait for the closed sockets' events to reach the pool (this is where the process used to die): it
      // drops each terminated client.
      await until(() => spoor.storage.poolStats!().total <= pooled - pids.size);
      expect(uncaught).toEqual([]);

      const contacts = await spoor.app.inject({ method: 'GET', url: '/api/contacts', headers: spoor.auth });
      expect(contacts.statusCode).toBe(200);
      const e = eventId();
      const collected = await spoor.app.inject({
        method: 'POST',
        url: '/c',
        headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
        payload: JSON.stringify({ w: websiteId, e, t: 'pv', u: `${SITE}/` }),
      });
      expect(collected.statusCode).toBe(200);
      const stored = await spoor.storage.db
        .selectFrom('pageviews')
        .select('event_id')
        .where('event_id', '=', e)
        .execute();
      expect(stored).toHaveLength(1);
      expect((await spoor.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });
  });
}

// The background jobs meet the outage too: each pass fails, none may end the process, the next retries.
describe('background jobs while the database is away', () => {
  it('keep running without an unhandled rejection', async () => {
    // Nothing listens on this port: every query is refused.
    const storage = openStorage(`postgres://postgres@127.0.0.1:${await freePort()}/none`);
    const rejections: string[] = [];
    const onRejection = (error: unknown) => rejections.push(String((error as Error)?.message ?? error));
    process.on('unhandledRejection', onRejection);
    let failures = 0;
    const runner = createJobRunner(storage, {
      pollMs: 20,
      leaseMs: 5_000,
      onPollError: () => {
        failures += 1;
      },
    });
    runner.register(submissionRetryJobKind(storage, 20));
    runner.register(retentionJobKind(storage, { everyMs: 20 }));
    await runner.start();
    try {
      await until(() => failures >= 5);
    } finally {
      await runner.stop();
      await storage.close();
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
  });
});
