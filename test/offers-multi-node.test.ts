// The offer limit across nodes: two Spoor processes on one PostgreSQL and a burst of simultaneous follows
// of offer links, spread over both, never take more claims than the limit, and no contact claims twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOf } from '../src/offers/zoned-time.ts';
import { createSendFixture } from './helpers/email-fixtures.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/engines.ts';
import { type SpoorProcess, startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createVia } from './support/factories.ts';

const CLAIM = 'https://shop.test/claim';
const CONTACTS = 100;
const FOLLOWS_EACH = 3;
const LIMIT = 40;

describe.runIf(postgresUrl)('offer claims on two nodes of one PostgreSQL', () => {
  let database: TestDatabase;
  let nodes: SpoorProcess[] = [];
  /** In this process, on the same database: makes the offer and the send as the API and the send job would. */
  let admin: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    nodes = await Promise.all([startSpoorProcess(database.url), startSpoorProcess(database.url)]);
    admin = await startSpoor(database, { publicUrl: nodes[0]!.url });
  });
  afterAll(async () => {
    await admin?.close();
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
    await database?.drop();
  });

  it(`takes exactly ${LIMIT} claims from ${CONTACTS * FOLLOWS_EACH} simultaneous follows`, async () => {
    const now = Date.now();
    const offer = await createVia<{ id: string }>(admin, '/api/offers', {
      name: 'Race',
      claimUrl: CLAIM,
      startsAt: localOf(now - 3_600_000, 'UTC'),
      endsAt: localOf(now + 3_600_000, 'UTC'),
      timeZone: 'UTC',
      claimLimit: LIMIT,
    });
    const fixture = await createSendFixture(admin, {
      html: `<a href='{{ offer "${offer.id}" }}'>Claim</a>`,
      recipients: Array.from({ length: CONTACTS }, () => ({})),
    });
    const paths = fixture.contacts.map((c) => new URL(c.urls.offer?.(offer.id) as string).pathname);
    // Each contact's follows go to both nodes, all at once.
    const answers = await Promise.all(
      paths.flatMap((path, i) =>
        Array.from({ length: FOLLOWS_EACH }, async (_, k) => {
          const node = nodes[(i + k) % 2] as SpoorProcess;
          const res = await fetch(`${node.url}${path}`, {
            redirect: 'manual',
            headers: { 'user-agent': CHROME_UA },
          });
          return {
            status: res.status,
            body: res.status === 302 ? '' : (await res.text()).slice(0, 300),
            retryAfter: res.headers.get('retry-after'),
            reason: res.headers.get('x-spoor-offer'),
            location: res.headers.get('location'),
            cache: res.headers.get('cache-control'),
          };
        }),
      ),
    );
    // Every answer is a redirect, or (on a machine too busy for the pool's 5 s wait) the documented 503 that
    // took nothing; the limit must hold either way.
    const odd = answers.filter(
      (a) => !(a.status === 302 && a.cache === 'no-store') && !(a.status === 503 && a.retryAfter),
    );
    expect(odd, nodes.map((n) => n.output()).join('\n')).toEqual([]);
    const redirected = answers.filter((a) => a.status === 302);
    expect(redirected.length).toBeGreaterThan(LIMIT);
    const claimed = answers.filter((a) => a.reason === 'claimed');
    expect(claimed).toHaveLength(LIMIT);
    expect(claimed.every((a) => a.location === CLAIM)).toBe(true);
    expect(new Set(answers.map((a) => a.reason))).toEqual(
      new Set(['claimed', 'already_claimed', 'exhausted']),
    );

    const db = admin.storage.db;
    const claims = await db
      .selectFrom('offer_claims')
      .select(['contact_id', 'claims'])
      .where('offer_id', '=', offer.id)
      .execute();
    expect(claims).toHaveLength(LIMIT);
    expect(claims.every((c) => Number(c.claims) === 1)).toBe(true);
    const row = await db
      .selectFrom('offers')
      .select('claimed')
      .where('id', '=', offer.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.claimed)).toBe(LIMIT);
    const hits = await db
      .selectFrom('offer_hits')
      .select(['reason', (eb) => eb.fn.countAll<string>().as('n')])
      .where('offer_id', '=', offer.id)
      .groupBy('reason')
      .execute();
    const byReason = Object.fromEntries(hits.map((h) => [h.reason, Number(h.n)]));
    expect(byReason['claimed']).toBe(LIMIT);
    expect(Object.values(byReason).reduce((a, b) => a + b, 0)).toBe(redirected.length);
    // Each claim is one interaction of its contact, logged once.
    const logged = await db
      .selectFrom('interaction_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('source', '=', 'offers')
      .executeTakeFirstOrThrow();
    expect(Number(logged.n)).toBe(LIMIT);
  });
});
