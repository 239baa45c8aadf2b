// `npm start` as a new user runs it: migrations, demo website, demo page with the snippet, printed URLs and key.
// What it writes is a log: every line one JSON object with a time (a send to an SMTP server that refuses
// connections included, whose failure the send API shows as lastError). A start that cannot succeed (a
// bad setting, the port in use, the database unreachable) is one line and exit code 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId } from './helpers/spoor.ts';
import { waitFor } from './support/wait-for.ts';

/** Every line of a process's output as the JSON object it must be. */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(line)), `not a JSON line: ${line}`).not.toThrow();
      expect(parsed, line).toMatchObject({
        time: expect.any(Number),
        level: expect.any(Number),
        msg: expect.any(String),
      });
      return parsed as Record<string, unknown>;
    });
}

/** Runs Spoor until it exits by itself (a start that fails); its exit code and output. */
async function startToFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      SPOOR_DEMO: 'false',
      SPOOR_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

/** A failed start: exit code 1 and exactly one JSON line (level fatal), no stack trace. */
function expectOneLineFailure(result: { code: number | null; output: string }, message: RegExp): void {
  expect(result.code, result.output).toBe(1);
  const lines = logLines(result.output);
  expect(lines, result.output).toHaveLength(1);
  expect(lines[0]?.['level']).toBe(60);
  expect(lines[0]?.['msg']).toMatch(message);
  expect(result.output).not.toMatch(/\n\s+at |\bat .*\.js:\d+/);
}

describe('first start', () => {
  it('creates the database, the demo website and an admin key, and the demo page is tracked', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoor-start-'));
    const server = await startSpoorProcess(`sqlite:${join(dir, 'data', 'spoor.db')}`, {
      SPOOR_DEMO: 'true',
      SPOOR_BOOTSTRAP_API_KEY: '',
      SPOOR_LOG_LEVEL: 'warn',
    });
    try {
      // Written once the server listens: not at a terminal, the banner is a JSON log line.
      await waitFor('the start-up banner', () => server.output().includes('adminApiKey'));
      const banner = logLines(server.output()).find((line) =>
        String(line['msg']).startsWith('Spoor is running'),
      );
      expect(banner?.['demoPage']).toBe(`${server.url.replace('127.0.0.1', 'localhost')}/demo/`);
      const key = banner?.['adminApiKey'] as string;
      expect(key).toMatch(/^spk_[A-Za-z0-9_-]+$/);

      const websites = await (
        await fetch(`${server.url}/api/websites`, { headers: { authorization: `Bearer ${key}` } })
      ).json();
      expect(websites.websites).toHaveLength(1);
      const demo = websites.websites[0];
      expect(demo.name).toBe('Demo shop');

      const page = await (await fetch(`${server.url}/demo/`)).text();
      expect(page).toContain(`<script async src="/s/${demo.id}.js"></script>`);
      const script = await fetch(`${server.url}/s/${demo.id}.js`);
      expect(script.status).toBe(200);

      const origin = server.url;
      const hit = await fetch(`${server.url}/c`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin, 'user-agent': CHROME_UA },
        body: JSON.stringify({ w: demo.id, e: eventId(), t: 'pv', u: `${origin}/demo/` }),
      });
      expect(hit.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      const report = await (
        await fetch(`${server.url}/api/websites/${demo.id}/report?from=${today}&to=${today}`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).json();
      expect(report.pageviews).toBe(1);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      // The demo sign-up page is a hosted marketing page whose form identifies the visitor.
      const signup = await fetch(`${server.url}/p/demo-signup`);
      expect(signup.status).toBe(200);
      expect(await signup.text()).toContain('<h1>Sign up for the demo newsletter</h1>');

      // The server's own address says what it is and links to everything above, not a JSON 404.
      const home = await fetch(`${server.url}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toMatch(/^text\/html/);
      const homePage = await home.text();
      expect(homePage).toContain('This is a Spoor server');
      for (const href of ['/demo/', '/p/demo-signup', '/docs', '/cookies.json', '/healthz'])
        expect(homePage).toContain(`href="${href}"`);
    } finally {
      await server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes every log line as JSON with a time, and shows a refused SMTP connection on the send', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoor-logs-'));
    const closedPort = await freePort();
    const server = await startSpoorProcess(`sqlite:${join(dir, 'spoor.db')}`, {
      SPOOR_DEMO: 'true',
      SPOOR_LOG_LEVEL: 'info',
      SPOOR_SMTP_HOST: '127.0.0.1',
      SPOOR_SMTP_PORT: String(closedPort),
      SPOOR_SEND_POLL_MS: '50',
      SPOOR_SMTP_RETRY_MS: '200',
    });
    try {
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${server.apiKey}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        expect(res.status, `${method} ${path}`).toBeLessThan(300);
        return res.json();
      };
      const list = await api('POST', '/api/lists', { name: 'News' });
      const contact = await api('POST', '/api/contacts', { email: 'reader@mail.test' });
      await api('POST', `/api/lists/${list.id}/members`, { contactIds: [contact.id] });
      const message = await api('POST', '/api/messages', { name: 'Hi', subject: 'Hi', html: '<p>Hi</p>' });
      const started = Date.now();
      const send = await api('POST', '/api/sends', { messageId: message.id, listIds: [list.id] });
      expect(send.lastError).toBeNull();
      const seen = await waitFor(
        'the send to show its last error',
        async () => {
          const current = await api('GET', `/api/sends/${send.id}`);
          return current.lastError && current;
        },
        15_000,
      );
      expect(seen.lastError?.message).toMatch(
        new RegExp(`^The SMTP server 127\\.0\\.0\\.1:${closedPort} could not be reached: .*ECONNREFUSED`),
      );
      expect(Date.parse(seen.lastError.at)).toBeGreaterThanOrEqual(started - 1000);
      expect(seen.status).toBe('sending');
      expect(seen.progress.pending).toBe(1);
      // A request nobody routes, and a client error, are logged like the rest.
      await fetch(`${server.url}/nothing-here`);
      await waitFor('the SMTP error in the log', () => server.output().includes('could not be reached'));
    } finally {
      await server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
    const lines = logLines(server.output());
    expect(lines.some((line) => String(line['msg']).includes('could not be reached'))).toBe(true);
    expect(lines.some((line) => String(line['msg']).startsWith('Spoor is running'))).toBe(true);
    expect(lines.some((line) => String(line['msg']).startsWith('SIGTERM'))).toBe(true);
  });
});

describe('at a terminal', () => {
  it('prints the banner for people instead of a JSON line', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoor-tty-'));
    const port = await freePort();
    // util-linux's script(1) gives the process a pseudo-terminal, as a person's shell would.
    const child = spawn('script', ['-qec', 'node dist/main.js', '/dev/null'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(dir, 'spoor.db')}`,
        SPOOR_DEMO: 'true',
        SPOOR_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor('the start-up banner', () => output.includes('admin API key'), 30_000);
      expect(output).toContain(`  demo page       http://localhost:${port}/demo/`);
      expect(output).toMatch(/ {2}admin API key {3}spk_[A-Za-z0-9_-]+ {3}\(shown once/);
      expect(output).not.toContain('"adminApiKey"');
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a start that cannot succeed', () => {
  it('refuses a bad setting with one clear line', { timeout: 60_000 }, async () => {
    expectOneLineFailure(
      await startToFailure({ DATABASE_URL: 'mysql://nope' }),
      /^Configuration error: DATABASE_URL must start with "sqlite:"/,
    );
  });

  it('says so when the port is in use', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoor-port-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      expectOneLineFailure(
        await startToFailure({ DATABASE_URL: `sqlite:${join(dir, 'spoor.db')}`, PORT: String(port) }),
        new RegExp(`^Cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use .*set PORT`),
      );
    } finally {
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when the database cannot be reached, without its password', { timeout: 60_000 }, async () => {
    const closedPort = await freePort();
    const result = await startToFailure({
      DATABASE_URL: `postgres://spoor:s3cret-password@127.0.0.1:${closedPort}/spoor`,
    });
    expectOneLineFailure(
      result,
      new RegExp(
        `^Cannot use PostgreSQL at 127\\.0\\.0\\.1:${closedPort}/spoor: .*ECONNREFUSED.*Check DATABASE_URL`,
      ),
    );
    expect(result.output).not.toContain('s3cret-password');
  });
});
