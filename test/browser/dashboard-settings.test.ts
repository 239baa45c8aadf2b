// The Settings pages in a real Chromium: an administrator invites someone from Users; the invitation arrives
// at a loopback SMTP server, the invitee opens its link in their own browser, chooses a password, lands in
// the dashboard and later signs in with that password; the audit log shows the invitation. API keys: one
// made with chosen scopes is shown once, works within its scopes and stops working when revoked. An analyst
// sees no change button on the pages where an administrator has one, and the API refuses the analyst's
// changes made with their own session cookie and CSRF token. Screenshots and axe in light and dark.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/access/scopes.ts';
import { chromiumPath } from '../helpers/browser.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import {
  expectNoSeriousAxeViolations,
  screenshotPage,
  setUpDashboardSuite,
  signInThroughForm,
} from '../support/dashboard.ts';
import {
  addToList,
  createContact,
  createForm,
  createList,
  createMessage,
  createWebsite,
} from '../support/factories.ts';
import { waitFor } from '../support/wait-for.ts';

/** Names of buttons and links that would change something (none may show for an analyst). */
const CHANGE =
  /^(new|create|register|save|edit|erase|delete|remove|revoke|send|import|add|invite|disable|enable)\b/i;

/** The buttons and links in the page's main area whose names say they change something. */
async function changeControls(page: Page): Promise<string[]> {
  const main = page.getByRole('main');
  const names = [
    ...(await main.getByRole('button').allTextContents()),
    ...(await main.getByRole('link').allTextContents()),
  ].map((name) => name.trim());
  return names.filter((name) => CHANGE.test(name));
}

describe.skipIf(!chromiumPath)('dashboard: settings', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });
  const suite = setUpDashboardSuite('sqlite', () => ({ smtp: smtpConfigFor(sink) }));
  const app = (route: string) => `${suite.server.origin}/app${route}`;

  it('invites someone by email; they choose a password, sign in and see the dashboard; the audit log shows it', {
    timeout: 120_000,
  }, async () => {
    const { page, user: admin } = await suite.signIn('administrator');
    await page.goto(app('/settings'));
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'settings');
    await page.getByRole('main').getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();

    const invite = page.getByRole('region', { name: 'Invite someone' });
    await invite.getByLabel('Email').fill('lin@invited.example');
    await invite.getByLabel('Name (optional)').fill('Lin Invited');
    await invite.getByLabel('Role').selectOption('marketer');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent to lin@invited.example.').waitFor();

    // The email, as it reached the SMTP server: a link to this Spoor's invitation page.
    await waitFor('the invitation email', () => sink.receivedBy('lin@invited.example').length === 1);
    const mail = sink.receivedBy('lin@invited.example')[0]!;
    expect(mail.parsed.text).toContain(`${admin.email} invited you`);
    const link = new RegExp(`${suite.server.origin}/account/accept\\?token=\\S+`).exec(
      mail.parsed.text ?? '',
    )?.[0];
    expect(link, String(mail.parsed.text)).toBeDefined();

    // Lin opens it in her own browser, chooses a password and is signed in.
    const lin = await (await suite.newContext()).newPage();
    await lin.goto(link as string);
    await lin.getByRole('heading', { name: 'Join Spoor', level: 1 }).waitFor();
    await lin.getByText('You are invited as marketer').waitFor();
    expect(await lin.getByLabel('Your name').inputValue()).toBe('Lin Invited');
    const password = 'lin chose this password';
    await lin.getByLabel('Password', { exact: true }).fill(password);
    await lin.getByLabel('Password again').fill(password);
    await lin.getByRole('button', { name: 'Create my account' }).click();
    await lin.getByRole('heading', { name: 'Welcome, Lin Invited' }).waitFor();
    await lin.getByRole('link', { name: 'Open the dashboard' }).click();
    await lin.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await lin.getByText('Lin Invited').waitFor();
    // The link worked once.
    expect((await fetch(link as string)).status).toBe(404);

    // Signed out, she signs in again with the password she chose.
    await lin.getByText('Lin Invited').click();
    await lin.getByRole('button', { name: 'Sign out', exact: true }).click();
    await lin.getByRole('button', { name: 'Sign in' }).waitFor();
    await signInThroughForm(lin, suite.server.origin, 'lin@invited.example', password);
    await lin.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();

    // The administrator sees her among the users, and the invitation in the audit log.
    await page.reload();
    const users = page.getByRole('table', { name: 'Users' });
    const row = users.getByRole('row', { name: /lin@invited\.example/ });
    await row.waitFor();
    expect(await row.getByRole('combobox', { name: 'Role of Lin Invited' }).inputValue()).toBe('marketer');
    await row.getByText('active').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'settings-users');

    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const log = page.getByRole('table', { name: 'Audit log' });
    const invited = log.getByRole('row', { name: /inviteUser/ });
    await invited.waitFor();
    expect(await invited.textContent()).toContain(admin.email);
    const accepted = log.getByRole('row', { name: /acceptInvitation/ });
    expect(await accepted.textContent()).toContain('lin@invited.example');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'settings-audit-log');
  });

  it('creates an API key with scopes, shows it once, and revokes it', { timeout: 120_000 }, async () => {
    const { origin } = suite.server;
    const { page } = await suite.signIn('administrator');
    await page.goto(app('/settings/api-keys'));
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();

    const create = page.getByRole('region', { name: 'Create a key' });
    await create.getByLabel('Name').fill('CRM sync');
    await create.getByLabel('Read only').uncheck();
    await create.getByLabel('Email', { exact: true }).check();
    await create.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    expect(key).toMatch(/^\S{20,}$/);
    await page.getByText('it is shown only this once').waitFor();
    const keys = page.getByRole('table', { name: 'API keys' });
    const row = keys.getByRole('row', { name: /CRM sync/ });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('email');
    expect(await row.textContent()).toContain('never');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'settings-api-keys');

    // Shown once: gone when dismissed, and nowhere after a reload.
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await shown.count()).toBe(0);

    // It works within its scopes (email) and not beyond (tracking).
    const bearer = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    expect((await fetch(`${origin}/api/lists`, { headers: bearer })).status).toBe(200);
    const beyond = await fetch(`${origin}/api/websites`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ name: 'Nope', allowedOrigins: ['https://nope.example'] }),
    });
    expect(beyond.status).toBe(403);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(key);
    expect(await row.textContent()).not.toContain('never');

    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “CRM sync”?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(/^revoked/).waitFor();
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect((await fetch(`${origin}/api/lists`, { headers: bearer })).status).toBe(401);
  });

  it('shows an analyst no change button where an administrator has one; the API refuses their changes', {
    timeout: 180_000,
  }, async () => {
    const { spoor } = suite.server;
    const website = await createWebsite(spoor, ['https://www.analysed.example'], { name: 'Analysed' });
    const contact = await createContact(spoor, { email: 'ana@analysed.example', firstName: 'Ana' });
    const list = await createList(spoor, 'Analysed readers');
    await addToList(spoor, list, [contact]);
    const form = await createForm(spoor, { name: 'Analysed form' });
    const message = await createMessage(spoor, { subject: 'Analysed news', html: '<p>Hi</p>' });

    // Each page, how to know it has loaded, and the change control an administrator finds there.
    const pages: { route: string; ready: string; control: string }[] = [
      { route: '/websites', ready: 'Websites', control: 'Register a website' },
      { route: `/websites/${website}/settings`, ready: 'Analysed: settings', control: 'Save settings' },
      { route: `/contacts/${contact}`, ready: 'Ana', control: 'Erase…' },
      { route: '/lists', ready: 'Lists', control: 'Create list' },
      { route: `/lists/${list}`, ready: 'Analysed readers', control: 'Import into this list' },
      { route: '/forms', ready: 'Forms', control: 'New form' },
      { route: `/forms/${form}`, ready: 'Analysed form', control: 'Edit form' },
      { route: '/emails', ready: 'Emails', control: 'New message' },
      { route: `/emails/messages/${message}`, ready: 'Analysed news', control: 'Send to lists…' },
      { route: '/settings/users', ready: 'Users', control: 'Send invitation' },
      { route: '/settings/api-keys', ready: 'API keys', control: 'Create key' },
    ];
    const visit = async (page: Page, route: string, heading: string) => {
      await page.goto(app(route));
      await page.getByRole('heading', { name: heading, level: 1, exact: true }).waitFor();
    };
    const sessions: Record<Role, Page> = {
      administrator: (await suite.signIn('administrator')).page,
      marketer: (await suite.signIn('marketer')).page,
      analyst: (await suite.signIn('analyst')).page,
    };

    for (const { route, ready, control } of pages) {
      await visit(sessions.administrator, route, ready);
      expect(await changeControls(sessions.administrator), route).toContain(control);
      // Administration is not the analyst's: those pages do not exist for them.
      const heading = route.startsWith('/settings/') ? 'Page not found' : ready;
      await visit(sessions.analyst, route, heading);
      expect(await changeControls(sessions.analyst), route).toEqual([]);
    }
    // Settings: what an analyst may read, with nothing to change, and no administration entries.
    const analyst = sessions.analyst;
    await visit(analyst, '/settings', 'Settings');
    expect(await analyst.getByRole('main').getByRole('link').allTextContents()).toEqual([
      'Cookies',
      'Email sending',
      'Privacy defaults',
    ]);
    for (const [route, heading] of [
      ['/settings/cookies', 'Cookies'],
      ['/settings/email', 'Email sending'],
      ['/settings/privacy', 'Privacy defaults'],
    ] as const) {
      await visit(analyst, route, heading);
      expect(await changeControls(analyst), route).toEqual([]);
    }
    await expectNoSeriousAxeViolations(analyst);

    // The API refuses the analyst's changes, made with their own cookie and CSRF token, saying why; the
    // same request from a marketer's session passes the same checks, so the refusal is the role's.
    const attempt = (page: Page, method: string, path: string, body: unknown) =>
      page.evaluate(
        async ({ method, path, body }) => {
          const session = await (await fetch('/api/session')).json();
          const res = await fetch(path, {
            method,
            headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
            body: JSON.stringify(body),
          });
          return { status: res.status, body: await res.json() };
        },
        { method, path, body },
      );
    const changes = [
      ['POST', '/api/lists', { name: 'Analyst list' }, 'email'],
      ['PATCH', `/api/websites/${website}`, { name: 'Renamed' }, 'tracking'],
      ['PATCH', `/api/messages/${message}`, { subject: 'Changed' }, 'email'],
    ] as const;
    for (const [method, path, body, area] of changes) {
      const refused = await attempt(analyst, method, path, body);
      expect(refused, `${method} ${path}`).toEqual({
        status: 403,
        body: {
          error: 'forbidden',
          message: `Your role (analyst) does not allow changing ${area} data (${method} on this route).`,
        },
      });
      expect((await attempt(sessions.marketer, method, path, body)).status, `${method} ${path}`).toBeLessThan(
        300,
      );
    }
    const invitation = await attempt(analyst, 'POST', '/api/invitations', {
      email: 'x@analysed.example',
      role: 'administrator',
    });
    expect(invitation.status).toBe(403);
    expect(invitation.body.message).toMatch(
      /Your role \(analyst\) does not allow changing administration data/,
    );
  });
});
