// `npm start` as a new user runs it: migrations, demo website, demo page with the snippet, printed URLs and key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId } from './helpers/spoor.ts';

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
      // Printed once the server listens; wait for the banner.
      for (let i = 0; i < 100 && !server.output().includes('admin API key'); i++)
        await new Promise((r) => setTimeout(r, 50));
      const banner = server.output();
      expect(banner).toContain(`demo page       ${server.url.replace('127.0.0.1', 'localhost')}/demo/`);
      const key = /admin API key\s+(spk_[A-Za-z0-9_-]+)/.exec(banner)?.[1];
      expect(key).toBeTruthy();

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

  it('refuses a bad setting with a clear message', { timeout: 60_000 }, async () => {
    await expect(startSpoorProcess('mysql://nope')).rejects.toThrow(/DATABASE_URL must start with "sqlite:"/);
  });
});
