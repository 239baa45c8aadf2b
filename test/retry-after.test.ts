// Every 429 Spoor gives says when to come back: a Retry-After header (whole seconds, within the limit's
// one-minute window), all from its own window counters.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSendFixture, pathOf } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createForm, createWebsite } from './support/factories.ts';

const SITE = 'https://www.retry.test';

describeEachEngine('Retry-After on every 429', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let websiteId: string;
  let formId: string;
  let address = 0;
  /** A fresh client address per case, so one limit's count never spills into another case. */
  const nextAddress = () => `192.0.2.${++address}`;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 2, formRateLimit: 1 });
    websiteId = await createWebsite(spoor, [SITE]);
    formId = await createForm(spoor, { name: 'F', websiteId });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  /** Repeats a request from one address until it is refused; the refusal must carry Retry-After. */
  async function expectRetryAfter(request: (remoteAddress: string) => InjectOptions) {
    const remoteAddress = nextAddress();
    for (let i = 0; i < 20; i++) {
      const res = await spoor.app.inject(request(remoteAddress));
      if (res.statusCode !== 429) continue;
      const seconds = Number(res.headers['retry-after']);
      expect(Number.isInteger(seconds), `Retry-After "${res.headers['retry-after']}"`).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
      expect(res.body).toContain(`try again in ${seconds} s`);
      return;
    }
    throw new Error('never answered 429');
  }

  it('the collect endpoint', () =>
    expectRetryAfter((remoteAddress) => ({
      method: 'POST',
      url: '/c',
      remoteAddress,
      headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
      payload: JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${SITE}/` }),
    })));

  it('form submissions', () =>
    expectRetryAfter((remoteAddress) => ({
      method: 'POST',
      url: `/f/${formId}`,
      remoteAddress,
      headers: { 'content-type': 'application/json', origin: SITE },
      payload: { email: `a${address}@example.com` },
    })));

  it('form prefill', () =>
    expectRetryAfter((remoteAddress) => ({
      method: 'GET',
      url: `/f/${formId}/prefill`,
      remoteAddress,
      headers: { origin: SITE },
    })));

  it('links with invalid tokens', () =>
    expectRetryAfter((remoteAddress) => ({ method: 'GET', url: '/e/c/AAAA', remoteAddress })));

  it('unsubscribe pages with invalid tokens', () =>
    expectRetryAfter((remoteAddress) => ({ method: 'GET', url: '/e/u/AAAA', remoteAddress })));

  it('one-click unsubscribes with invalid tokens', () =>
    expectRetryAfter((remoteAddress) => ({ method: 'POST', url: '/e/u/AAAA', remoteAddress })));

  it('one recipient unsubscribing too often', async () => {
    const fixture = await createSendFixture(spoor, { recipients: [{}] });
    const url = pathOf(fixture.contacts[0]?.urls.unsubscribe as string);
    await expectRetryAfter((remoteAddress) => ({ method: 'POST', url, remoteAddress }));
  });
});
