// The confirmation email in Chromium: a contact registers through the API for an event in Tokyo time, the
// email arrives at the loopback SMTP sink (sent by the running job runner), and its HTML part is opened as
// a mail client would show it, at 1280 and 390 px (nothing wider than the phone), with axe-core; the
// event page's "Add to calendar" link downloads a file a calendar reads.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, screenshotPage } from '../support/dashboard.ts';
import { setUpEventSiteSuite } from '../support/event-site.ts';
import { waitFor } from '../support/wait-for.ts';

describe.skipIf(!chromiumPath)('browser: the event confirmation email', () => {
  const suite = setUpEventSiteSuite();
  const api = suite.api;

  it('shows the confirmation readably on a desktop and a phone, and passes axe', async () => {
    const event = await api<{ id: string; slug: string }>('POST', '/api/events', {
      name: { en: 'Tokyo product forum: what is new in the spring release' },
      description: { en: 'Talks, demos and a long lunch.' },
      timeZone: 'Asia/Tokyo',
      start: '2027-04-02T09:00',
      end: '2027-04-02T17:00',
      venue: 'Tokyo International Forum, Hall B7, 3-5-1 Marunouchi, Chiyoda-ku',
      onlineUrl: 'https://meet.example/tokyo-forum-spring-release-stream',
      languages: ['en'],
    });
    const withSessions = await api<{ sessions: { id: string }[] }>(
      'POST',
      `/api/events/${event.id}/sessions`,
      {
        name: { en: 'Keynote: the roadmap' },
        start: '2027-04-02T09:30',
        end: '2027-04-02T10:30',
        room: 'B7',
      },
    );
    const pass = await api<{ passes: { id: string }[] }>('POST', `/api/events/${event.id}/passes`, {
      name: { en: 'Full day' },
    });
    await api('POST', `/api/events/${event.id}/publish`);
    const contact = await api<{ id: string }>('POST', '/api/contacts', {
      email: 'mika@example.com',
      firstName: 'Mika',
    });
    await api('POST', `/api/events/${event.id}/registrations`, {
      contactId: contact.id,
      passId: pass.passes[0]!.id,
      sessionIds: [withSessions.sessions[0]!.id],
    });
    const mail = await waitFor('the confirmation email', () => suite.sink.receivedBy('mika@example.com')[0]);
    const html = mail.parsed.html;
    expect(html).toBeTruthy();

    const context = await suite.newContext();
    const page = await context.newPage();
    // Opened from an address of its own, as a mail client shows a message (init scripts such as axe run).
    await page.route('https://mail.test/confirmation', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: html as string }),
    );
    await page.goto('https://mail.test/confirmation');
    await expect(page.getByRole('heading', { level: 1 })).toBeDefined();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Tokyo product forum: what is new in the spring release',
    );
    const body = await page.locator('body').textContent();
    expect(body).toContain('Asia/Tokyo (UTC+09:00)');
    expect(body).toContain('09:00');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-confirmation-email');

    // "Add to calendar" on the event page: the file it links to is a calendar in Tokyo time.
    const eventPage = await context.newPage();
    await eventPage.goto(`${suite.server.origin}/events/${event.slug}`);
    const link = eventPage.getByRole('link', { name: 'Add to calendar' });
    const href = await link.getAttribute('href');
    expect(href).toBe(`/events/${event.slug}/calendar.ics`);
    const download = await eventPage.request.get(`${suite.server.origin}${href}`);
    expect(download.headers()['content-type']).toMatch(/^text\/calendar/);
    const root = new ICAL.Component(ICAL.parse(await download.text()));
    for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const vevent = new ICAL.Event(root.getFirstSubcomponent('vevent')!);
    expect(vevent.startDate.toString()).toBe('2027-04-02T09:00:00');
    expect(vevent.startDate.toJSDate().toISOString()).toBe('2027-04-02T00:00:00.000Z');
    await expectNoSeriousAxeViolations(eventPage);
  });
});
