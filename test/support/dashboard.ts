// Browser tests of the dashboard: a Spoor listening on loopback (SQLite or PostgreSQL), Debian's Chromium,
// users signed in through the sign-in form, screenshots for docs/dashboard.md (SPOOR_SCREENSHOTS=1) and the
// axe-core check.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Role } from '../../src/access/scopes.ts';
import type { Config } from '../../src/config.ts';
import { axeSource, runAxe } from '../helpers/accessibility.ts';
import { chromiumPath } from '../helpers/browser.ts';
import { createTestDatabase, type EngineName, type TestDatabase } from '../helpers/engines.ts';
import { freePort } from '../helpers/server-process.ts';
import { type RunningSpoor, type StartOptions, startSpoor } from '../helpers/spoor.ts';
import { createUser } from './accounts.ts';

export const SCREENSHOTS_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Whether this run refreshes docs/screenshots (`SPOOR_SCREENSHOTS=1`, docs/dashboard.md). Otherwise the
 * screenshots are not written, so running the tests leaves the working tree clean.
 */
export const WRITE_SCREENSHOTS = process.env['SPOOR_SCREENSHOTS'] === '1';

/** A password good enough for every rule (12 characters or more). */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface DashboardServer {
  spoor: RunningSpoor;
  database: TestDatabase;
  /** http://127.0.0.1:<port>, also Spoor's public URL (the origin its CSRF check expects). */
  origin: string;
  close(): Promise<void>;
}

/** Starts Spoor on a loopback port with its public URL set to that address. */
export async function startDashboardServer(
  engine: EngineName = 'sqlite',
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<DashboardServer> {
  const database = await createTestDatabase(engine);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const spoor = await startSpoor(database, { publicUrl: origin, ...overrides }, options);
  await spoor.app.listen({ port, host: '127.0.0.1' });
  return {
    spoor,
    database,
    origin,
    close: async () => {
      await spoor.close();
      await database.drop();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error('Chromium is not available.');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  name: string;
}

let userCounter = 0;

/** A user made in the database, as `spoor users create` does. */
export async function makeUser(server: DashboardServer, role: Role, name?: string): Promise<TestUser> {
  userCounter += 1;
  const email = `${role}-${userCounter}-${Date.now().toString(36)}@example.test`;
  const displayName = name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${userCounter}`;
  const user = await createUser(server.spoor.storage.db, {
    email,
    password: TEST_PASSWORD,
    role,
    name: displayName,
  });
  return { id: user.id, email, password: TEST_PASSWORD, role, name: displayName };
}

/** Signs in through the sign-in form, the way a person does, and waits for the signed-in layout. */
export async function signInThroughForm(
  page: Page,
  origin: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${origin}/app/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
}

/** A user of `role`, signed in on a new page (1280 × 800). */
export async function signedInPage(
  server: DashboardServer,
  context: BrowserContext,
  role: Role = 'administrator',
): Promise<{ page: Page; user: TestUser }> {
  const user = await makeUser(server, role);
  const page = await context.newPage();
  await signInThroughForm(page, server.origin, user.email, user.password);
  return { page, user };
}

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'mobile', width: 390, height: 844 },
] as const;

/**
 * The page as it is now at 1280 and 390 px wide, in light and dark: checks that nothing is wider than the
 * 390 px screen (a page must not scroll sideways; wide tables scroll inside their own box) and, when
 * SPOOR_SCREENSHOTS=1, writes docs/screenshots/<prefix><name>-<desktop|mobile>-<light|dark>.png. The
 * prefix is `dashboard-` for the dashboard's pages; hosted pages people meet from an email pass `''`.
 */
export async function screenshotPage(page: Page, name: string, prefix = 'dashboard-'): Promise<void> {
  if (WRITE_SCREENSHOTS) mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const original = page.viewportSize();
  try {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        await page.evaluate(() => document.fonts.ready);
        if (viewport.name === 'mobile') {
          // Polled: a chart sized from its box redraws on a ResizeObserver callback after the resize, so
          // for a frame or two it can still be as wide as at 1280 px. A page that stays wider fails.
          const overflow = () =>
            page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          await expect
            .poll(overflow, { message: `${name} is wider than a 390 px screen`, timeout: 5_000 })
            .toBeLessThanOrEqual(0);
        }
        if (WRITE_SCREENSHOTS)
          await page.screenshot({
            path: `${SCREENSHOTS_DIR}${prefix}${name}-${viewport.name}-${colorScheme}.png`,
            fullPage: true,
            animations: 'disabled',
          });
      }
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    if (original) await page.setViewportSize(original);
  }
}

/** axe-core on the page as it is now, in light and dark: no violation at all (hosted pages hold to this). */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await runAxe(page), colorScheme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** axe-core on the page as it is now, in light and dark: no serious or critical violation. */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const serious = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${colorScheme}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export interface DashboardSuite {
  readonly server: DashboardServer;
  readonly browser: Browser;
  /** A new browser context (its own cookies), closed after the test. */
  newContext(): Promise<BrowserContext>;
  /** A new context with a user of `role` signed in through the form. */
  signIn(role?: Role): Promise<{ page: Page; user: TestUser; context: BrowserContext }>;
}

/**
 * Registers the hooks of a dashboard browser suite (call inside describe): one server and browser per file.
 * `overrides` may be a function, called when the server starts (after the suite's earlier beforeAll hooks,
 * e.g. one starting an SMTP sink whose port it names).
 */
export function setUpDashboardSuite(
  engine: EngineName = 'sqlite',
  overrides: Partial<Config> | (() => Partial<Config>) = {},
  options: StartOptions = {},
): DashboardSuite {
  let server: DashboardServer | undefined;
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  beforeAll(async () => {
    server = await startDashboardServer(
      engine,
      typeof overrides === 'function' ? overrides() : overrides,
      options,
    );
    browser = await launchChromium();
  });
  afterEach(async () => {
    const closing = contexts;
    contexts = [];
    await Promise.all(closing.map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const suite: DashboardSuite = {
    get server() {
      if (!server) throw new Error('The server is not started yet.');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('The browser is not started yet.');
      return browser;
    },
    async newContext() {
      const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
      // axe-core comes with every page as an init script: the dashboard's CSP refuses an injected script tag.
      await context.addInitScript({ content: axeSource });
      contexts.push(context);
      return context;
    },
    async signIn(role = 'administrator') {
      const context = await suite.newContext();
      const { page, user } = await signedInPage(suite.server, context, role);
      return { page, user, context };
    },
  };
  return suite;
}
