// A supervisor's stop signal ends Spoor cleanly: SIGTERM to `npm start` (and SIGINT, as a terminal's
// Ctrl-C sends) stops accepting, answers or refuses what is in flight, commits every acknowledged event
// and exits 0, with no process left serving.
import { afterAll, expect, it } from 'vitest';
import { startCollectLoad } from './helpers/collect-load.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type StartCommand, startSpoorProcess } from './helpers/server-process.ts';
import { waitFor } from './support/wait-for.ts';

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

      const load = startCollectLoad({ baseUrl: server.url, websiteId, site: SITE, concurrency: CONCURRENCY });
      const { acknowledged } = load;
      await waitFor('500 answered events', () => acknowledged.length >= 500, { timeoutMs: 60_000 });

      server.child.kill(signal);
      const exitCode = await new Promise<number | null>((resolve) => {
        if (server.child.exitCode !== null) resolve(server.child.exitCode);
        else server.child.once('exit', (code) => resolve(code));
      });
      // Whatever is still asking must now be refused: nothing listens on the port any more.
      await waitFor('the load to meet the closed port', () => load.refused + load.dropped > 0);
      const afterStop = await fetch(`${server.url}/healthz`).then(
        (res) => res.status,
        () => 'refused',
      );
      await load.stop();

      expect(exitCode).toBe(0);
      expect(afterStop).toBe('refused');
      expect(load.refused + load.dropped).toBeGreaterThan(0); // the signal landed while requests were coming in
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
