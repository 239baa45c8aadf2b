// Nothing acknowledged is lost: SIGKILL the server under load, then every answered event (a collect
// request, an email click) must be stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER } from '../src/email/counters/counter-names.ts';
import { openStorage } from '../src/storage/database.ts';
import { startCollectLoad } from './helpers/collect-load.ts';
import { createSendFixture, pathOf } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId, startSpoor } from './helpers/spoor.ts';
import { waitFor } from './support/wait-for.ts';

const SITE = 'https://www.shop.test';
const CONCURRENCY = 48;

describeEachEngine('crash safety', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => database.drop());

  it('keeps every acknowledged event when the process is killed with SIGKILL under load', {
    timeout: 120_000,
  }, async () => {
    const server = await startSpoorProcess(database.url);
    const created = await fetch(`${server.url}/api/websites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Crash', allowedOrigins: [SITE] }),
    });
    expect(created.status).toBe(201);
    const websiteId = (await created.json()).id as string;

    const load = startCollectLoad({ baseUrl: server.url, websiteId, site: SITE, concurrency: CONCURRENCY });
    const { acknowledged } = load;
    // Kill once a good number of events have been answered, so the kill lands mid-stream.
    await waitFor('1500 answered events', () => acknowledged.length >= 1500, { timeoutMs: 60_000 });
    await server.kill('SIGKILL');
    await load.stop();

    expect(server.child.signalCode).toBe('SIGKILL');
    const storage = openStorage(
      database.engine === 'sqlite' ? database.url : process.env['SPOOR_TEST_POSTGRES_URL']!,
      {
        schema: database.schema,
      },
    );
    try {
      const stored = new Set(
        (
          await storage.db
            .selectFrom('pageviews')
            .select('event_id')
            .where('website_id', '=', websiteId)
            .execute()
        ).map((r) => r.event_id),
      );
      const lost = acknowledged.filter((e) => !stored.has(e));
      expect(acknowledged.length).toBeGreaterThanOrEqual(1500);
      expect(load.dropped).toBeGreaterThan(0); // requests were in flight when it died
      expect(lost).toEqual([]);
      // Rollups were written in the same transactions as the events.
      const stats = await storage.db
        .selectFrom('daily_stats')
        .select('pageviews')
        .where('website_id', '=', websiteId)
        .execute();
      expect(stats.reduce((sum, r) => sum + Number(r.pageviews), 0)).toBe(stored.size);
    } finally {
      await storage.close();
    }
  });

  it('keeps every answered email click when the process is killed with SIGKILL under load', {
    timeout: 120_000,
  }, async () => {
    // A delivered send to enough people that no one passes the per-recipient limit on recorded clicks.
    const setup = await startSpoor(database);
    const fixture = await createSendFixture(setup, {
      recipients: Array.from({ length: 300 }, () => ({ tracking: true })),
    });
    await setup.close();
    const positions = fixture.links.filter((link) => !link.honeypot).map((link) => link.position);
    const server = await startSpoorProcess(database.url);

    const answered = new Map<string, number>();
    let failedAfterKill = 0;
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const n = next++;
        const contact = fixture.contacts[n % fixture.contacts.length]!;
        const position = positions[Math.floor(n / fixture.contacts.length) % positions.length]!;
        try {
          const res = await fetch(`${server.url}${pathOf(contact.urls.click(position))}`, {
            redirect: 'manual',
            headers: { 'user-agent': CHROME_UA },
          });
          await res.arrayBuffer();
          if (res.status === 302) {
            const key = `${contact.id} ${position}`;
            answered.set(key, (answered.get(key) ?? 0) + 1);
          }
        } catch {
          failedAfterKill += 1;
          if (stop) return;
        }
      }
    };
    const count = () => [...answered.values()].reduce((sum, n) => sum + n, 0);
    const workers = Array.from({ length: CONCURRENCY }, () => worker());
    await waitFor('1500 answered events', () => count() >= 1500, { timeoutMs: 60_000 });
    await server.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);

    expect(server.child.signalCode).toBe('SIGKILL');
    const storage = openStorage(
      database.engine === 'sqlite' ? database.url : process.env['SPOOR_TEST_POSTGRES_URL']!,
      { schema: database.schema },
    );
    try {
      const rows = await storage.db
        .selectFrom('email_events')
        .select(['contact_id', 'link_position', storage.db.fn.countAll<number>().as('n')])
        .where('send_id', '=', fixture.sendId)
        .where('kind', '=', 'click')
        .groupBy(['contact_id', 'link_position'])
        .execute();
      const stored = new Map(rows.map((r) => [`${r.contact_id} ${r.link_position}`, Number(r.n)]));
      const lost = [...answered].filter(([key, n]) => (stored.get(key) ?? 0) < n);
      expect(count()).toBeGreaterThanOrEqual(1500);
      expect(failedAfterKill).toBeGreaterThan(0); // requests were in flight when it died
      expect(lost).toEqual([]);
      // Counters were written in the same transactions as the events.
      const clicks = await storage.db
        .selectFrom('send_counters')
        .select('value')
        .where('send_id', '=', fixture.sendId)
        .where('name', 'in', [COUNTER.clicks('human'), COUNTER.clicks('machine')])
        .execute();
      const storedClicks = [...stored.values()].reduce((sum, n) => sum + n, 0);
      expect(clicks.reduce((sum, r) => sum + Number(r.value), 0)).toBe(storedClicks);
    } finally {
      await storage.close();
    }
  });
});

describe('graceful stop', () => {
  it('answers in-flight events before exiting on SIGTERM', { timeout: 120_000 }, async () => {
    const database = await createTestDatabase('sqlite');
    const server = await startSpoorProcess(database.url);
    try {
      const res = await fetch(`${server.url}/api/websites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Stop', allowedOrigins: [SITE] }),
      });
      const websiteId = (await res.json()).id;
      const inflight = Array.from({ length: 50 }, () =>
        fetch(`${server.url}/c`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
          body: JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${SITE}/` }),
        }).then(
          (r) => r.status,
          () => 0,
        ),
      );
      // Stopped once the server is answering them, so the rest are in flight.
      await Promise.race(inflight);
      await server.kill('SIGTERM');
      const statuses = await Promise.all(inflight);
      const answered = statuses.filter((s) => s === 200).length;
      const storage = database.open();
      const stored = await storage.db.selectFrom('pageviews').select('event_id').execute();
      await storage.close();
      expect(server.child.exitCode).toBe(0);
      expect(stored.length).toBeGreaterThanOrEqual(answered);
    } finally {
      await server.kill('SIGKILL');
      await database.drop();
    }
  });
});
