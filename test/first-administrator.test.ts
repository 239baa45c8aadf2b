// The first start of an install with no user: bootstrap makes a link (printed with the start banner) on
// which the first administrator is created in the browser; once used, starts print no link and it is dead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { startBanner } from '../src/server.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const PUBLIC_URL = 'https://spoor.test';

describeEachEngine('the first administrator', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  const config = loadConfig({ SPOOR_DEMO: 'false', SPOOR_PUBLIC_URL: PUBLIC_URL });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { publicUrl: PUBLIC_URL });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const post = (fields: Record<string, string>) =>
    spoor.app.inject({
      method: 'POST',
      url: '/account/accept',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL },
      payload: new URLSearchParams(fields).toString(),
    });

  it('is created from the link the first start prints, once', async () => {
    const { firstAdministratorLink: link } = await bootstrap(spoor.storage.db, config);
    expect(link).toMatch(/^https:\/\/spoor\.test\/account\/accept\?token=[A-Za-z0-9._-]+$/);
    expect(
      startBanner({
        database: 'SQLite',
        trackingHost: PUBLIC_URL,
        apiDocs: '',
        cookieList: '',
        firstAdministrator: link!,
      }),
    ).toContain(
      `  first admin     ${link}   (open it to create the first dashboard user; single use, 24 hours)`,
    );
    // A second start before anyone used it prints another (the first stays valid too).
    const { firstAdministratorLink: second } = await bootstrap(spoor.storage.db, config);
    expect(second).not.toBe(link);

    const path = link!.slice(PUBLIC_URL.length);
    const page = await spoor.app.inject({ url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Create the first administrator');
    expect(page.body).toContain('name="email"');
    const token = new URL(link!).searchParams.get('token') as string;
    const created = await post({
      token,
      email: 'owner@example.com',
      name: 'Owner',
      password: 'the owner password',
      confirm: 'the owner password',
    });
    expect(created.statusCode).toBe(200);
    const cookie = /spoor_session=[^;]+/.exec(String(created.headers['set-cookie']))?.[0] as string;
    const session = (await spoor.app.inject({ url: '/api/session', headers: { cookie } })).json();
    expect(session.user).toMatchObject({ email: 'owner@example.com', role: 'administrator' });
    expect(session.permissions.administration).toEqual({ read: true, write: true });

    // Used: no more links at start, and neither link opens anything any more.
    expect((await bootstrap(spoor.storage.db, config)).firstAdministratorLink).toBeNull();
    expect((await spoor.app.inject({ url: path })).statusCode).toBe(404);
    const secondToken = new URL(second!).searchParams.get('token') as string;
    expect(
      (
        await post({
          token: secondToken,
          email: 'intruder@example.com',
          password: 'the intruder password',
          confirm: 'the intruder password',
        })
      ).statusCode,
    ).toBe(404);
  });
});
