// The event website in Chromium: a marketer creates an event in New York time in the dashboard, adds a
// session and a pass, and publishes it; a visitor opens its page with JavaScript off (times in New York
// time, the zone named), switches to French (the language cookie, its attributes, French after a reload);
// with JavaScript on the page's visit is recorded by the tracking script. A contact signs in by the link
// emailed to the loopback SMTP sink, sees the portal (the session cookie's attributes checked) and signs
// out; an altered link is refused. Screenshots at 1280 and 390 px and axe-core on every page.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, screenshotPage } from '../support/dashboard.ts';
import { askForSignInLink, setUpEventSiteSuite } from '../support/event-site.ts';
import { waitFor } from '../support/wait-for.ts';

describe.skipIf(!chromiumPath)('browser: the event website', () => {
  const suite = setUpEventSiteSuite();
  const api = suite.api;
  let slug = '';
  let websiteId = '';

  it('creates, fills in and publishes an event in the dashboard', async () => {
    websiteId = (
      await api<{ id: string }>('POST', '/api/websites', {
        name: 'Events',
        allowedOrigins: ['https://www.events.test'],
      })
    ).id;
    const { page } = await suite.signIn('marketer');
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    const create = page.getByRole('region', { name: 'New event' });
    await create.getByLabel('Name').fill('Autumn forum');
    await create.getByLabel('Languages').fill('en, fr');
    await create.getByLabel('Time zone').fill('America/New_York');
    await create.getByLabel('Starts').fill('2027-09-14T09:00');
    await create.getByLabel('Ends').fill('2027-09-14T17:30');
    await create.getByRole('button', { name: 'Create event' }).click();
    await page.getByRole('heading', { name: 'Autumn forum', level: 1 }).waitFor();

    const details = page.getByRole('region', { name: 'Details' });
    // Refused with the server's sentence: the end before the start.
    await details.getByLabel('Ends (America/New_York)').fill('2027-09-14T08:00');
    await details.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('The event must end after it starts.').first().waitFor();
    await details.getByLabel('Ends (America/New_York)').fill('2027-09-14T17:30');
    await details.getByLabel('Name (fr)').fill('Forum d’automne');
    await details.getByLabel('Description (en)').fill('Talks and workshops about engagement.');
    await details.getByLabel('Description (fr)').fill('Conférences et ateliers sur l’engagement.');
    await details.getByLabel('Venue').fill('Javits Center, New York');
    await details.getByLabel('Capacity').fill('250');
    await details.getByRole('button', { name: 'Save details' }).click();
    await details.getByRole('status').waitFor();

    const sessions = page.getByRole('region', { name: 'Sessions' });
    await sessions.getByText('Add a session').click();
    await sessions.getByLabel('Name (en)').fill('Opening keynote');
    await sessions.getByLabel('Name (fr)').fill('Discours d’ouverture');
    await sessions.getByLabel('Starts (America/New_York)').fill('2027-09-14T09:30');
    await sessions.getByLabel('Ends (America/New_York)').fill('2027-09-14T10:30');
    await sessions.getByLabel('Room').fill('Hall A');
    await sessions.getByLabel('Speakers').fill('Ada Lovelace, Grace Hopper');
    await sessions.getByRole('button', { name: 'Add session' }).click();
    await sessions.getByText('Opening keynote · 2027-09-14 09:30 – 10:30').waitFor();

    const passes = page.getByRole('region', { name: 'Passes' });
    await passes.getByText('Add a pass').click();
    await passes.getByLabel('Name (en)').fill('Day pass');
    await passes.getByLabel('Name (fr)').fill('Pass journée');
    await passes.getByLabel('Capacity').fill('200');
    await passes.getByLabel(/Opening keynote/).check();
    await passes.getByRole('button', { name: 'Add pass' }).click();
    await passes.getByText('Day pass', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('link', { name: 'Public page' }).waitFor();
    const events = await api<{
      events: { slug: string; status: string; websiteId: string | null; id: string }[];
    }>('GET', '/api/events');
    const event = events.events.find((e) => e.slug.startsWith('autumn-forum'))!;
    expect(event.status).toBe('published');
    slug = event.slug;
    await suite.server.spoor.app.inject({
      method: 'PATCH',
      url: `/api/events/${event.id}`,
      headers: suite.server.spoor.auth,
      payload: { websiteId },
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Autumn forum', level: 1 }).waitFor();
    await page.getByText('Opening keynote · 2027-09-14 09:30 – 10:30').click();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-editor');
  }, 120_000);

  it('shows the event without JavaScript in its zone, and in French once chosen (the language cookie)', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale: 'en-US' });
    const page = await context.newPage();
    const response = await page.goto(`${suite.server.origin}/events/${slug}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('heading', { name: 'Autumn forum', level: 1 }).waitFor();
    const when = await page.locator('dd').first().textContent();
    // 09:00 to 17:30 in New York (13:00 to 21:30 UTC), the zone named with its offset that day.
    expect(when).toContain('09:00');
    expect(when).toContain('17:30');
    expect(when).toContain('America/New_York (UTC-04:00)');
    expect(await page.locator('time').first().getAttribute('datetime')).toBe('2027-09-14T09:00:00-04:00');
    expect(await page.getByText('Ada Lovelace, Grace Hopper').count()).toBe(1);
    expect(await context.cookies()).toEqual([]);

    await page.getByRole('link', { name: 'Français' }).click();
    await page.getByRole('heading', { name: 'Forum d’automne', level: 1 }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'spoor_lang',
      value: 'fr',
      path: '/events',
      httpOnly: true,
      secure: false,
      sameSite: 'Lax',
    });
    const days = (cookie!.expires * 1000 - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(365);

    await page.goto(`${suite.server.origin}/events/${slug}`);
    await page.getByRole('heading', { name: 'Forum d’automne', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Discours d’ouverture' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Pass journée' }).count()).toBe(1);
    await context.close();
  });

  it('counts a visit to the event page like any other page, and passes axe', async () => {
    const context = await suite.newContext();
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/events/${slug}`);
    const db = suite.server.spoor.storage.db;
    await waitFor(
      'the page view of the event page',
      async () => {
        const rows = await db
          .selectFrom('pageviews')
          .select('path')
          .where('website_id', '=', websiteId)
          .execute();
        return rows.some((r) => r.path === `/events/${slug}`);
      },
      30_000,
    );
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-page');
    await page.goto(`${suite.server.origin}/events`);
    await expectNoSeriousAxeViolations(page);
  });

  it('signs a contact in by the emailed link (no JavaScript), shows the portal, signs out; refuses an altered link', async () => {
    await api('POST', '/api/contacts', { email: 'cleo@reader.test', firstName: 'Cleo' });
    const context = await suite.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/events/portal`);
    await page.getByRole('heading', { name: 'Sign in to the event website' }).waitFor();
    const link = await askForSignInLink(page, suite.sink, 'cleo@reader.test');

    // An altered link: refused, nothing said about the address.
    const token = new URL(link).searchParams.get('token')!;
    const altered = `${link.split('token=')[0]}token=${encodeURIComponent(token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')))}`;
    const refused = await page.goto(altered);
    expect(refused?.status()).toBe(404);
    await page.getByRole('heading', { name: 'This sign-in link is not valid' }).waitFor();
    expect(await context.cookies()).toEqual([]);

    await page.goto(link);
    await page.getByText('Sign in to the event website as cleo@reader.test.').waitFor();
    expect(await context.cookies()).toEqual([]);
    await page.getByRole('button', { name: 'Sign me in' }).click();
    await page.getByRole('heading', { name: 'Your registrations' }).waitFor();
    await page.getByText('Signed in as cleo@reader.test.').waitFor();
    await page.getByText('You have no registrations yet.').waitFor();
    const session = (await context.cookies()).find((c) => c.name === 'spoor_portal');
    expect(session).toMatchObject({
      path: '/events',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      expires: -1,
    });

    // The link is used up.
    const again = await page.goto(link);
    expect(again?.status()).toBe(404);
    await page.getByRole('heading', { name: 'This sign-in link was already used' }).waitFor();

    await page.goto(`${suite.server.origin}/events/portal`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out', level: 1 }).waitFor();
    expect((await context.cookies()).some((c) => c.name === 'spoor_portal')).toBe(false);
    await page.goto(`${suite.server.origin}/events/portal`);
    await page.getByRole('heading', { name: 'Sign in to the event website' }).waitFor();
    await context.close();
  }, 60_000);

  it('the sign-in and portal pages pass axe at both widths', async () => {
    const context = await suite.newContext();
    const page: Page = await context.newPage();
    await page.goto(`${suite.server.origin}/events/portal/sign-in`);
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-sign-in');
    await page.goto(await askForSignInLink(page, suite.sink, 'cleo@reader.test'));
    await page.getByRole('button', { name: 'Sign me in' }).click();
    await page.getByRole('heading', { name: 'Your registrations' }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-portal');
  }, 60_000);
});
