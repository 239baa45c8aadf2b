// `npm run audit:ui`: Lighthouse 12 (accessibility, best practices, performance) on the dashboard's pages,
// in Debian's Chromium, against a throwaway Spoor with a signed-in administrator; writes the scores to
// docs/ui-audit.md. Not a test: scores move with the machine; the issue's bar is accessibility and best
// practices at 95 or more. Pages needing data (a website's report, a contact, a send) are added to PAGES.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { createUser } from '../src/access/users/manage-users.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openStorage } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { freePort } from '../test/helpers/server-process.ts';

interface AuditedPage {
  name: string;
  /** Under /app. */
  path: string;
  signedIn: boolean;
}

const PAGES: AuditedPage[] = [
  { name: 'Sign-in', path: '/sign-in', signedIn: false },
  { name: 'Overview', path: '/', signedIn: true },
  { name: 'Settings', path: '/settings', signedIn: true },
  { name: 'Settings: users', path: '/settings/users', signedIn: true },
  { name: 'Settings: API keys', path: '/settings/api-keys', signedIn: true },
  { name: 'Settings: audit log', path: '/settings/audit-log', signedIn: true },
  { name: 'Settings: cookies', path: '/settings/cookies', signedIn: true },
  { name: 'Settings: email sending', path: '/settings/email', signedIn: true },
  { name: 'Settings: privacy defaults', path: '/settings/privacy', signedIn: true },
];

const CATEGORIES = ['accessibility', 'best-practices', 'performance'] as const;
const EMAIL = 'audit@example.test';
const PASSWORD = 'lighthouse audit password';

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'spoor-audit-'));
  const storage = openStorage(`sqlite:${join(dir, 'spoor.db')}`);
  await migrateToLatest(storage.db);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = { ...loadConfig({ SPOOR_DEMO: 'false' }), publicUrl: origin };
  const { app: served } = await buildApp({ config, storage });
  await served.listen({ port, host: '127.0.0.1' });
  await createUser(storage.db, { email: EMAIL, password: PASSWORD, role: 'administrator', name: 'Audit' });

  const debuggingPort = await freePort();
  const profile = mkdtempSync(join(tmpdir(), 'spoor-audit-chromium-'));
  // A persistent context is the browser's default one, which Lighthouse's tabs share (the session cookie).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env['CHROME_PATH'] || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', `--remote-debugging-port=${debuggingPort}`, '--disable-gpu'],
  });
  const rows: string[] = [];
  const chromiumVersion = context.browser()?.version() ?? 'Chromium';
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let signedIn = false;
    for (const audited of PAGES) {
      if (audited.signedIn && !signedIn) {
        await page.goto(`${origin}/app/sign-in`);
        await page.getByLabel('Email').fill(EMAIL);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('navigation', { name: 'Sections' }).waitFor();
        signedIn = true;
      }
      const result = await lighthouse(`${origin}/app${audited.path}`, {
        port: debuggingPort,
        output: 'json',
        logLevel: 'error',
        onlyCategories: [...CATEGORIES],
        disableStorageReset: true,
        formFactor: 'desktop',
        screenEmulation: { mobile: false, width: 1280, height: 800, deviceScaleFactor: 1, disabled: false },
        throttlingMethod: 'provided',
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${audited.path}`);
      const scores = CATEGORIES.map((c) => Math.round((result.lhr.categories[c]?.score ?? 0) * 100));
      const failing = Object.values(result.lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
        .map((a) => a.id);
      console.log(
        `${audited.name}: ${scores.join(' / ')}${failing.length ? ` (failing: ${failing.join(', ')})` : ''}`,
      );
      rows.push(
        `| ${audited.name} | \`/app${audited.path}\` | ${scores.join(' | ')} | ${failing.join(', ') || '–'} |`,
      );
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await served.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(
    new URL('../docs/ui-audit.md', import.meta.url),
    `# Dashboard audit (Lighthouse)

Written by \`npm run audit:ui\` (${new Date().toISOString().slice(0, 10)}): Lighthouse 12 in Debian's Chromium
${chromiumVersion === 'Chromium' ? '' : `(${chromiumVersion}) `}on a desktop viewport, with no throttling, against a fresh
Spoor with a signed-in administrator. The issue asks for accessibility and best practices of 95 or more;
performance depends on the machine (this one is shared) and is for comparison between runs only.

| page | path | accessibility | best practices | performance | binary audits not passed |
|---|---|---|---|---|---|
${rows.join('\n')}
`,
  );
  console.log('wrote docs/ui-audit.md');
}

await main();
