// Child processes of the bench (Spoor and the bare server): start, wait until they answer, stop, and
// never leave one behind, even when the bench fails or is interrupted.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { REPO_DIR } from './settings.ts';

export interface Child {
  name: string;
  url: string;
  process: ChildProcess;
  /** Last lines the child wrote, shown when it dies or fails to start. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killAllNow(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

/** Async clean-ups (temporary databases) still owed; run on Ctrl-C, since `finally` blocks are skipped then. */
const cleanups = new Set<() => Promise<void>>();

/** Registers a clean-up for interruption; the returned function runs it now (once) and unregisters it. */
export function owed(cleanup: () => Promise<void>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    await cleanup();
  };
  cleanups.add(once);
  return once;
}

process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the bench's child processes and removing its temporary databases.`);
    killAllNow();
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    void Promise.race([Promise.allSettled([...cleanups].map((c) => c())), timeout]).then(() =>
      process.exit(130),
    );
  });
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  name: string;
  /** Arguments to `node` (flags, then the script). */
  nodeArgs: string[];
  env: Record<string, string>;
  port: number;
  /** Path answering 2xx once the child is ready. */
  readyPath: string;
}

export async function startChild(options: StartOptions): Promise<Child> {
  const child = spawn(process.execPath, options.nodeArgs, {
    cwd: REPO_DIR,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));

  const url = `http://127.0.0.1:${options.port}`;
  const handle: Child = {
    name: options.name,
    url,
    process: child,
    output: () => lines.join('\n'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(url + options.readyPath);
      await response.arrayBuffer();
      if (response.ok) return handle;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await handle.stop();
  throw new Error(`${options.name} did not start. Its output:\n${handle.output()}`);
}
