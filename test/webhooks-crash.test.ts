// A Spoor crash between the commit of an event and its webhook's delivery: the server is killed with
// SIGKILL while the receiver holds the first request unanswered; a new process delivers it, and the
// receiver (deduplicating by webhook-id, as Standard Webhooks asks) processes it exactly once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStorage } from '../src/storage/database.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SpoorProcess, startSpoorProcess } from './helpers/server-process.ts';
import { makeTestCa, type TestCa } from './helpers/test-ca.ts';
import { bodyOf, startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';
import { waitFor } from './support/wait-for.ts';

describeEachEngine('webhooks across a crash', (engine) => {
  let database: TestDatabase;
  let ca: TestCa;
  let receiver: WebhookReceiver;
  let dir: string;
  let env: Record<string, string>;
  const servers: SpoorProcess[] = [];

  beforeAll(async () => {
    ca = makeTestCa();
    database = await createTestDatabase(engine);
    receiver = await startWebhookReceiver(ca);
    dir = mkdtempSync(join(tmpdir(), 'spoor-webhooks-'));
    writeFileSync(join(dir, 'ca.pem'), ca.ca);
    env = {
      SPOOR_WEBHOOK_POLL_MS: '50',
      SPOOR_SEND_POLL_MS: '200', // the job lease: 5 s, so the second process takes over soon
      SPOOR_EGRESS_PRIVATE_HOSTS: 'localhost',
      SPOOR_EGRESS_CA_FILE: join(dir, 'ca.pem'),
      SPOOR_WEBHOOK_TIMEOUT_SECONDS: '60',
    };
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await server.kill('SIGKILL');
    await receiver?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers an event committed before a SIGKILL, once', { timeout: 120_000 }, async () => {
    const first = await startSpoorProcess(database.url, env);
    servers.push(first);
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${first.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${first.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    const endpoint = await call('POST', '/api/webhooks', {
      url: receiver.url,
      eventTypes: ['contact.created'],
    });
    expect(endpoint.status).toBe(201);
    receiver.secrets = [String(endpoint.body['secret'])];

    // The receiver takes the request and never answers: the server dies with the delivery in flight.
    receiver.mode = { kind: 'hold' };
    const contact = await call('POST', '/api/contacts', { email: 'crash@example.com' });
    expect(contact.status).toBe(201);
    const contactId = contact.body['id'] as string;
    await waitFor('the delivery in flight', () => receiver.requests.length > 0, { timeoutMs: 60_000 });
    await first.kill('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');
    const webhookId = receiver.requests[0]!.id;
    expect(receiver.processed).toHaveLength(0);

    receiver.mode = { kind: 'ok' };
    const second = await startSpoorProcess(database.url, env);
    servers.push(second);
    await waitFor('the delivery after the restart', () => receiver.processed.length > 0, {
      timeoutMs: 60_000,
    });

    // The same message (same webhook-id), sent again; processed once.
    expect(receiver.processed.map((r) => r.id)).toEqual([webhookId]);
    expect(bodyOf(receiver.processed[0]!)).toMatchObject({ type: 'contact.created', data: { contactId } });
    expect(receiver.requests.every((r) => r.id === webhookId)).toBe(true);
    expect(receiver.processed[0]!.verifiedBy).toEqual([0]);

    const storage = openStorage(
      database.engine === 'sqlite' ? database.url : process.env['SPOOR_TEST_POSTGRES_URL']!,
      { schema: database.schema },
    );
    try {
      await waitFor('the delivery recorded', async () => {
        const rows = await storage.db.selectFrom('webhook_deliveries').select(['id', 'state']).execute();
        return rows.length === 1 && rows[0]!.state === 'delivered';
      });
    } finally {
      await storage.close();
    }
  });
});
