// The tracker's size budget (2,048 bytes gzipped, as served) and its pure helpers, as tables of cases.
// Browser behaviour (cookies, beacons, SPA navigation) is covered by the playwright suites in test/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collectUrl, cookieDomains, eventId, isAnonymous, newId } from './src/spoor.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUDGET = 2048;

describe('tracker bundle', () => {
  // Built here rather than trusting a stale dist/: the budget applies to what the sources produce now.
  // Into a private file, so suites reading tracker/dist/spoor.js never see it half-written.
  const dir = mkdtempSync(join(tmpdir(), 'spoor-tracker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(process.execPath, ['tracker/build.mjs', join(dir, 'spoor.js')], { cwd: root, stdio: 'pipe' });
  const code = readFileSync(join(dir, 'spoor.js'));

  it(`stays within ${BUDGET} bytes gzipped, including the /s/{id}.js prefix`, () => {
    const prefix = 'window.__spoor={w:"AAAAAAAAAAAAAAAAAAAAAA",o:"https://track.example.com"};';
    const served = Buffer.concat([Buffer.from(prefix), code]);
    const size = gzipSync(served, { level: 9 }).length;
    expect(size, `tracker is ${size} bytes gzipped`).toBeLessThanOrEqual(BUDGET);
  });

  it('is a classic script that exposes nothing but what it sets on window on purpose', () => {
    const text = code.toString();
    expect(text).not.toMatch(/\bexport\b|\bimport\b/);
    expect(text.startsWith('"use strict";(()=>{') || text.startsWith('(()=>{')).toBe(true);
  });
});

describe('cookieDomains', () => {
  it.each([
    ['www.shop.test', ['shop.test', 'www.shop.test']],
    ['shop.test', ['shop.test']],
    ['a.b.shop.co.uk', ['co.uk', 'shop.co.uk', 'b.shop.co.uk', 'a.b.shop.co.uk']],
    ['localhost', []],
    ['127.0.0.1', []],
    ['[::1]', []],
    ['', []],
  ])('%s → %j', (host, expected) => {
    expect(cookieDomains(host)).toEqual(expected);
  });
});

describe('isAnonymous', () => {
  it.each([
    [{ anonymize: true }, true],
    [{ Anonymize: true }, true],
    [{ anonymize: false }, false],
    [{ Anonymize: false }, false],
    [{ anonymize: 'true' }, false],
    [{ anonymize: 1 }, false],
    [{}, false],
    [null, false],
    [undefined, false],
  ])('%j → %s', (consent, expected) => {
    expect(isAnonymous(consent)).toBe(expected);
  });
});

describe('collectUrl', () => {
  it.each([
    ['https://track.example.com/s/Abc_123-xyz.js', 'https://track.example.com/c'],
    ['https://track.example.com/spoor.js', 'https://track.example.com/c'],
    ['https://track.example.com/spoor.js?v=2', 'https://track.example.com/c'],
    ['https://track.example.com/s/abc.js?x=a/b#c/d', 'https://track.example.com/c'],
    ['https://www.shop.example/spoor/s/abc.js', 'https://www.shop.example/spoor/c'],
    ['https://www.shop.example/spoor/spoor.js', 'https://www.shop.example/spoor/c'],
    ['https://www.shops.example/assets/spoor.js', 'https://www.shops.example/assets/c'],
    ['http://localhost:3000/s/abc.js', 'http://localhost:3000/c'],
  ])('%s → %s', (src, expected) => {
    expect(collectUrl(src)).toBe(expected);
  });
});

describe('eventId', () => {
  it('is an id the server accepts, unique, and in time order', async () => {
    const first = Array.from({ length: 500 }, eventId);
    expect(new Set(first).size).toBe(500);
    for (const id of first) expect(id).toMatch(/^[0-9a-z]{8}[A-Za-z0-9_-]{16}$/);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = eventId();
    expect(first.every((id) => id.slice(0, 8) <= later.slice(0, 8))).toBe(true);
    expect(Number.parseInt(later.slice(0, 8), 36)).toBeGreaterThanOrEqual(Date.now() - 1_000);
  });
});

describe('newId', () => {
  it('is 22 base64url characters and differs every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, newId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('decodes to 16 bytes', () => {
    expect(Buffer.from(newId(), 'base64url')).toHaveLength(16);
  });
});
