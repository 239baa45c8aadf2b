// The form loader's size budget (3,072 bytes gzipped, as served) and its pure helpers, as tables of cases.
// What it draws and sends in a real browser is covered by test/browser/forms.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  baseUrl,
  decideAnonymous,
  isAnonymous,
  prefillCookie,
  readCookie,
  safeRedirect,
} from './src/forms.ts';
import { isAnonymous as trackerIsAnonymous } from './src/spoor.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUDGET = 3072;

describe('form loader bundle', () => {
  // Built into a private directory, so suites reading tracker/dist/ never see a half-written file.
  const dir = mkdtempSync(join(tmpdir(), 'spoor-forms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(process.execPath, ['tracker/build.mjs', join(dir, 'spoor.js')], { cwd: root, stdio: 'pipe' });
  const code = readFileSync(join(dir, 'forms.js'));

  it(`stays within ${BUDGET} bytes gzipped`, () => {
    const size = gzipSync(code, { level: 9 }).length;
    expect(size, `loader is ${size} bytes gzipped`).toBeLessThanOrEqual(BUDGET);
  });

  it('is a classic script that defines no globals and never parses markup', () => {
    const text = code.toString();
    expect(text).not.toMatch(/\bexport\b|\bimport\b/);
    expect(text.startsWith('"use strict";(()=>{')).toBe(true);
    expect(text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    // Leaves window.Spoor to the tracker, which uses it as its "already running" flag.
    expect(text).not.toMatch(/\.Spoor\s*=[^=]/);
  });
});

describe('isAnonymous (same rule as the tracker)', () => {
  it.each([
    [{ anonymize: true }, true],
    [{ Anonymize: true }, true],
    [{ anonymize: false }, false],
    [{ anonymize: 'true' }, false],
    [{ anonymize: 1 }, false],
    [{}, false],
    [null, false],
    [undefined, false],
  ])('%j → %s', (consent, expected) => {
    expect(isAnonymous(consent)).toBe(expected);
    expect(trackerIsAnonymous(consent)).toBe(expected);
  });
});

describe('decideAnonymous', () => {
  const hook = (result: unknown) => () => result as { anonymize?: unknown };
  const throws = () => {
    throw new Error('consent manager not ready');
  };
  it.each([
    ['no hook, no tracker', {}, false, true, false],
    ['hook says anonymize', { spoorConfigureTracking: hook({ anonymize: true }) }, false, true, true],
    ['hook says track', { spoorConfigureTracking: hook({ anonymize: false }) }, false, true, false],
    ['D365 hook', { d365mktConfigureTracking: hook({ Anonymize: true }) }, false, true, true],
    [
      'Spoor name wins over the D365 one',
      { spoorConfigureTracking: hook({}), d365mktConfigureTracking: hook({ Anonymize: true }) },
      false,
      true,
      false,
    ],
    ['a hook that throws has not consented', { spoorConfigureTracking: throws }, false, true, true],
    [
      'tracker flag after reconfigureTracking({anonymize:false}) beats the hook',
      { spoorConfigureTracking: hook({ anonymize: true }), Spoor: { anonymize: false } },
      false,
      true,
      false,
    ],
    [
      'tracker flag after reconfigureTracking({anonymize:true}) beats the hook',
      { spoorConfigureTracking: hook({}), Spoor: { anonymize: true } },
      false,
      true,
      true,
    ],
    ['GPC on a website that honours it', { Spoor: { anonymize: false } }, true, true, true],
    ['GPC on a website that ignores it', { Spoor: { anonymize: false } }, true, false, false],
    ['an older tracker without the flag: the hook decides', { Spoor: {} }, false, true, false],
  ])('%s', (_name, page, gpc, honours, expected) => {
    expect(decideAnonymous(page, gpc, honours)).toBe(expected);
  });
});

describe('baseUrl', () => {
  it.each([
    ['https://track.example.com/forms.js', 'https://track.example.com'],
    ['https://track.example.com/forms.js?v=2#x', 'https://track.example.com'],
    ['https://www.shop.example/spoor/forms.js', 'https://www.shop.example/spoor'],
    ['http://localhost:3000/forms.js', 'http://localhost:3000'],
  ])('%s → %s', (src, expected) => {
    expect(baseUrl(src)).toBe(expected);
  });
});

describe('readCookie', () => {
  it.each([
    ['spoor_pf=abc', 'spoor_pf', 'abc'],
    ['a=1; spoor_pf=abc; b=2', 'spoor_pf', 'abc'],
    ['xspoor_pf=abc', 'spoor_pf', undefined],
    ['spoor_pf=', 'spoor_pf', undefined],
    ['', 'spoor_vid', undefined],
  ])('%j %s → %s', (cookies, name, expected) => {
    expect(readCookie(cookies, name)).toBe(expected);
  });
});

describe('prefillCookie', () => {
  it.each([
    ['tok', 90, true, 'spoor_pf=tok; Max-Age=7776000; Path=/; SameSite=Lax; Secure'],
    ['tok', 1, false, 'spoor_pf=tok; Max-Age=86400; Path=/; SameSite=Lax'],
    ['', 0, true, 'spoor_pf=; Max-Age=0; Path=/; SameSite=Lax; Secure'],
  ])('%s for %i days (https %s)', (token, days, https, expected) => {
    expect(prefillCookie(token, days, https)).toBe(expected);
  });
});

describe('safeRedirect', () => {
  it.each([
    ['https://www.shop.example/thanks', 'https://www.shop.example/thanks'],
    ['HTTP://www.shop.example/', 'HTTP://www.shop.example/'],
    ['javascript:alert(1)', undefined],
    ['//evil.example', undefined],
    ['/thanks', undefined],
    [42, undefined],
    [undefined, undefined],
  ])('%j → %j', (url, expected) => {
    expect(safeRedirect(url)).toBe(expected);
  });
});
