// /metrics: the names an operator's dashboards and alerts use, values that move with collect, pixel,
// click and send traffic, on both engines; and who may read it: nobody without configuration (404),
// the bearer token on the main listener (401 without it), or a loopback listener of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendFixture, pathOf } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { freePort, startSpoorProcess } from './helpers/server-process.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { CHROME_UA, eventId, type RunningSpoor, sendFinished, startSpoor } from './helpers/spoor.ts';
import { addToList, createContact, createList, createMessage, createWebsite } from './support/factories.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const SITE = 'https://shop.example';

/** The value of one series in Prometheus text (0 when absent, as Prometheus would treat a new series). */
function seriesValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describeEachEngine('/metrics', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let sink: SmtpSink;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      {
        metricsToken: TOKEN,
        smtp: smtpConfigFor(sink),
        sendPollMs: 50,
        collectRateLimit: 100_000,
      },
      { workers: true },
    );
  });
  afterAll(async () => {
    await spoor.close();
    await sink.close();
    await database.drop();
  });

  const scrape = async () => {
    const res = await spoor.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    return res.body;
  };

  it('refuses a scrape without the token, or with another one', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-token-at-all' }, { authorization: TOKEN }]) {
      const res = await spoor.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.body).not.toContain('spoor_');
    }
  });

  it('counts requests by route, commits, SMTP outcomes and sends as traffic comes in', {
    timeout: 60_000,
  }, async () => {
    const before = await scrape();

    const websiteId = await createWebsite(spoor, [SITE]);
    for (let i = 0; i < 3; i++) {
      const res = await spoor.app.inject({
        method: 'POST',
        url: '/c',
        headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
        payload: JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${SITE}/shoes/${i}` }),
      });
      expect(res.statusCode).toBe(200);
    }
    const fixture = await createSendFixture(spoor);
    const contact = fixture.contacts[0]!;
    for (const url of [contact.urls.pixel, contact.urls.click(0)]) {
      const res = await spoor.app.inject({
        method: 'GET',
        url: pathOf(url),
        headers: { 'user-agent': CHROME_UA },
      });
      expect(res.statusCode).toBeLessThan(400);
    }
    const sendId = await sendToOneContact(spoor, 'reader@mail.test');
    expect((await sendFinished(spoor, sendId)).status).toBe('done');

    const after = await scrape();
    // Requests by route pattern (ids in the URL never make a series of their own) and status class.
    expect(
      seriesValue(after, 'spoor_http_requests_total{method="POST",route="/c",status_class="2xx"}') -
        seriesValue(before, 'spoor_http_requests_total{method="POST",route="/c",status_class="2xx"}'),
    ).toBe(3);
    expect(after).toContain('spoor_http_requests_total{method="GET",route="/e/o/*",status_class="2xx"}');
    expect(after).toContain('spoor_http_request_duration_seconds_bucket{method="POST",route="/c",le="+Inf"}');
    expect(after).not.toContain(websiteId);
    const unmatched = 'spoor_http_requests_total{method="GET",route="(unmatched)",status_class="4xx"}';
    await spoor.app.inject({ method: 'GET', url: `/wp-admin/${eventId()}` });
    expect(seriesValue(await scrape(), unmatched)).toBe(seriesValue(after, unmatched) + 1);
    // Group commits: how many events or hits each transaction carried, and how long it took.
    for (const stream of ['tracking', 'engagement']) {
      expect(seriesValue(after, `spoor_commit_batch_size_count{stream="${stream}"}`)).toBeGreaterThan(
        seriesValue(before, `spoor_commit_batch_size_count{stream="${stream}"}`),
      );
      expect(seriesValue(after, `spoor_commit_batch_size_sum{stream="${stream}"}`)).toBeGreaterThan(
        seriesValue(before, `spoor_commit_batch_size_sum{stream="${stream}"}`),
      );
      expect(seriesValue(after, `spoor_commit_duration_seconds_sum{stream="${stream}"}`)).toBeGreaterThan(
        seriesValue(before, `spoor_commit_duration_seconds_sum{stream="${stream}"}`),
      );
      expect(after).toContain(`spoor_commit_waiting{stream="${stream}"} `);
    }
    expect(after).toContain('spoor_sqlite_writer_backlog ');
    // Sending: messages the SMTP server accepted, sends by status.
    expect(seriesValue(after, 'spoor_smtp_outcomes_total{verdict="accepted"}')).toBe(
      seriesValue(before, 'spoor_smtp_outcomes_total{verdict="accepted"}') + 1,
    );
    expect(seriesValue(after, 'spoor_sends{status="done"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(after, 'spoor_smtp_unreached_streak')).toBe(0);
    // Write health and the database pool (PostgreSQL's; SQLite has none).
    expect(seriesValue(after, 'spoor_write_failures')).toBe(0);
    if (engine === 'postgres')
      expect(seriesValue(after, 'spoor_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(after).toContain('spoor_db_pool_waiting ');
    // The process's own.
    expect(after).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(after).toMatch(/^process_resident_memory_bytes \d/m);
  });
});

async function sendToOneContact(spoor: RunningSpoor, email: string): Promise<string> {
  const listId = await createList(spoor, `List ${eventId()}`);
  await addToList(spoor, listId, [await createContact(spoor, { email })]);
  const messageId = await createMessage(spoor, { subject: 'Hello', html: '<p>Hello</p>' });
  const send = await spoor.app.inject({
    method: 'POST',
    url: '/api/sends',
    headers: spoor.auth,
    payload: { messageId, listIds: [listId] },
  });
  expect(send.statusCode, send.body).toBe(202);
  return send.json().id;
}

describe('/metrics without configuration', () => {
  it('does not exist', async () => {
    const database = await createTestDatabase('sqlite');
    const spoor = await startSpoor(database);
    try {
      const res = await spoor.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('spoor_');
    } finally {
      await spoor.close();
      await database.drop();
    }
  });
});

describe('/metrics on a listener of its own', () => {
  it('is served on SPOOR_METRICS_PORT on loopback, with the token if one is set, and not on the public port', {
    timeout: 60_000,
  }, async () => {
    const database = await createTestDatabase('sqlite');
    const metricsPort = await freePort();
    const server = await startSpoorProcess(database.url, {
      SPOOR_METRICS_PORT: String(metricsPort),
      SPOOR_METRICS_TOKEN: TOKEN,
    });
    try {
      expect(
        (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
      ).toBe(404);
      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      expect((await fetch(metricsUrl)).status).toBe(401);
      const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('spoor_http_requests_total{method="GET",route="/healthz",status_class="2xx"}');
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    } finally {
      await server.kill();
      await database.drop();
    }
  });
});
