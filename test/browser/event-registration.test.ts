// Registering on the event website in Chromium with JavaScript off: a visitor fills in the event page's
// form (a pass, a session, name and email) and is registered; the event is then full, and the next visitor
// joins the waitlist from the same page. Screenshots (of the form when full and of the waitlist page) at 1280 and 390 px and axe-core on each page.
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, screenshotPage } from '../support/dashboard.ts';
import { setUpEventSiteSuite } from '../support/event-site.ts';

describe.skipIf(!chromiumPath)('browser: registering for an event', () => {
  const suite = setUpEventSiteSuite();
  const api = suite.api;

  it('registers through the page form without JavaScript, then joins the waitlist when full', async () => {
    const event = await api<{ id: string; slug: string }>('POST', '/api/events', {
      name: { en: 'Night walk' },
      description: { en: 'A guided walk through the old town after dark.' },
      timeZone: 'Europe/Lisbon',
      start: '2027-10-02T20:00',
      end: '2027-10-02T23:00',
      venue: 'Praça do Comércio, Lisbon',
      languages: ['en'],
      capacity: 1,
    });
    const session = (
      await api<{ sessions: { id: string }[] }>('POST', `/api/events/${event.id}/sessions`, {
        name: { en: 'Fado stop' },
        start: '2027-10-02T21:30',
        end: '2027-10-02T22:00',
        room: 'Alfama',
      })
    ).sessions[0]!.id;
    await api('POST', `/api/events/${event.id}/passes`, { name: { en: 'Walker' }, sessionIds: [session] });
    await api('POST', `/api/events/${event.id}/publish`);

    const first = await suite.browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 800 },
    });
    const page = await first.newPage();
    await page.goto(`${suite.server.origin}/events/${event.slug}`);
    await page.getByRole('heading', { name: 'Register' }).waitFor();
    await page.getByLabel('Walker').check();
    await page.getByLabel('Fado stop').check();
    await page.getByLabel('First name').fill('Inês');
    await page.getByLabel('Last name').fill('Costa');
    await page.getByLabel('Email address').fill('ines@walk.test');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'You are registered' }).waitFor();
    expect(await page.getByText('You are registered for Night walk.').count()).toBe(1);
    await first.close();

    const second = await suite.browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const full = await second.newPage();
    await full.goto(`${suite.server.origin}/events/${event.slug}`);
    await full.getByText('This event is full.').waitFor();
    await full.getByLabel('Email address').fill('tomas@walk.test');
    await full.getByLabel('First name').fill('Tomás');
    await full.getByRole('button', { name: 'Join the waitlist' }).click();
    await full.getByRole('heading', { name: 'You are on the waitlist' }).waitFor();
    await second.close();

    // The same pages checked by axe-core and shot at 1280 and 390 px (both need scripts in the browser:
    // the pages have none of their own).
    const checked = await suite.newContext();
    const third = await checked.newPage();
    await third.goto(`${suite.server.origin}/events/${event.slug}`);
    await third.getByLabel('Email address').fill('rita@walk.test');
    await expectNoSeriousAxeViolations(third);
    await screenshotPage(third, 'event-registration-full');
    await third.getByRole('button', { name: 'Join the waitlist' }).click();
    await third.getByRole('heading', { name: 'You are on the waitlist' }).waitFor();
    await expectNoSeriousAxeViolations(third);
    await screenshotPage(third, 'event-registration-waitlisted');

    const rows = await api<{ registrations: { status: string; sessionIds: string[] }[] }>(
      'GET',
      `/api/events/${event.id}/registrations`,
    );
    expect(rows.registrations.map((r) => r.status)).toEqual(['registered', 'waitlisted', 'waitlisted']);
    expect(rows.registrations[0]!.sessionIds).toEqual([session]);
  }, 120_000);

  it('shows the form and the waitlist page in German, readable on a phone', async () => {
    const event = await api<{ id: string; slug: string }>('POST', '/api/events', {
      name: { de: 'Nachtwanderung durch die Altstadt' },
      description: { de: 'Eine Führung durch die Altstadt nach Einbruch der Dunkelheit.' },
      timeZone: 'Europe/Berlin',
      start: '2027-10-02T20:00',
      end: '2027-10-02T23:00',
      venue: 'Marktplatz, Heidelberg',
      languages: ['de'],
      capacity: 1,
    });
    await api('POST', `/api/events/${event.id}/passes`, { name: { de: 'Wanderticket' } });
    await api('POST', `/api/events/${event.id}/publish`);
    const context = await suite.newContext();
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/events/${event.slug}`);
    await page.getByRole('heading', { name: 'Anmelden', level: 2 }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByLabel('Vorname').fill('Jonas');
    await page.getByLabel('E-Mail-Adresse').fill('jonas@walk.test');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-registration-de');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Sie sind angemeldet' }).waitFor();

    await page.goto(`${suite.server.origin}/events/${event.slug}`);
    await page.getByText('Diese Veranstaltung ist ausgebucht.').waitFor();
    await page.getByLabel('E-Mail-Adresse').fill('mia@walk.test');
    await page.getByRole('button', { name: 'Auf die Warteliste' }).click();
    await page.getByRole('heading', { name: 'Sie stehen auf der Warteliste' }).waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-waitlisted-de');
  }, 120_000);
});
