// docs/deployment.md as an operator follows it: the systemd unit passes systemd's own check, and an SQLite
// backup taken while Spoor writes restores into a working Spoor.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId } from './helpers/spoor.ts';

const run = promisify(execFile);

/** A tool the documented commands use: required in CI, skipped with a note elsewhere. */
function tool(path: string, debianPackage: string): boolean {
  if (existsSync(path)) return true;
  const message = `${path} not found (install Debian's "${debianPackage}")`;
  if (process.env['CI']) throw new Error(`${message}: CI must check docs/deployment.md with it.`);
  console.warn(`[spoor tests] ${message}: that part of the deployment checks is skipped on this machine.`);
  return false;
}

describe.runIf(tool('/usr/bin/systemd-analyze', 'systemd'))('docs/deploy/spoor.service', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    const { stdout, stderr } = await run('/usr/bin/systemd-analyze', ['verify', 'docs/deploy/spoor.service']);
    expect(stdout + stderr).toBe('');
  });
});

describe.runIf(tool('/usr/bin/sqlite3', 'sqlite3'))('SQLite backup and restore as documented', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoor-backup-'));
  const live = join(dir, 'spoor.db');
  const backup = join(dir, 'spoor-backup.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backs up a database that is being written and restores it into a working Spoor', async () => {
    const site = 'https://www.shop.test';
    const spoor = await startSpoorProcess(`sqlite:${live}`);
    const auth = { authorization: `Bearer ${spoor.apiKey}` };
    const website = await (
      await fetch(`${spoor.url}/api/websites`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Shop', allowedOrigins: [site] }),
      })
    ).json();
    const pageView = async () => {
      const res = await fetch(`${spoor.url}/c`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: site, 'user-agent': CHROME_UA },
        body: JSON.stringify({ w: website.id, e: eventId(), t: 'pv', u: `${site}/` }),
      });
      expect(res.status).toBe(200);
    };
    for (let i = 0; i < 5; i++) await pageView();

    // Page views keep arriving while the backup runs.
    let writing = true;
    const writer = (async () => {
      while (writing) await pageView();
    })();
    await run('/usr/bin/sqlite3', [live, `VACUUM INTO '${backup}'`]);
    writing = false;
    await writer;
    // A crash leaves the live database's -wal and -shm files behind, which the restore must not reuse.
    await spoor.kill('SIGKILL');

    // The restore, as docs/deployment.md says: the backup in place of the database, its -wal and -shm gone.
    copyFileSync(backup, live);
    rmSync(`${live}-wal`, { force: true });
    rmSync(`${live}-shm`, { force: true });
    const restored = await startSpoorProcess(`sqlite:${live}`, { SPOOR_BOOTSTRAP_API_KEY: spoor.apiKey });
    try {
      const check = await run('/usr/bin/sqlite3', [live, 'pragma integrity_check']);
      expect(check.stdout.trim()).toBe('ok');
      const today = new Date().toISOString().slice(0, 10);
      const report = await fetch(
        `${restored.url}/api/websites/${website.id}/report?from=${today}&to=${today}`,
        {
          headers: auth,
        },
      );
      expect(report.status).toBe(200);
      expect((await report.json()).pageviews).toBeGreaterThanOrEqual(5);
      const res = await fetch(`${restored.url}/c`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: site, 'user-agent': CHROME_UA },
        body: JSON.stringify({ w: website.id, e: eventId(), t: 'pv', u: `${site}/after-restore` }),
      });
      expect(res.status).toBe(200);
    } finally {
      await restored.kill();
    }
  }, 120_000);
});
