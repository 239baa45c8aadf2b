// The built dashboard: its first load stays small, its API types match the server's OpenAPI document, and
// Spoor serves it at /app/ (cache rules, the SPA fallback, the Content-Security-Policy).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_COMMAND, API_TYPES_PATH, generateApiTypes } from '../scripts/dashboard-api-types.ts';
import { DASHBOARD_DIST } from '../src/web/dashboard-files.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

/** The issue's budget for the JavaScript a first visit (sign-in or overview) loads before any lazy chunk. */
const FIRST_LOAD_BUDGET_GZIP = 250 * 1024;

/** The scripts index.html loads: the entry and what it preloads (lazy page areas come later). */
function firstLoadScripts(indexHtml: string): string[] {
  const sources = [...indexHtml.matchAll(/<script[^>]+type="module"[^>]+src="\/app\/([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  const preloads = [...indexHtml.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/app\/([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  return [...sources, ...preloads];
}

describe('the built dashboard', () => {
  const indexHtml = readFileSync(join(DASHBOARD_DIST, 'index.html'), 'utf8');

  it(`loads under ${FIRST_LOAD_BUDGET_GZIP / 1024} KB of gzipped JavaScript first`, () => {
    const scripts = firstLoadScripts(indexHtml);
    expect(scripts.length).toBeGreaterThan(0);
    const sizes = scripts.map(
      (file) => [file, gzipSync(readFileSync(join(DASHBOARD_DIST, file))).length] as const,
    );
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    expect(
      total,
      `first-load JavaScript is ${(total / 1024).toFixed(1)} KB gzipped: ${sizes.map(([f, s]) => `${f} ${(s / 1024).toFixed(1)} KB`).join(', ')}`,
    ).toBeLessThan(FIRST_LOAD_BUDGET_GZIP);
  });

  it('has no inline script (the Content-Security-Policy allows none)', () => {
    expect(indexHtml).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it("is typed from the server's current OpenAPI document", async () => {
    const committed = readFileSync(API_TYPES_PATH, 'utf8');
    const current = await generateApiTypes();
    expect(
      committed === current,
      `dashboard/src/api/schema.d.ts is stale: the API changed. Run \`${API_TYPES_COMMAND}\` and commit the file.`,
    ).toBe(true);
  });
});

describe('Spoor serving the dashboard', () => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    spoor = await startSpoor(database);
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  it('answers the app for /app/ and every page path under it, never cached, under a strict CSP', async () => {
    for (const url of ['/app/', '/app/sign-in', '/app/settings/users', '/app/contacts/abc?period=7d']) {
      const res = await spoor.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root"></div>');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      // No session cookie: the page says so, and the app shows the sign-in page without asking the API.
      expect(res.body).toContain('<meta name="spoor-session" content="none" />');
    }
    const withCookie = await spoor.app.inject({ url: '/app/', headers: { cookie: 'a=b; spoor_session=x' } });
    expect(withCookie.body).not.toContain('spoor-session');
    expect(withCookie.headers['vary']).toBe('accept-encoding, cookie');
  });

  it('serves hashed assets for a year, gzipped when asked, and 404s an unknown one', async () => {
    const [entry] = firstLoadScripts(readFileSync(join(DASHBOARD_DIST, 'index.html'), 'utf8'));
    const res = await spoor.app.inject({ url: `/app/${entry}`, headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
    const missing = await spoor.app.inject({ url: '/app/assets/index-gone.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('answers the app at /app as at /app/ and links the dashboard from the home page', async () => {
    const res = await spoor.app.inject({ url: '/app' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe((await spoor.app.inject({ url: '/app/' })).body);
    const home = await spoor.app.inject({ url: '/' });
    expect(home.body).toContain('href="/app/"');
  });

  it('never reads outside the built files', async () => {
    for (const url of [
      '/app/../package.json',
      '/app/%2e%2e/%2e%2e/package.json',
      '/app/assets/../../../../etc/passwd',
    ]) {
      const res = await spoor.app.inject({ url });
      expect(res.body, url).not.toContain('"name": "spoor"');
      expect(res.body, url).not.toContain('root:');
    }
  });
});
