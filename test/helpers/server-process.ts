// Runs Spoor as a separate process, as an operator would: the compiled server (node dist/main.js, built
// by `npm test`'s pretest) or `npm start` itself, for crash, shutdown and multi-node tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

export interface SpoorProcess {
  child: ChildProcess;
  url: string;
  apiKey: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * How the process is started: the compiled entry point directly, the CLI's `spoor start`, or `npm start` as the README says
 * (without its prestart build, which `npm test` has done: two suites must not rebuild dist/ at once).
 */
export type StartCommand = 'node' | 'npm start' | 'spoor start';

/** What Spoor logs when its port was taken (src/start-up-failure.ts). */
const PORT_TAKEN = /the port is already in use/;

export async function startSpoorProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
  command: StartCommand = 'node',
): Promise<SpoorProcess> {
  // freePort's port is free when asked, but the kernel may hand it to another socket (another suite's
  // server, or any outgoing connection's local port: they come from the same range) before the child
  // binds it. Spoor then refuses to start, saying so; another free port is asked for.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnPort(databaseUrl, env, command, await freePort());
    } catch (error) {
      if (attempt === 3 || env['PORT'] !== undefined || !PORT_TAKEN.test(String(error))) throw error;
    }
  }
}

async function startOnPort(
  databaseUrl: string,
  env: Record<string, string>,
  command: StartCommand,
  port: number,
): Promise<SpoorProcess> {
  const apiKey = `spk_${randomBytes(18).toString('base64url')}`;
  const [file, args] =
    command === 'node'
      ? [process.execPath, ['dist/main.js']]
      : command === 'spoor start'
        ? [process.execPath, ['dist/cli.js', 'start']]
        : ['npm', ['start', '--silent', '--ignore-scripts']];
  const child = spawn(file, args, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      SPOOR_DEMO: 'false',
      SPOOR_LOG_LEVEL: 'warn',
      SPOOR_BOOTSTRAP_API_KEY: apiKey,
      SPOOR_COLLECT_RATE_LIMIT: '10000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A hang guard, not a speed check: on a loaded CI machine a node's start (migrations on a fresh schema,
  // behind PgBouncer) has taken more than 60 s.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Spoor exited during start-up:\n${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Spoor did not start within 180 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    apiKey,
    output: () => log,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
