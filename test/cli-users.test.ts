// spoor users list|create|disable|enable|reset, run as an operator runs them (the compiled dist/cli.js as a
// real process) against the database a running Spoor uses, on both engines.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { signInInject } from './support/accounts.ts';

const CLI = resolve('dist/cli.js');
const PUBLIC_URL = 'https://spoor.test';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describeEachEngine('spoor users', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { publicUrl: PUBLIC_URL });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  function users(args: string[], stdin?: string): Promise<Run> {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|SPOOR_|PORT$|HOST$)/.test(name)),
    ) as Record<string, string>;
    return new Promise((done) => {
      const child = execFile(
        process.execPath,
        [CLI, 'users', ...args],
        { env: { ...env, DATABASE_URL: database.url, SPOOR_PUBLIC_URL: PUBLIC_URL } },
        (error, stdout, stderr) =>
          done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(stdin ?? '');
    });
  }

  const postForm = (url: string, fields: Record<string, string>) =>
    spoor.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL },
      payload: new URLSearchParams(fields).toString(),
    });

  it('creates users with a password from stdin or a link, lists, disables, enables and resets them', {
    timeout: 180_000,
  }, async () => {
    const created = await users(
      ['create', 'ops@example.com', '--role', 'administrator', '--name', 'Ops', '--password-stdin'],
      'the ops password here\n',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Created the administrator ops@example\.com \(\S+\)\.\n$/);
    const ops = await signInInject(spoor.app, 'ops@example.com', 'the ops password here', PUBLIC_URL);
    expect(ops.user.role).toBe('administrator');

    const invited = await users(['create', 'ana@example.com', '--role', 'analyst']);
    expect(invited.code, invited.stderr).toBe(0);
    expect(invited.stderr).toContain('Give ana@example.com this link to choose a password');
    const link = new URL(invited.stdout.trim());
    expect(link.origin + link.pathname).toBe(`${PUBLIC_URL}/account/accept`);
    const accepted = await postForm('/account/accept', {
      token: link.searchParams.get('token') ?? '',
      password: 'the analyst password',
      confirm: 'the analyst password',
    });
    expect(accepted.statusCode).toBe(200);

    const listed = await users(['list']);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID +EMAIL +NAME +ROLE +STATUS +CREATED$/);
    expect(listed.stdout).toMatch(/ops@example\.com +Ops +administrator +active/);
    const json = JSON.parse((await users(['list', '--json'])).stdout);
    expect(json.map((u: { email: string }) => u.email)).toEqual(['ops@example.com', 'ana@example.com']);

    const ana = await signInInject(spoor.app, 'ana@example.com', 'the analyst password', PUBLIC_URL);
    const disabled = await users(['disable', 'ANA@example.com']);
    expect(disabled.code, disabled.stderr).toBe(0);
    // The running server refuses the session from its very next request.
    expect((await spoor.app.inject({ url: '/api/session', headers: ana.headers() })).statusCode).toBe(401);
    expect((await users(['reset', 'ana@example.com'])).code).toBe(1);
    expect((await users(['enable', 'ana@example.com'])).code).toBe(0);

    const reset = await users(['reset', 'ana@example.com']);
    expect(reset.code, reset.stderr).toBe(0);
    const resetLink = new URL(reset.stdout.trim());
    expect(resetLink.pathname).toBe('/account/reset');
    const done = await postForm('/account/reset', {
      token: resetLink.searchParams.get('token') ?? '',
      password: 'a new analyst password',
      confirm: 'a new analyst password',
    });
    expect(done.statusCode).toBe(200);
    await signInInject(spoor.app, 'ana@example.com', 'a new analyst password', PUBLIC_URL);

    // The only active administrator cannot be disabled.
    const last = await users(['disable', 'ops@example.com']);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('is the only active administrator');

    const audit = (await spoor.app.inject({ url: '/api/audit-log', headers: ops.headers() })).json();
    const byCli = audit.entries.filter((e: { actor: { kind: string } }) => e.actor.kind === 'cli');
    expect(
      byCli.map((e: { action: string; actor: { label: string } }) => `${e.actor.label}: ${e.action}`),
    ).toEqual([
      'spoor users reset: sendPasswordReset',
      'spoor users enable: changeUser',
      'spoor users disable: changeUser',
      'spoor users create: inviteUser',
      'spoor users create: createUser',
    ]);
  });

  it('refuses a role it does not know, and a user it cannot find', async () => {
    const role = await users(['create', 'x@example.com', '--role', 'owner']);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role must be one of administrator, marketer, analyst');
    const missing = await users(['disable', 'nobody@example.com']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No user has the id or email "nobody@example.com"');
  });
});
