// Webhook throughput: N contacts created in one transaction (N outbox entries), then (1) the feed
// consumer turning them into deliveries for one endpoint, (2) the sender delivering them to a local
// HTTPS receiver (a new TLS connection per delivery: the egress guard checks every connection's
// address). SQLite, and PostgreSQL when SPOOR_TEST_POSTGRES_URL is set.
//   npx tsx bench/webhooks/webhook-bench.ts [N]

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { WebhookConfig } from '../../src/config.ts';
import { insertContacts } from '../../src/contacts/store.ts';
import { createInteractionFeed } from '../../src/interaction-feed.ts';
import { newId } from '../../src/lib/ids.ts';
import { consumeFeed } from '../../src/platform/interactions/feed-consumer.ts';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { deliverDue } from '../../src/webhooks/deliver.ts';
import { webhookFeedConsumer } from '../../src/webhooks/feed-to-deliveries.ts';
import { createEndpoint } from '../../src/webhooks/manage-endpoints.ts';
import { makeTestCa } from '../../test/helpers/test-ca.ts';

const N = Number(process.argv[2] ?? 2000);
const ca = makeTestCa();
let received = 0;
const server = createServer({ key: ca.server.key, cert: ca.server.cert }, (req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `https://localhost:${(server.address() as AddressInfo).port}/hook`;

async function run(name: string, storage: Storage) {
  await migrateToLatest(storage.db);
  const config: WebhookConfig = {
    pollMs: 1000,
    timeoutMs: 15_000,
    concurrency: 8,
    egress: { allowHttpHosts: [], allowPrivateHosts: ['localhost'], ca: ca.ca },
  };
  await createEndpoint(storage.db, config, { url, eventTypes: ['contact.created'] });
  const empty = {
    email: null,
    first_name: null,
    last_name: null,
    company: null,
    phone: null,
    job_title: null,
    country: null,
    custom: {},
  };
  await insertContacts(
    storage.db,
    Array.from({ length: N }, () => ({ id: newId(), row: empty })),
    Date.now(),
  );
  const feed = createInteractionFeed();
  const t0 = performance.now();
  let written = 0;
  while (written < N) written += await consumeFeed(storage.db, feed, webhookFeedConsumer());
  const t1 = performance.now();
  received = 0;
  while (received < N) await deliverDue({ db: storage.db, config });
  const t2 = performance.now();
  const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
  console.log(
    `${name}: ${N} items → deliveries in ${Math.round(t1 - t0)} ms (${rate(N, t1 - t0)}/s); delivered in ${Math.round(t2 - t1)} ms (${rate(N, t2 - t1)}/s, concurrency 8)`,
  );
  await storage.close();
}

const dir = mkdtempSync(join(tmpdir(), 'spoor-webhook-bench-'));
await run('SQLite', openStorage(`sqlite:${join(dir, 'bench.db')}`));
rmSync(dir, { recursive: true, force: true });
const postgresUrl = process.env['SPOOR_TEST_POSTGRES_URL'];
if (postgresUrl) {
  const schema = `spoor_bench_webhooks_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    await run('PostgreSQL', openStorage(postgresUrl, { schema }));
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
server.close();
