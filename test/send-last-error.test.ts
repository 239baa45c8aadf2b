// A failing SMTP server is visible on the send, not only in the log: GET /api/sends/{id} shows the
// latest failure to reach it (what it said, when), on both engines, while recipients stay pending.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { freePort } from './helpers/server-process.ts';
import { smtpConfigFor } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { addToList, createContact, createList, createMessage } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

describeEachEngine('lastError on a send', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let closedPort: number;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // A loopback port nothing listens on: every connection is refused.
    closedPort = await freePort();
    spoor = await startSpoor(
      database,
      {
        smtp: smtpConfigFor({ port: closedPort }),
        sendPollMs: 50,
        smtpRetryBaseMs: 100,
      },
      { workers: true },
    );
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  it('shows the refused connection with its time; nobody is bounced', { timeout: 30_000 }, async () => {
    const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await spoor.app.inject({
        method,
        url,
        headers: spoor.auth,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json();
    };
    const list = await createList(spoor, 'News');
    await addToList(spoor, list, [await createContact(spoor, { email: 'reader@mail.test' })]);
    const message = await createMessage(spoor, { subject: 'Hi', html: '<p>Hi</p>' });
    const started = Date.now();
    const send = await inject('POST', '/api/sends', { messageId: message, listIds: [list] });
    expect(send.lastError).toBeNull();

    const seen = await waitFor(
      'the send to show its last error',
      async () => {
        const current = await inject('GET', `/api/sends/${send.id}`);
        return current.lastError && current;
      },
      20_000,
    );
    expect(seen.lastError.message).toMatch(
      new RegExp(`^The SMTP server 127\\.0\\.0\\.1:${closedPort} could not be reached: .*ECONNREFUSED`),
    );
    expect(Date.parse(seen.lastError.at)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(seen.lastError.at)).toBeLessThanOrEqual(Date.now());
    expect(seen.status).toBe('sending');
    expect(seen.error).toBeNull();
    expect(seen.progress).toMatchObject({ pending: 1, sent: 0, softBounces: 0, hardBounces: 0 });
    // The list of sends shows it too.
    const page = await inject('GET', '/api/sends');
    expect(page.sends.find((s: { id: string }) => s.id === send.id)?.lastError?.message).toBe(
      seen.lastError.message,
    );
    await inject('POST', `/api/sends/${send.id}/cancel`);
  });
});
