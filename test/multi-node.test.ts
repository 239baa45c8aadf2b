// Several Spoor processes on one PostgreSQL behave as one service: no state a node needs lives in another's memory.
// The same checks run with the nodes connected directly and through PgBouncer in transaction pooling mode
// (decision 038), where consecutive transactions of one node land on different server connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/engines.ts';
import { type PgBouncer, startPgBouncer } from './helpers/pgbouncer.ts';
import { type SpoorProcess, startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId } from './helpers/spoor.ts';

const SITE = 'https://www.shop.test';

/** How the nodes reach PostgreSQL: the DATABASE_URL they are given for the test's database, and what to stop after. */
interface Route {
  name: string;
  viaPgBouncer: boolean;
  connect(database: TestDatabase): Promise<Connection>;
}

interface Connection {
  url: string;
  close(): Promise<void>;
  /** Through PgBouncer: what it saw of the nodes. */
  bouncer?: PgBouncer;
}

const routes: Route[] = [
  {
    name: 'directly',
    viaPgBouncer: false,
    connect: async (database) => ({ url: database.url, close: async () => {} }),
  },
  {
    name: 'through PgBouncer in transaction pooling mode',
    viaPgBouncer: true,
    connect: async (database) => {
      const bouncer = await startPgBouncer(postgresUrl!, [database.schema!]);
      return { url: bouncer.url(database.schema!), close: () => bouncer.stop(), bouncer };
    },
  },
];

for (const route of routes) describeTwoNodes(route);

function describeTwoNodes(route: Route): void {
  describe.runIf(postgresUrl)(`two nodes on one PostgreSQL, ${route.name}`, () => {
    let database: TestDatabase;
    let connection: Connection | undefined;
    let nodes: SpoorProcess[] = [];
    let websiteId: string;

    beforeAll(async () => {
      // Migrated here: both nodes still take the migrations' (transaction-scoped) lock at start to find
      // nothing pending. Migrating 30-odd migrations from nothing in two nodes at once can pass the start-up
      // timeout on a loaded machine.
      database = await createTestDatabase('postgres');
      connection = await route.connect(database);
      const url = connection.url;
      nodes = await Promise.all([startSpoorProcess(url), startSpoorProcess(url)]);
      websiteId = (await adminPost('/api/websites', { name: 'Shared', allowedOrigins: [SITE] })).id;
      expect(websiteId).toBeTruthy();
    }, 400_000); // a hang guard above the start-up guard (180 s per node) and the schema's set-up
    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
      await connection?.close();
      await database.drop();
    });

    /** Each node was started with its own bootstrap key; only a node that found no key installed its own,
     *  so whichever key works proves the nodes share one key table. */
    async function adminPost(path: string, body: unknown) {
      for (const node of nodes) {
        const res = await fetch(`${node.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${node.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (res.status === 201) return res.json();
      }
      throw new Error(`POST ${path} failed on every node`);
    }

    const collect = async (node: SpoorProcess, body: Record<string, unknown>, cookie?: string) => {
      const res = await fetch(`${node.url}/c`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain',
          origin: SITE,
          'user-agent': CHROME_UA,
          ...(cookie ? { cookie } : {}),
        },
        body: JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${SITE}/`, ...body }),
      });
      expect(res.status).toBe(200);
      return res.json();
    };

    it('continues one visit while its page views alternate between nodes', async () => {
      const first = await collect(nodes[0]!, {});
      const cookie = `spoor_vid=${first.v}`;
      const visits = new Set<string>([first.s]);
      for (let i = 0; i < 6; i++)
        visits.add((await collect(nodes[i % 2]!, { u: `${SITE}/p${i}` }, cookie)).s);
      expect([...visits]).toEqual([first.s]);
    });

    it('stores an event retried on both nodes at once exactly once', async () => {
      const e = eventId();
      const body = JSON.stringify({ w: websiteId, e, t: 'pv', u: `${SITE}/dup` });
      const statuses = await Promise.all(
        [0, 1, 0, 1, 0, 1].map(async (i) => {
          const res = await fetch(`${nodes[i]!.url}/c`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
            body,
          });
          return res.status;
        }),
      );
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      const storage = database.open();
      const rows = await storage.db
        .selectFrom('pageviews')
        .select('event_id')
        .where('event_id', '=', e)
        .execute();
      const pages = await storage.db
        .selectFrom('daily_pages')
        .select('pageviews')
        .where('path', '=', '/dup')
        .execute();
      await storage.close();
      expect(rows).toHaveLength(1);
      expect(pages.reduce((s, r) => s + Number(r.pageviews), 0)).toBe(1);
    });

    it('one visitor hammering both nodes concurrently still has one visit and exact counts', async () => {
      const first = await collect(nodes[0]!, { u: `${SITE}/burst` });
      const cookie = `spoor_vid=${first.v}`;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => collect(nodes[i % 2]!, { u: `${SITE}/burst` }, cookie)),
      );
      expect(new Set(results.map((r) => r.s))).toEqual(new Set([first.s]));
      const storage = database.open();
      const visit = await storage.db
        .selectFrom('visits')
        .select('pageviews')
        .where('id', '=', first.s)
        .executeTakeFirstOrThrow();
      await storage.close();
      expect(visit.pageviews).toBe(41);
    });

    it('two simultaneous submissions with the same email, one to each node, make exactly one contact', async () => {
      const form = await adminPost('/api/forms', {
        name: 'Race',
        websiteId,
        fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
      });
      for (let round = 0; round < 10; round++) {
        const email = `race${round}@example.com`;
        const statuses = await Promise.all(
          nodes.map(async (node, i) => {
            const res = await fetch(`${node.url}/f/${form.id}`, {
              method: 'POST',
              headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
              body: JSON.stringify({ email: i === 0 ? email : email.toUpperCase() }),
            });
            return res.status;
          }),
        );
        expect(statuses).toEqual([200, 200]);
      }
      const storage = database.open();
      const contacts = await storage.db
        .selectFrom('contacts')
        .select('email_match')
        .where('email_match', 'like', 'race%')
        .execute();
      await storage.close();
      expect(contacts.map((c) => c.email_match).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `race${i}@example.com`),
      );
    });

    it("a new browser's first page views, sent at once to both nodes, make one visitor and one visit", async () => {
      for (let round = 0; round < 5; round++) {
        const mirror = `newBrowser${round}${Date.now().toString(36)}`.padEnd(22, 'x');
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => collect(nodes[i % 2]!, { v: mirror, u: `${SITE}/first${i}` })),
        );
        expect(new Set(results.map((r) => r.v))).toEqual(new Set([mirror]));
        expect(new Set(results.map((r) => r.s)).size).toBe(1);
      }
    });
    it('runs jobs on the nodes: the retention pass of the first start finished and is due again an interval on', async () => {
      const storage = database.open();
      try {
        for (let i = 0; ; i++) {
          const job = await storage.db
            .selectFrom('jobs')
            .select(['run_at', 'attempts', 'last_error', 'status'])
            .where('kind', '=', 'privacy.retention')
            .executeTakeFirst();
          if (job && job.run_at > Date.now()) {
            expect(job).toMatchObject({ status: 'pending', last_error: null });
            break;
          }
          if (i === 100) throw new Error(`The retention job did not finish: ${JSON.stringify(job)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await storage.close();
      }
    });

    // Only through PgBouncer (declared only there: no skipped test directly).
    if (route.viaPgBouncer)
      it("sent both nodes' transactions through PgBouncer", async () => {
        const stats = await connection!.bouncer!.stats();
        expect(stats.clients).toBeGreaterThanOrEqual(2);
        expect(stats.transactions).toBeGreaterThan(100);
      });
  });
}
