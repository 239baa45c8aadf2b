// A PostgreSQL server of a test's own (initdb in a temp dir, its own port) that the test may stop and
// start at will, unlike the shared one. PostgreSQL refuses to run as root: as root (CI), it runs as the
// `postgres` system user through runuser.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.ts';

const run = promisify(execFile);
const SERVER_USER = 'postgres';

export interface PrivatePostgres {
  /** postgres://… of the server's `postgres` database (superuser, trust authentication on loopback). */
  url: string;
  port: number;
  start(): Promise<void>;
  /** `pg_ctl stop` in the given mode: fast (terminates sessions) or immediate (as a crash). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  destroy(): Promise<void>;
}

function binDir(): string {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {}
  for (const dir of [
    '/usr/lib/postgresql/17/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/15/bin',
  ])
    if (existsSync(join(dir, 'initdb'))) return dir;
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql.');
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'spoor-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', SERVER_USER, '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const port = await freePort();

  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start']);
  };
  let running = false;
  await start();
  running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: async () => {
      await start();
      running = true;
    },
    stop: async (mode) => {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    destroy: async () => {
      if (running) await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
