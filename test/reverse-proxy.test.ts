// The reverse-proxy configurations in docs/deploy/ work as written: two Spoor nodes on one PostgreSQL behind
// nginx and behind Caddy, over TLS on loopback, with keepalive, client addresses and the 200 MiB import.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate } from './helpers/browser.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/engines.ts';
import {
  proxyInstalled,
  type Relay,
  type RunningProxy,
  send,
  startProxy,
  startRelay,
} from './helpers/reverse-proxy.ts';
import { type SpoorProcess, startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId } from './helpers/spoor.ts';

const SITE = 'https://www.shop.test';
/** Collect requests per minute per client address, per node: small, so that a test can reach it. */
const RATE_LIMIT = 3;
const proxies = (['nginx', 'caddy'] as const).filter((name) => proxyInstalled(name));

describe.runIf(postgresUrl && proxies.length > 0)('Spoor behind the documented reverse proxies', () => {
  let database: TestDatabase;
  let websiteId: string | undefined;
  const apiKey = `spk_${'proxy'.repeat(6)}`;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe.each(proxies)('%s', (name) => {
    let dir: string;
    // Nodes of their own per proxy, so that each proxy's tests meet fresh per-node rate limits.
    const nodes: SpoorProcess[] = [];
    let relays: Relay[] = [];
    let proxy: RunningProxy;
    let ca: string;
    const [clientA, clientB, firstPartyProxy] = ['127.0.0.10', '127.0.0.11', '127.0.0.20'];

    beforeAll(async () => {
      const env = {
        SPOOR_TRUST_PROXY: 'true',
        SPOOR_BOOTSTRAP_API_KEY: apiKey,
        SPOOR_COLLECT_RATE_LIMIT: String(RATE_LIMIT),
      };
      // One after the other: the first start installs the bootstrap key, the second finds it.
      nodes.push(await startSpoorProcess(database.url, env));
      nodes.push(await startSpoorProcess(database.url, env));
      if (!websiteId) {
        const res = await fetch(`${nodes[0]!.url}/api/websites`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Shop', allowedOrigins: [SITE] }),
        });
        websiteId = (await res.json()).id;
      }
      dir = mkdtempSync(join(tmpdir(), `spoor-${name}-`));
      const certificate = await makeCertificate();
      ca = certificate.cert;
      writeFileSync(join(dir, 'cert.pem'), certificate.cert);
      writeFileSync(join(dir, 'key.pem'), certificate.key);
      relays = await Promise.all(nodes.map((node) => startRelay(node.url)));
      proxy = await startProxy(name, {
        dir,
        upstreams: [`127.0.0.1:${relays[0]!.port}`, `127.0.0.1:${relays[1]!.port}`],
        certFile: join(dir, 'cert.pem'),
        keyFile: join(dir, 'key.pem'),
        firstPartyProxy,
      });
    });
    afterAll(async () => {
      await proxy?.stop();
      await Promise.all(relays.map((r) => r.close()));
      await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    });

    const auth = { authorization: `Bearer ${apiKey}` };
    const pageView = (from: string, headers: Record<string, string> = {}) =>
      send(proxy, ca, 'POST', '/c', {
        from,
        headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA, ...headers },
        body: JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${SITE}/${name}` }),
      });

    it('stores a page view sent through it', async () => {
      const e = eventId();
      const res = await send(proxy, ca, 'POST', '/c', {
        headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
        body: JSON.stringify({ w: websiteId, e, t: 'pv', u: `${SITE}/through-${name}` }),
      });
      expect(res.status, res.body).toBe(200);
      const storage = database.open();
      const rows = await storage.db
        .selectFrom('pageviews')
        .select('event_id')
        .where('event_id', '=', e)
        .execute();
      await storage.close();
      expect(rows).toHaveLength(1);
    });

    it('limits each client by the address it connects from, whatever X-Forwarded-For it sends', async () => {
      // Enough page views to spend client A's allowance on both nodes, each with a made-up address.
      const statuses: number[] = [];
      for (let i = 0; i < 4 * RATE_LIMIT; i++) {
        statuses.push((await pageView(clientA, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
      }
      expect(statuses.slice(0, 2 * RATE_LIMIT)).toEqual(Array(2 * RATE_LIMIT).fill(200));
      expect(statuses.slice(-2)).toEqual([429, 429]);
      // Another client, on both nodes, still has its own allowance.
      expect([(await pageView(clientB)).status, (await pageView(clientB)).status]).toEqual([200, 200]);
    });

    it("counts the visitors of a first-party site's proxy by their own addresses", async () => {
      // A customer's site forwarding /spoor/, as docs/tracking.md shows, for many visitors.
      const visitors = Array.from({ length: 4 * RATE_LIMIT }, (_, i) => `198.51.100.${i + 1}`);
      const statuses: number[] = [];
      for (const visitor of visitors) {
        statuses.push((await pageView(firstPartyProxy, { 'x-forwarded-for': visitor })).status);
      }
      expect(statuses).toEqual(visitors.map(() => 200));
      // One visitor still has one visitor's allowance.
      const again: number[] = [];
      for (let i = 0; i < 4 * RATE_LIMIT; i++) {
        again.push((await pageView(firstPartyProxy, { 'x-forwarded-for': '198.51.100.200' })).status);
      }
      expect(again.slice(-2)).toEqual([429, 429]);
    });

    it('keeps connections to the nodes open and shares requests between both nodes', async () => {
      const before = relays.map((r) => ({ connections: r.connections, bytes: r.bytesIn }));
      for (let i = 0; i < 10; i++) {
        const res = await send(proxy, ca, 'GET', '/healthz');
        expect(res.status).toBe(200);
      }
      const opened = relays.reduce((sum, r, i) => sum + r.connections - before[i]!.connections, 0);
      // Without keepalive each of the ten requests would open a connection of its own.
      expect(opened).toBeLessThanOrEqual(relays.length);
      for (const [i, relay] of relays.entries()) expect(relay.bytesIn).toBeGreaterThan(before[i]!.bytes);
    });

    it('passes a CSV import larger than 1 MB through to Spoor', async () => {
      const rows = 25_000;
      const lines = ['email,firstName,company'];
      for (let i = 0; i < rows; i++)
        lines.push(`${name}${i}@example.com,Person ${i},${'Company '.padEnd(150, 'x')}`);
      const csv = Buffer.from(`${lines.join('\n')}\n`);
      expect(csv.length).toBeGreaterThan(4 * 1024 * 1024);
      const res = await send(proxy, ca, 'POST', '/api/contacts/import', {
        headers: { ...auth, 'content-type': 'text/csv' },
        body: csv,
      });
      expect(res.status, res.body).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ rows, created: rows, rejected: 0 });
    }, 120_000);

    it('refuses an import over 200 MiB with 413', async () => {
      const res = await send(proxy, ca, 'POST', '/api/contacts/import', {
        headers: { ...auth, 'content-type': 'text/csv' },
        body: 'email\n'.padEnd(64 * 1024, 'x'),
        declaredLength: 200 * 1024 * 1024 + 1,
      });
      expect(res.status).toBe(413);
    });

    it('refuses a body over 1 MB on any other route', async () => {
      const res = await send(proxy, ca, 'POST', '/api/contacts', {
        headers: { ...auth, 'content-type': 'application/json' },
        body: `{"email":"big@example.com","company":"${'x'.repeat(64 * 1024)}`,
        declaredLength: 2 * 1024 * 1024,
      });
      expect(res.status).toBe(413);
    });
  });
});
