// The README's "A short tour", run as a reader runs it: Spoor started with `npm start`, the first-administrator
// link it prints opened in Chromium, every dashboard step done there as a person does it (the labels and names
// the README gives), the demo page browsed, and every shell command of the tour's ```sh blocks (its "same with
// the API" blocks) read from README.md and run with bash exactly as printed. What is substituted is only what
// the README tells the reader to fill in (a line `NAME=…`: the admin key printed at start, or the `id` in the
// answer above) and, because this test cannot take port 8080, the port: every `localhost:8080` becomes
// `localhost:<the port Spoor was started on>`. The SMTP server of step 7 is a local sink instead of Mailpit,
// given to Spoor from its first start rather than by a restart. With SPOOR_SCREENSHOTS=1 it writes the README's
// screenshots (docs/screenshots/tour-*.png).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBanner } from '../../src/server.ts';
import { accessibilityViolations } from '../helpers/accessibility.ts';
import { chromiumPath, watchCollect } from '../helpers/browser.ts';
import { type SpoorProcess, startSpoorProcess } from '../helpers/server-process.ts';
import { type ReceivedMessage, type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts';
import { CHROME_UA } from '../helpers/spoor.ts';
import { SCREENSHOTS_DIR, WRITE_SCREENSHOTS } from '../support/dashboard.ts';
import { waitFor } from '../support/wait-for.ts';

const run = promisify(execFile);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

interface Step {
  title: string;
  text: string;
  /** The step's ```sh blocks, each as its commands (a command with continuation lines or a multi-line quote is one). */
  blocks: string[][];
}

/** The tour's numbered steps, each with the commands of its ```sh blocks as printed (list indentation removed). */
function tourSteps(readme: string): Step[] {
  const start = readme.indexOf('## A short tour');
  expect(start, 'README.md has a section "A short tour"').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return section
    .split(/^(?=\d+\. \*\*)/m)
    .slice(1)
    .map((text) => {
      const title = /^\d+\. \*\*([^*]+)\*\*/.exec(text)?.[1] ?? '';
      const blocks = [...text.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
        body!
          .split('\n')
          .map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line))
          .join('\n'),
      );
      return { title, text, blocks: blocks.map(splitCommands) };
    });
}

/** One command per entry: lines joined while they end in `\` or leave a quote open (bash -n says so). */
function splitCommands(block: string): string[] {
  const commands: string[] = [];
  let current: string[] = [];
  for (const line of block.split('\n')) {
    if (current.length === 0 && line.trim() === '') continue;
    current.push(line);
    if (line.endsWith('\\')) continue;
    const text = current.join('\n');
    if (isComplete(text)) {
      commands.push(text);
      current = [];
    }
  }
  expect(current, `an unfinished command in the README: ${current.join('\n')}`).toEqual([]);
  return commands;
}

/** bash -n parses without running: an unterminated quote is "unexpected EOF". */
function isComplete(text: string): boolean {
  return spawnSync('bash', ['-n', '-c', text]).status === 0;
}

const PLACEHOLDER = /^([A-Z][A-Z0-9_]*)=(\S*…)(\s+#.*)?$/;
/** A variable set from a word or a command's output, e.g. TODAY=$(date -u +%F). */
const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=(\$\([^)]*\)|\S+)$/;
const TODAY = () => new Date().toISOString().slice(0, 10);

/** The README's screenshot of the page as it is now (1280 px wide, light), when SPOOR_SCREENSHOTS=1. */
async function tourScreenshot(page: Page, name: string): Promise<void> {
  if (!WRITE_SCREENSHOTS) return;
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({
    path: `${SCREENSHOTS_DIR}tour-${name}.png`,
    fullPage: true,
    animations: 'disabled',
  });
}

/** A figure of the dashboard's overview, by its label. */
const stat = (page: Page, label: string) =>
  page
    .locator('.stat:not(.realtime)', {
      has: page.locator('.stat-label', { hasText: new RegExp(`^${label}`) }),
    })
    .locator('.stat-value')
    .first();

describe.skipIf(!chromiumPath)('README: the short tour, as printed', () => {
  let dir: string;
  let sink: SmtpSink;
  let spoor: SpoorProcess;
  let browser: Browser;
  let port: string;
  let adminKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spoor-tour-'));
    sink = await startSmtpSink();
    // Step 6 starts Spoor with SPOOR_SMTP_HOST/SPOOR_SMTP_PORT; the sink listens on 127.0.0.1.
    spoor = await startSpoorProcess(
      `sqlite:${join(dir, 'data', 'spoor.db')}`,
      {
        SPOOR_DEMO: 'true',
        SPOOR_BOOTSTRAP_API_KEY: '',
        SPOOR_LOG_LEVEL: 'warn',
        SPOOR_SMTP_HOST: sink.host,
        SPOOR_SMTP_PORT: String(sink.port),
        SPOOR_SMTP_SECURE: 'false',
      },
      'npm start',
    );
    port = new URL(spoor.url).port;
    browser = await chromium.launch({
      executablePath: chromiumPath!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-blink-features=AutomationControlled'],
      ignoreDefaultArgs: ['--enable-automation'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await spoor?.kill('SIGTERM');
    await sink?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The shell's variables so far (what the reader's terminal holds). */
  const shell: Record<string, string> = {};
  let lastAnswer: unknown;

  /** What the README gives at a URL or in a command, for the port this test runs on. */
  const onOurPort = (text: string) => text.replaceAll('localhost:8080', `localhost:${port}`);

  /** The `id` in an answer: its own, or its first listed item's (a search answers a list). */
  function idIn(answer: unknown): string {
    const object = answer as Record<string, unknown>;
    if (typeof object?.['id'] === 'string') return object['id'];
    const list = Object.values(object ?? {}).find((v) => Array.isArray(v) && v.length > 0) as
      | { id?: string }[]
      | undefined;
    expect(list?.[0]?.id, `an id in ${JSON.stringify(answer)}`).toEqual(expect.any(String));
    return list![0]!.id!;
  }

  /** Runs one printed command as the reader would; returns its parsed JSON answer (or undefined for none). */
  async function runCommand(printed: string): Promise<unknown> {
    const placeholder = PLACEHOLDER.exec(printed);
    if (placeholder) {
      // The one thing the reader fills in: the printed key, or the id in the answer above.
      const name = placeholder[1]!;
      shell[name] = name === 'KEY' ? adminKey : idIn(lastAnswer);
      return undefined;
    }
    const command = onOurPort(printed);
    const assignment = ASSIGNMENT.exec(command);
    const script = assignment ? `${command}\nprintf %s "$${assignment[1]}"` : command;
    const { stdout } = await run('bash', ['-c', script], {
      env: { ...process.env, ...shell },
      timeout: 30_000,
    });
    if (assignment) {
      shell[assignment[1]!] = stdout;
      return undefined;
    }
    let answer: unknown;
    expect(() => (answer = JSON.parse(stdout)), `${printed}\nanswered: ${stdout}`).not.toThrow();
    // Spoor's error answers are {"error": "<code>", "message": "…"}.
    expect(typeof (answer as { error?: unknown }).error, `${printed}\nanswered ${stdout}`).not.toBe('string');
    lastAnswer = answer;
    return answer;
  }

  /** Runs commands in order; the JSON answers of those that print one. */
  async function runCommands(commands: string[]): Promise<unknown[]> {
    const answers: unknown[] = [];
    for (const command of commands) {
      const answer = await runCommand(command);
      if (answer !== undefined) answers.push(answer);
    }
    return answers;
  }

  /** The steps whose commands were run: every step with a ```sh block must be among them. */
  const ran = new Set<Step>();
  /** Every command of a step, block after block. */
  const runStep = (step: Step) => {
    ran.add(step);
    return runCommands(step.blocks.flat());
  };

  /** A fresh window (a Chromium context: its own cookies, as a private window has). */
  async function openWindow(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ userAgent: CHROME_UA });
    return { context, page: await context.newPage() };
  }

  it('runs every step, in the dashboard and with the API, and each shows what the README says', {
    timeout: 300_000,
  }, async () => {
    const steps = tourSteps(README);
    const step = (title: RegExp) => {
      const found = steps.find((s) => title.test(s.title));
      expect(found, `a tour step titled ${title}`).toBeDefined();
      return found!;
    };
    /** A `backticked` value the step's text names right after `before`. */
    const named = (s: Step, before: string) => {
      const value = new RegExp(`${before}\\s+\`([^\`]+)\``).exec(s.text)?.[1];
      expect(value, `step "${s.title}" names a value after "${before}"`).toBeDefined();
      return value!;
    };

    // Start: the key is printed once (not at a terminal, in the JSON banner line).
    const banner = spoor
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => String(line['msg']).startsWith('Spoor is running'));
    adminKey = banner?.['adminApiKey'] as string;
    expect(adminKey).toMatch(/^spk_/);
    // At a terminal the same facts are the banner the README shows (key elided, database in ./data).
    const printed = /prints where\s+everything is:\n\n```\n([\s\S]*?)```/.exec(README)?.[1];
    expect(printed, "the README's start banner").toBeDefined();
    const facts = banner as unknown as Parameters<typeof startBanner>[0];
    const seen = startBanner({
      ...facts,
      database: facts.database.replace(join(dir, 'data'), './data'),
      adminApiKey: 'spk_…',
      firstAdministrator: `${facts.firstAdministrator?.split('?')[0]}?token=…`,
    });
    expect(seen.trim()).toBe(onOurPort(printed!).trim());

    // 1. The first-administrator link printed at start: the account, then the dashboard.
    const account = step(/^Create your account/);
    expect(account.text).toContain('`first admin` link printed at start');
    const admin = await openWindow();
    const dashboard = admin.page;
    await dashboard.setViewportSize({ width: 1280, height: 800 });
    await dashboard.goto(facts.firstAdministrator!);
    await dashboard.getByRole('heading', { name: 'Create the first administrator', level: 1 }).waitFor();
    for (const colorScheme of ['light', 'dark'] as const) {
      await dashboard.emulateMedia({ colorScheme });
      expect(await accessibilityViolations(dashboard), `/account/accept, ${colorScheme}`).toEqual([]);
    }
    await dashboard.emulateMedia({ colorScheme: 'light' });
    await dashboard.getByLabel('Email').fill('admin@example.com');
    await dashboard.getByLabel('Your name').fill('Alex');
    await tourScreenshot(dashboard, 'first-administrator');
    await dashboard.getByLabel('Password', { exact: true }).fill('a long enough password');
    await dashboard.getByLabel('Password again').fill('a long enough password');
    await dashboard.getByRole('button', { name: 'Create my account' }).click();
    await dashboard.getByText('you are signed in').waitFor();
    await dashboard.getByRole('link', { name: 'Open the dashboard' }).click();
    await dashboard.getByRole('navigation', { name: 'Sections' }).waitFor();
    expect(dashboard.url()).toBe(onOurPort(/takes you to `([^`]+)`/.exec(account.text)![1]!));
    const section = async (name: string) => {
      await dashboard.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
    };

    // 2. The demo page, clicked around in, then its campaign link in a private window.
    const open = step(/^Open the demo page/);
    const demoUrl = /at `(http:\/\/localhost:8080\/[^`]*)`/.exec(open.text)?.[1];
    expect(demoUrl, 'the demo page address in step 2').toBeDefined();
    expect(banner?.['demoPage']).toBe(onOurPort(demoUrl!));
    const reader = await openWindow();
    const traffic = watchCollect(reader.page);
    await reader.page.goto(onOurPort(demoUrl!));
    await traffic.settled();
    await reader.page.getByRole('link', { name: 'Pricing', exact: true }).click();
    await reader.page.waitForURL(/\/demo\/pricing$/);
    await reader.page.getByRole('link', { name: 'App (single-page)' }).click();
    await reader.page.getByRole('button', { name: /next view/ }).click();
    await expect.poll(() => traffic.pageviews().length).toBe(4);
    await traffic.settled();
    await reader.page.goto(onOurPort(demoUrl!));
    const hint = (await reader.page.locator('#report-command').textContent()) ?? '';
    // The demo page links to its report in the dashboard, where step 3 reads it.
    expect(await reader.page.getByRole('link', { name: 'in the dashboard' }).getAttribute('href')).toBe(
      '/app/websites/demo',
    );
    const campaignLink = await reader.page
      .locator('#campaign-link')
      .evaluate((a) => (a as HTMLAnchorElement).href);
    expect(await reader.page.locator('#campaign-link').textContent()).toBe(campaignLink);
    const privateWindow = await openWindow();
    const privateTraffic = watchCollect(privateWindow.page);
    await privateWindow.page.goto(campaignLink);
    await expect.poll(() => privateTraffic.pageviews().length).toBe(1);
    await privateTraffic.settled();
    await traffic.settled();

    // 3. The visits in the dashboard: the overview, then the demo website's report filtered by the campaign.
    const report = step(/^See the visits/);
    await section('Overview');
    await dashboard.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    // Coming back from the demo's window refetches the figures (TanStack Query's refetch on focus); a reload
    // does the same here, where no window takes the focus.
    await waitFor('the page views on the overview', async () => {
      await dashboard.reload();
      await dashboard.getByText(/Data as of/).waitFor();
      return (await stat(dashboard, 'Page views').textContent()) === '6';
    });
    const overviewVisits = await stat(dashboard, 'Visits').textContent();
    const websiteName = /\*\*Websites → ([^*]+)\*\* is the demo website/.exec(report.text)?.[1];
    expect(websiteName, 'the demo website named in step 3').toBeDefined();
    await section('Websites');
    await dashboard.getByRole('table', { name: 'Websites' }).getByRole('link', { name: websiteName }).click();
    await dashboard.getByRole('heading', { name: websiteName, level: 1 }).waitFor();
    const campaign = /the demo's `([^`]+)`\s+campaign/.exec(report.text)?.[1];
    expect(campaign, 'the campaign step 3 names').toBeDefined();
    const campaignRow = dashboard
      .getByRole('table', { name: 'Campaigns (UTM)' })
      .getByRole('link', { name: new RegExp(campaign!) });
    await campaignRow.waitFor();
    // The realtime figure: the reader and the private window, both in the last 5 minutes.
    await expect.poll(() => dashboard.getByTestId('realtime-visitors').textContent()).toBe('2');
    await tourScreenshot(dashboard, 'report');
    await campaignRow.click();
    await dashboard.getByText('Filtered by').waitFor();
    expect(dashboard.url()).toContain(`utmCampaign=${campaign}`);

    // The same with the API: today's report, the page views and the campaign.
    const [answer] = (await runStep(report)) as {
      from: string;
      to: string;
      visits: number;
      pageviews: number;
      topPages: { path: string }[];
      campaigns: { source: string; medium: string; campaign: string; visits: number }[];
    }[];
    expect(answer?.from).toBe(TODAY());
    expect(answer?.to).toBe(TODAY());
    expect(answer?.pageviews).toBe(6);
    expect(overviewVisits).toBe(String(answer?.visits));
    expect(answer?.topPages.map((p) => p.path)).toEqual(
      expect.arrayContaining(['/demo/', '/demo/pricing', '/demo/app', '/demo/app/view-1']),
    );
    expect(answer?.campaigns).toEqual([
      expect.objectContaining({ source: 'newsletter', medium: 'email', campaign, visits: 1 }),
    ]);
    // The demo page's own hint is a command that works as pasted, with only the key filled in.
    // The same report, read a moment later (dataAsOf says when).
    expect(await runCommands(splitCommands(hint))).toEqual([
      { ...(answer as object), dataAsOf: expect.any(String) },
    ]);

    // 4. A website of one's own, registered in the dashboard, with its snippets; then with the API.
    const register = step(/^Register your own website/);
    const siteName = named(register, 'name it');
    const siteOrigin = named(register, 'allow the\\s+origin');
    await section('Websites');
    await dashboard.getByRole('link', { name: 'Register a website' }).click();
    await dashboard.getByLabel('Name').fill(siteName);
    await dashboard.getByLabel('Allowed origins').fill(siteOrigin);
    await dashboard.getByRole('button', { name: 'Register website' }).click();
    await dashboard.getByRole('heading', { name: `${siteName}: settings`, level: 1 }).waitFor();
    const snippets = dashboard.getByRole('region', { name: 'Snippets' });
    expect(await snippets.textContent()).toMatch(/\/s\/[\w-]+\.js"><\/script>/);
    await dashboard.getByRole('button', { name: 'Copy standard snippet' }).waitFor();
    const [website] = (await runStep(register)) as {
      id: string;
      name: string;
      allowedOrigins: string[];
      snippets: { thirdParty: string };
    }[];
    expect(website?.name).toBe(siteName);
    expect(website?.allowedOrigins).toEqual([siteOrigin]);
    expect(website?.snippets.thirdParty).toContain(`/s/${website?.id}.js"></script>`);

    // 6. The demo sign-up page, submitted with the address the step names, in the window that browsed;
    // the contact found in the dashboard, the visits before signing up on its timeline.
    const identify = step(/^Identify visitors/);
    const signupPath = /\(`(\/p\/[^`]+)`/.exec(identify.text)?.[1];
    const email = /with the address `([^`]+)`/.exec(identify.text)?.[1];
    expect(signupPath && email, 'the sign-up page and address in step 6').toBeTruthy();
    await reader.page.goto(`http://localhost:${port}${signupPath}`);
    await reader.page.getByLabel('Email').fill(email!);
    await reader.page.getByLabel('First name').fill('Ada');
    await reader.page.getByRole('button', { name: 'Submit' }).click();
    await reader.page.getByText('you are signed up').waitFor();
    await section('Contacts');
    await dashboard.getByLabel('Search').fill(named(identify, 'search'));
    await dashboard.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: 'Ada' }).click();
    await dashboard.getByRole('heading', { name: 'Ada', level: 1 }).waitFor();
    const timeline = dashboard.getByRole('list', { name: 'Interactions, newest first' });
    await timeline.getByText('Submitted Demo sign-up').waitFor();
    await timeline
      .getByText(/^Visit to Demo shop · \d+ pages/)
      .first()
      .waitFor();
    await timeline
      .getByText(/^\/demo\/pricing ·/)
      .first()
      .waitFor();
    const [found, history] = (await runStep(identify)) as [{ contacts: { email: string }[] }, unknown];
    expect(found.contacts.map((c) => c.email)).toEqual([email]);
    // The visits made before signing up are in the contact's history.
    expect(JSON.stringify(history)).toContain('/demo/pricing');

    // 7. In the dashboard: a list with the contact on it, a message, a send, through the SMTP server.
    const send = step(/^Send an email/);
    const html = /"html":"((?:[^"\\]|\\.)*)"/.exec(send.text)?.[1]?.replaceAll('\\"', '"');
    expect(html, "the message's HTML in step 7").toBeDefined();
    const listName = named(send, 'create');
    await section('Lists');
    await dashboard.getByLabel('Name').fill(listName);
    await dashboard.getByRole('button', { name: 'Create list' }).click();
    await dashboard.getByRole('heading', { name: listName, level: 1 }).waitFor();
    await dashboard.getByLabel('Find contacts').fill(email!);
    await dashboard.getByRole('button', { name: 'Add Ada' }).click();
    await dashboard.getByText('1 added').waitFor();
    await section('Emails');
    await dashboard.getByRole('link', { name: 'New message' }).click();
    const messageName = named(send, 'name it');
    await dashboard.getByLabel('Name').fill(messageName);
    await dashboard.getByLabel('Subject').fill('Welcome, {{ contact.first_name }}');
    await dashboard.getByLabel('HTML', { exact: true }).fill(html!);
    await dashboard.getByRole('button', { name: 'Save' }).click();
    await dashboard.getByRole('heading', { name: messageName, level: 1 }).waitFor();
    await dashboard.getByRole('button', { name: 'Send to lists…' }).click();
    await dashboard.getByRole('dialog').waitFor();
    await dashboard.getByRole('dialog').getByLabel(listName).check();
    await dashboard.getByText('will receive it').waitFor();
    await dashboard.getByRole('button', { name: 'Send to 1' }).click();
    await dashboard.getByText('Status: done').waitFor({ timeout: 30_000 });
    // The send's page is named after the message, not its subject template.
    await dashboard.getByRole('heading', { name: messageName, level: 1 }).waitFor();
    await sink.waitForMessages(1, 30_000);
    await clickTheShopLink(sink.messages[0]!);
    // The click on the send's page (human or a scanner's: how soon after delivery it came decides).
    await waitFor('the click on the send page', async () => {
      await dashboard.reload();
      await dashboard.getByRole('table', { name: 'Clicks per link' }).waitFor();
      const row = dashboard
        .getByRole('table', { name: 'Clicks per link' })
        .locator('tr', { hasText: 'https://www.shop.example/' });
      const cells = await row.locator('td').allTextContents();
      return Number(cells[0]) + Number(cells[2]) === 1;
    });
    await dashboard.getByRole('heading', { name: 'By recipient domain' }).waitFor();
    await tourScreenshot(dashboard, 'insights');

    // The same with the API: a second list, message and send to the same contact.
    expect(send.blocks, 'step 7: the commands that send, then those that read the send').toHaveLength(2);
    ran.add(send);
    const created = await runCommands(send.blocks[0]!);
    const [list, members, message, queued] = created as Record<string, unknown>[];
    expect(list).toMatchObject({ name: listName });
    expect(members).toMatchObject({ added: 1 });
    expect(message).toMatchObject({ name: messageName });
    expect(queued).toMatchObject({ status: 'queued' });
    await sink.waitForMessages(2, 30_000);
    for (const mail of sink.messages) {
      expect(mail.envelope.rcptTo).toEqual([email]);
      expect(mail.parsed.subject).toBe('Welcome, Ada');
    }
    await clickTheShopLink(sink.messages[1]!);
    // The reader reads the send once it has gone out (the email arrived); so does this test.
    await expect
      .poll(async () => {
        const res = await fetch(`${spoor.url}/api/sends/${idIn(queued)}`, {
          headers: { authorization: `Bearer ${adminKey}` },
        });
        return ((await res.json()) as { status: string }).status;
      })
      .toBe('done');
    const [progress, insights] = (await runCommands(send.blocks[1]!)) as [
      { status: string; progress: Record<string, unknown> },
      Record<string, unknown>,
    ];
    expect(progress.status).toBe('done');
    expect(progress.progress).toMatchObject({ recipients: 1, sent: 1, pending: 0 });
    expect(insights).toMatchObject({ sent: 1, delivered: 1, links: [{ url: 'https://www.shop.example/' }] });
    // Human or a scanner's depends on how soon after delivery the click came (the README's "wait a minute").
    const clicks = insights['clicks'] as Record<string, { total: number }>;
    expect(Object.values(clicks).reduce((sum, kind) => sum + kind.total, 0)).toBe(1);

    // No step of the tour has shell commands this test did not run.
    expect(steps.filter((s) => s.blocks.length > 0 && !ran.has(s)).map((s) => s.title)).toEqual([]);
    expect(steps.filter((s) => s.blocks.length > 0)).toHaveLength(4);

    /** "Click its link" in the reader's window: Spoor records the click and redirects to the shop, which does not exist. */
    async function clickTheShopLink(mail: ReceivedMessage) {
      const link = /href="([^"]+)"[^>]*>visit the shop/
        .exec(String(mail.parsed.html))?.[1]
        ?.replaceAll('&amp;', '&');
      expect(link, 'the tracked link in the email').toMatch(new RegExp(`^http://localhost:${port}/`));
      // The browser's request goes to Spoor with its cookies; Spoor's redirect is answered in the shop's place.
      let redirectedTo: string | undefined;
      await reader.page.route(link!, async (route) => {
        const response = await route.fetch({ maxRedirects: 0 });
        redirectedTo = response.headers()['location'];
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Shop</title>' });
      });
      await reader.page.goto(link!);
      expect(redirectedTo).toBe('https://www.shop.example/');
    }

    await admin.context.close();
    await privateWindow.context.close();
    await reader.context.close();
  });
  it('the pages the tour opens have no axe violations, on desktop and phone', {
    timeout: 60_000,
  }, async () => {
    const { context, page } = await openWindow();
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of ['/', '/demo/', '/demo/pricing', '/demo/app', '/p/demo-signup']) {
        const res = await page.goto(`http://localhost:${port}${path}`);
        expect(res?.status(), path).toBe(200);
        expect(await accessibilityViolations(page), `${path} at ${width}px`).toEqual([]);
        // Nothing wider than the window: no sideways scrolling on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${width}px`).toBe(
          width,
        );
      }
    }
    await context.close();
  });
});
