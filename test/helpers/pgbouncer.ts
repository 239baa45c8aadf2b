// A private PgBouncer in transaction pooling mode (Debian's `pgbouncer`, its own config in a temp dir and
// a free port) in front of the shared test PostgreSQL, for suites that run Spoor through it (decision 038).
// PgBouncer refuses to run as root: as root (CI) it drops to the `postgres` system user (`-u`).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './server-process.ts';

const BINARY = '/usr/sbin/pgbouncer';
const SERVER_USER = 'postgres';

export interface PgBouncer {
  port: number;
  /** postgres://… of the entry for `schema` (given to startPgBouncer): a pool whose connections use it. */
  url(schema: string): string;
  output(): string;
  /** From PgBouncer's admin console: transactions it has passed to PostgreSQL, and its clients now. */
  stats(): Promise<{ transactions: number; clients: number }>;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /**
   * Server connections per database entry. Fewer than the clients' pools together, so transactions of
   * different clients (and nodes) really share server connections, as in production.
   */
  poolSize?: number;
  /** The port to listen on (a caller given a range of its own); a free one when absent. */
  port?: number;
}

/**
 * Starts PgBouncer in front of `postgresUrl` with one database entry per schema, named after it.
 * PgBouncer does not pass a client's startup `options` (`-c search_path=…`) on: it refuses the
 * connection. So each entry's `connect_query` sets the schema once on every server connection it opens,
 * and every client of that entry, whichever server connection its transaction lands on, sees its schema.
 */
export async function startPgBouncer(
  postgresUrl: string,
  schemas: string[],
  options: PgBouncerOptions = {},
): Promise<PgBouncer> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: install Debian's pgbouncer package.`);
  const target = new URL(postgresUrl);
  const user = decodeURIComponent(target.username || 'postgres');
  const dbname = decodeURIComponent(target.pathname.slice(1)) || user;
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'spoor-pgbouncer-'));
  const entries = schemas.map((schema) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Not a plain schema name: ${schema}`);
    return `${schema} = host=${target.hostname} port=${target.port || 5432} dbname=${dbname} user=${user} connect_query='set search_path to ${schema}'`;
  });
  const config = join(dir, 'pgbouncer.ini');
  writeFileSync(
    config,
    [
      '[databases]',
      ...entries,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `admin_users = ${user}`,
      `default_pool_size = ${options.poolSize ?? 8}`,
      'max_client_conn = 200',
      // A query waiting for a server connection fails after this rather than hanging a test for ever.
      'query_wait_timeout = 30',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    for (const file of ['', 'pgbouncer.ini', 'users.txt']) chownSync(join(dir, file), uidOf(SERVER_USER), 0);
  }
  const child = spawn(BINARY, [...(asRoot ? ['-u', SERVER_USER] : []), config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntilUp(child, () => log);
  return {
    port,
    url: (schema) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${schema}`,
    output: () => log,
    stats: async () => {
      // The admin console speaks only the simple query protocol: pg uses it for a query without parameters.
      const admin = new pg.Client({
        connectionString: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`,
      });
      await admin.connect();
      try {
        const stats = await admin.query<{ database: string; total_xact_count: string }>('show stats');
        const clients = await admin.query<{ database: string }>('show clients');
        return {
          transactions: stats.rows
            .filter((r) => schemas.includes(r.database))
            .reduce((sum, r) => sum + Number(r.total_xact_count), 0),
          clients: clients.rows.filter((r) => schemas.includes(r.database)).length,
        };
      } finally {
        await admin.end();
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function uidOf(name: string): number {
  return Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
}

async function waitUntilUp(child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!/process up/.test(log())) {
    if (child.exitCode !== null) throw new Error(`PgBouncer exited during start-up:\n${log()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`PgBouncer did not start within 10 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
