// A supervisor's stop signal ends Spoor cleanly: SIGTERM to `npm start` (and SIGINT, as a terminal's
// Ctrl-C sends) stops accepting, answers or refuses what is in flight, commits every acknowledged event
// and exits 0, with no process left serving.
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type StartCommand, startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId } from './helpers/spoor.ts';

const SITE = 'https://www.shop.test';
const CONCURRENCY = 24;

describeEachEngine('clean shutdown', (engine) => {
  // A database per case: the bootstrap API key is installed only into a database that has none.
  const databases: TestDatabase[] = [];
  afterAll(async () => Promise.all(databases.map((database) => database.drop())));

  const cases: { command: StartCommand; signal: NodeJS.Signals }[] = [
    { command: 'npm start', signal: 'SIGTERM' },
    { command: 'node', signal: 'SIGINT' },
  ];
  for (const { command, signal } of cases) {
    it(`${signal} to "${command}" under load: exit 0, nothing left serving, every answered event stored`, {
      timeout: 90_000,
    }, async () => {
      const database = await createTestDatabase(engine);
      databases.push(database);
      const server = await startSpoorProcess(database.url, { SPOOR_LOG_LEVEL: 'info' }, command);
      const created = await fetch(`${server.url}/api/websites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Shutdown ${signal}`, allowedOrigins: [SITE] }),
      });
      expect(created.status).toBe(201);
      const websiteId = (await created.json()).id as string;

      const acknowledged: string[] = [];
      let refusedOrDropped = 0;
      let stop = false;
      const worker = async (n: number) => {
        while (!stop) {
          const e = eventId();
          try {
            const res = await fetch(`${server.url}/c`, {
              method: 'POST',
              headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
              body: JSON.stringify({
                w: websiteId,
                e,
                t: 'pv',
                u: `${SITE}/p${n % 5}`,
                v: `stopVisitor${String(n).padStart(10, '0')}`,
              }),
            });
            await res.arrayBuffer();
            if (res.status === 200) acknowledged.push(e);
            else refusedOrDropped += 1;
          } catch {
            refusedOrDropped += 1;
            if (stop) return;
            await new Promise((r) => setTimeout(r, 10));
          }
        }
      };
      const workers = Array.from({ length: CONCURRENCY }, (_, n) => worker(n));
      while (acknowledged.length < 500) await new Promise((r) => setTimeout(r, 20));

      server.child.kill(signal);
      const exitCode = await new Promise<number | null>((resolve) => {
        if (server.child.exitCode !== null) resolve(server.child.exitCode);
        else server.child.once('exit', (code) => resolve(code));
      });
      // Whatever is still asking must now be refused: nothing listens on the port any more.
      await new Promise((r) => setTimeout(r, 200));
      const afterStop = await fetch(`${server.url}/healthz`).then(
        (res) => res.status,
        () => 'refused',
      );
      stop = true;
      await Promise.all(workers);

      expect(exitCode).toBe(0);
      expect(afterStop).toBe('refused');
      expect(refusedOrDropped).toBeGreaterThan(0); // the signal landed while requests were coming in
      expect(server.output()).toContain(`${signal}: finishing in-flight events, then stopping`);

      const storage = database.open();
      try {
        const stored = new Set(
          (
            await storage.db
              .selectFrom('pageviews')
              .select('event_id')
              .where('website_id', '=', websiteId)
              .execute()
          ).map((row) => row.event_id),
        );
        expect(acknowledged.filter((e) => !stored.has(e))).toEqual([]);
      } finally {
        await storage.close();
      }
    });
  }
});
