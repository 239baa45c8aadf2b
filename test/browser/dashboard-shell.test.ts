// The dashboard's frame in a real browser: signing in through the form (and being sent back where one was
// going), the layout and its nav by keyboard and at 390 px, the theme toggle, signing out here and
// everywhere. Sign-in page screenshots and axe-core checks.
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import {
  expectNoSeriousAxeViolations,
  makeUser,
  screenshotPage,
  setUpDashboardSuite,
  signInThroughForm,
} from '../support/dashboard.ts';

describe.skipIf(!chromiumPath)('the dashboard shell', () => {
  const suite = setUpDashboardSuite();

  it('sends a signed-out visitor to the sign-in page and back to where they were going', async () => {
    const user = await makeUser(suite.server, 'administrator');
    const page = await (await suite.newContext()).newPage();
    await page.goto(`${suite.server.origin}/app/settings?tab=x`);
    await page.waitForURL(/\/app\/sign-in\?next=/);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings?tab=x');
    await page.getByLabel('Email').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'sign-in');

    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/password/i);
    expect(page.url()).toContain('/app/sign-in');

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/settings');
    expect(await page.title()).toBe('Settings · Spoor');
  });

  it('navigates by keyboard: skip link, nav entries with the current one marked', async () => {
    const { page } = await suite.signIn('administrator');
    await page.goto(`${suite.server.origin}/app/`);
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const nav = page.getByRole('navigation', { name: 'Sections' });
    for (const label of [
      'Overview',
      'Websites',
      'Contacts',
      'Forms',
      'Lists',
      'Emails',
      'Offers',
      'Settings',
    ])
      await nav.getByRole('link', { name: label }).waitFor();
    await nav.getByRole('link', { name: 'Settings' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/settings$/);
    expect(await nav.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBeNull();

    await page.goto(`${suite.server.origin}/app/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await expectNoSeriousAxeViolations(page);
  });

  it('shows an analyst no Settings write actions and a marketer no administration entries', async () => {
    const { page } = await suite.signIn('marketer');
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Contacts' }).waitFor();
    // Marketers have no administration area: Settings shows only what they may read.
    await nav.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
  });

  it('works at 390 px: the nav opens from the menu button', async () => {
    const { page } = await suite.signIn('administrator');
    await page.setViewportSize({ width: 390, height: 844 });
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('keeps the chosen theme across reloads', async () => {
    const { page } = await suite.signIn('analyst');
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    expect(await toggle.getAttribute('aria-label')).toBe('Theme: system');
    await toggle.click();
    await toggle.click();
    expect(await toggle.getAttribute('aria-label')).toBe('Theme: dark');
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(17, 21, 28)');
  });

  it('signs out this browser, and everywhere', async () => {
    const user = await makeUser(suite.server, 'marketer');
    const first = await (await suite.newContext()).newPage();
    const second = await (await suite.newContext()).newPage();
    await signInThroughForm(first, suite.server.origin, user.email, user.password);
    await signInThroughForm(second, suite.server.origin, user.email, user.password);

    await first.getByText(user.name).click();
    await first.getByRole('button', { name: 'Sign out', exact: true }).click();
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    // The second browser is still signed in.
    await second.reload();
    await second.getByRole('navigation', { name: 'Sections' }).waitFor();

    await signInThroughForm(first, suite.server.origin, user.email, user.password);
    await first.getByText(user.name).click();
    await first.getByRole('button', { name: 'Sign out everywhere' }).click();
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    await second.reload();
    await second.getByRole('button', { name: 'Sign in' }).waitFor();
    const answer = await second.evaluate(async () => (await fetch('/api/session')).status);
    expect(answer).toBe(401);
  });
});
