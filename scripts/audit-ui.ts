// `npm run audit:ui`: Lighthouse 12 (accessibility, best practices, performance) on the dashboard's pages in
// Debian's Chromium, signed in, with real data, and the scores written into docs/dashboard.md (its
// "Lighthouse" section, between the audit markers). Not a test: scores move with the machine; the issue's
// bar is accessibility and best practices at 95 or more.
//
// It runs the built Spoor (`node dist/main.js`, as `npm start` does) on a throwaway SQLite file and a free
// port, with the demo website and a loopback SMTP sink, and makes its data as a newcomer would: the
// first-administrator link printed at start, the demo pages browsed in Chromium, the demo sign-up form
// submitted, then a list, a message and a send through the admin API, the email's open pixel and link
// fetched. Each page's full Lighthouse report (JSON) is kept under the system's temporary folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort, type SpoorProcess, startSpoorProcess } from '../test/helpers/server-process.ts';
import { type SmtpSink, startSmtpSink } from '../test/helpers/smtp-sink.ts';
import { waitFor } from '../test/support/wait-for.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(ROOT, 'docs', 'dashboard.md');
const START_MARK = '<!-- audit:ui start -->';
const END_MARK = '<!-- audit:ui end -->';
const CATEGORIES = ['accessibility', 'best-practices', 'performance'] as const;
const EMAIL = 'audit@example.test';
const PASSWORD = 'lighthouse audit password';
const CONTACT_EMAIL = 'ada@example.com';

interface AuditedPage {
  name: string;
  /** A path on Spoor (the dashboard's under /app/). */
  path: string;
}

class AuditFailure extends Error {}

function fail(message: string): never {
  throw new AuditFailure(message);
}

/** What must be there before anything starts: the build and the browser. */
function checkPrerequisites(): string {
  const missing = ['dist/main.js', 'dashboard/dist/index.html'].filter(
    (file) => !existsSync(join(ROOT, file)),
  );
  if (missing.length > 0) {
    fail(
      `The build is missing (${missing.join(', ')}): run \`npm run build\` first, then \`npm run audit:ui\`.`,
    );
  }
  const chromiumPath = process.env['CHROME_PATH'] || '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    fail(
      `Chromium is not at ${chromiumPath}: install Debian's \`chromium\` package, or set CHROME_PATH to a Chromium or Chrome executable.`,
    );
  }
  return chromiumPath;
}

/** The start line Spoor logs (JSON when not at a terminal): where everything is. */
function startFacts(spoor: SpoorProcess): { trackingHost: string; firstAdministrator: string } {
  const line = spoor
    .output()
    .split('\n')
    .filter((text) => text.startsWith('{'))
    .map((text) => JSON.parse(text) as Record<string, unknown>)
    .find((entry) => String(entry['msg']).startsWith('Spoor is running'));
  const trackingHost = line?.['trackingHost'];
  const firstAdministrator = line?.['firstAdministrator'];
  if (typeof trackingHost !== 'string' || typeof firstAdministrator !== 'string') {
    fail(`Spoor's start line has no tracking host or first-administrator link:\n${spoor.output()}`);
  }
  return { trackingHost, firstAdministrator };
}

async function api<T>(spoor: SpoorProcess, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${spoor.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${spoor.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) fail(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The newcomer's first minutes, which leave a visit, a contact and a send to look at. */
async function makeData(
  page: Page,
  spoor: SpoorProcess,
  sink: SmtpSink,
  origin: string,
): Promise<{ contactId: string; sendId: string }> {
  // Browse the demo shop: a visit with several page views, one of them a single-page-app view.
  await page.goto(`${origin}/demo/`);
  await page.getByRole('link', { name: 'Pricing', exact: true }).click();
  await page.waitForURL(/\/demo\/pricing$/);
  await page.getByRole('link', { name: 'App (single-page)' }).click();
  await page.getByRole('button', { name: /next view/ }).click();
  // Sign up on the demo's hosted form: the visits become the contact's.
  await page.goto(`${origin}/p/demo-signup`);
  await page.getByLabel('Email').fill(CONTACT_EMAIL);
  await page.getByLabel('First name').fill('Ada');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('you are signed up').waitFor();

  const contactId = await waitFor('the contact from the sign-up form', async () => {
    const found = await api<{ contacts: { id: string }[] }>(
      spoor,
      'GET',
      `/api/contacts?q=${encodeURIComponent(CONTACT_EMAIL)}`,
    );
    return found.contacts[0]?.id;
  });
  const list = await api<{ id: string }>(spoor, 'POST', '/api/lists', { name: 'Newsletter' });
  await api(spoor, 'POST', `/api/lists/${list.id}/members`, { contactIds: [contactId] });
  const message = await api<{ id: string }>(spoor, 'POST', '/api/messages', {
    name: 'Welcome',
    subject: 'Welcome, {{ contact.first_name }}',
    html: '<p>Hi {{ contact.first_name }}, <a href="https://www.shop.example/">visit the shop</a>.</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  });
  const send = await api<{ id: string }>(spoor, 'POST', '/api/sends', {
    messageId: message.id,
    listIds: [list.id],
  });
  await sink.waitForMessages(1, 60_000);
  // Open the email (its pixel) and click its link, as a mail client and a reader would.
  const html = String(sink.messages[0]?.parsed.html ?? '');
  const tracked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map(([, url]) => url!.replaceAll('&amp;', '&'))
    .filter((url) => url.startsWith(origin) && !url.includes('unsubscribe'));
  for (const url of tracked) await fetch(url, { redirect: 'manual' });
  await waitFor(
    'the send to finish',
    async () => (await api<{ status: string }>(spoor, 'GET', `/api/sends/${send.id}`)).status === 'done',
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return { contactId, sendId: send.id };
}

async function createFirstAdministrator(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Your name').fill('Audit');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page
    .getByText('you are signed in')
    .waitFor({ timeout: 15_000 })
    .catch(async () =>
      fail(
        `Creating the first administrator failed at ${page.url()}: ${(await page.content()).slice(0, 2000)}`,
      ),
    );
}

interface Scores {
  page: AuditedPage;
  scores: number[];
  failing: string[];
}

async function audit(debuggingPort: number, origin: string, audited: AuditedPage, reports: string) {
  const result = await lighthouse(`${origin}${audited.path}`, {
    port: debuggingPort,
    output: 'json',
    logLevel: 'error',
    onlyCategories: [...CATEGORIES],
    // Keep the session cookie: the signed-in pages are what is audited.
    disableStorageReset: true,
    formFactor: 'desktop',
    screenEmulation: { mobile: false, width: 1280, height: 800, deviceScaleFactor: 1, disabled: false },
    throttlingMethod: 'provided',
  });
  if (!result) fail(`Lighthouse returned nothing for ${audited.path}`);
  const { lhr } = result;
  if (lhr.runtimeError) fail(`Lighthouse could not audit ${audited.path}: ${lhr.runtimeError.message}`);
  // A signed-in page that shows the sign-in form was not audited signed in.
  if (
    audited.path.startsWith('/app/') &&
    audited.path !== '/app/sign-in' &&
    /\/sign-in/.test(lhr.finalDisplayedUrl)
  ) {
    fail(`${audited.path} sent Lighthouse to the sign-in page: the session cookie did not reach its tab.`);
  }
  const file = join(reports, `${audited.name.replace(/\W+/g, '-').toLowerCase()}.json`);
  writeFileSync(file, JSON.stringify(lhr, null, 1));
  const scores = CATEGORIES.map((c) => Math.round((lhr.categories[c]?.score ?? 0) * 100));
  // What keeps accessibility or best practices under 100, with the elements concerned.
  const refs = CATEGORIES.slice(0, 2).flatMap((c) => lhr.categories[c]?.auditRefs ?? []);
  const failing = refs
    .map((ref) => lhr.audits[ref.id]!)
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
    .map((a) => a.id);
  console.log(`${audited.name} (${shownPath(audited.path)}): ${scores.join(' / ')}`);
  for (const id of failing) {
    const details = lhr.audits[id]!.details as { items?: Record<string, unknown>[] } | undefined;
    console.log(`  ✗ ${id}: ${lhr.audits[id]!.title}`);
    for (const item of (details?.items ?? []).slice(0, 5)) {
      const node = item['node'] as { selector?: string; snippet?: string } | undefined;
      console.log(`      ${node?.selector ?? ''} ${node?.snippet ?? JSON.stringify(item).slice(0, 200)}`);
    }
  }
  return { page: audited, scores, failing } satisfies Scores;
}

/** The path as shown in the docs: a token is a secret, and it and the ids change every run. */
const shownPath = (path: string) =>
  path.replace(/token=[^&]+/, 'token=…').replace(/\/(contacts|sends)\/[\w-]{22}$/, '/$1/{id}');

function writeSection(rows: Scores[], chromiumVersion: string): void {
  const date = new Date().toISOString().slice(0, 10);
  const table = [
    '| page | path | accessibility | best practices | performance | not passed (accessibility, best practices) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.page.name} | \`${shownPath(r.page.path)}\` | ${r.scores.join(' | ')} | ${r.failing.join(', ') || '–'} |`,
    ),
  ].join('\n');
  const section = `${START_MARK}
Measured on ${date} with \`npm run build && npm run audit:ui\`: Lighthouse 12.2.3 in Debian's Chromium
(${chromiumVersion}), desktop viewport (1280 × 800), no throttling, against the built Spoor on a fresh
SQLite file with the demo website, signed in as an administrator. The data is a newcomer's first minutes:
the demo pages browsed, the demo sign-up form submitted, a send to that contact through a loopback SMTP
server, its email opened and clicked. \`/account/accept\` is the first-administrator page.

${table}

Performance depends on the machine (this one is shared by several jobs) and is for comparing runs only.
${END_MARK}`;
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(START_MARK);
  const end = doc.indexOf(END_MARK);
  if (start < 0 || end < start) fail(`${DOC} has no ${START_MARK} … ${END_MARK} section to write into.`);
  writeFileSync(DOC, doc.slice(0, start) + section + doc.slice(end + END_MARK.length));
}

async function main() {
  const chromiumPath = checkPrerequisites();
  const dir = mkdtempSync(join(tmpdir(), 'spoor-audit-'));
  const reports = join(tmpdir(), 'spoor-audit-reports');
  mkdirSync(reports, { recursive: true });
  let sink: SmtpSink | undefined;
  let spoor: SpoorProcess | undefined;
  let context: BrowserContext | undefined;
  try {
    sink = await startSmtpSink();
    spoor = await startSpoorProcess(`sqlite:${join(dir, 'spoor.db')}`, {
      SPOOR_DEMO: 'true',
      SPOOR_SMTP_HOST: sink.host,
      SPOOR_SMTP_PORT: String(sink.port),
      SPOOR_SMTP_SECURE: 'false',
    });
    const { trackingHost: origin, firstAdministrator } = startFacts(spoor);

    const debuggingPort = await freePort();
    // The persistent context is the browser's default one, which Lighthouse's tabs share (the session cookie).
    context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', `--remote-debugging-port=${debuggingPort}`, '--disable-gpu'],
    });
    const chromiumVersion = context.browser()?.version() ?? 'version unknown';
    const page = context.pages()[0] ?? (await context.newPage());
    const rows: Scores[] = [];
    const run = async (audited: AuditedPage) =>
      rows.push(await audit(debuggingPort, origin, audited, reports));

    // Signed out: the first-administrator page (only read, not used) and the sign-in page.
    const accept = new URL(firstAdministrator);
    await run({ name: 'Create the first administrator', path: accept.pathname + accept.search });
    await run({ name: 'Sign-in', path: '/app/sign-in' });

    await createFirstAdministrator(page, firstAdministrator);
    const { contactId, sendId } = await makeData(page, spoor, sink, origin);
    for (const audited of [
      { name: 'Overview', path: '/app/' },
      { name: 'Websites', path: '/app/websites' },
      { name: 'Website report', path: '/app/websites/demo' },
      { name: 'Contacts', path: '/app/contacts' },
      { name: 'Contact', path: `/app/contacts/${contactId}` },
      { name: 'Emails', path: '/app/emails' },
      { name: 'Send insights', path: `/app/emails/sends/${sendId}` },
      { name: 'Settings: users', path: '/app/settings/users' },
    ]) {
      await run(audited);
    }
    writeSection(rows, chromiumVersion);
    console.log(`wrote the Lighthouse section of docs/dashboard.md; full reports in ${reports}`);
    const low = rows.filter((r) => r.scores[0]! < 95 || r.scores[1]! < 95).map((r) => r.page.name);
    if (low.length > 0) console.log(`under 95 in accessibility or best practices: ${low.join(', ')}`);
  } finally {
    await context?.close();
    await spoor?.kill('SIGTERM');
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof AuditFailure ? `audit:ui: ${error.message}` : error);
  process.exitCode = 1;
}
