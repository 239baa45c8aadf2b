// The whole event journey in Chromium, each step as a person takes it: a marketer's invitation goes out as
// a real send through the loopback SMTP sink; the contact opens it and clicks the event link (Spoor's
// tracked redirect) to the event page, signs in by the link emailed to them, registers with a pass and a
// session; the confirmation email arrives with an iCalendar invitation that ical.js reads (METHOD:REQUEST,
// the UID the portal's download repeats, the times right in the event's zone, Berlin); the pass's QR code on
// the portal is decoded with jsqr; a marketer checks it in on the dashboard's check-in page; and the
// contact's timeline shows the click, the registration and the check-in.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations } from '../support/dashboard.ts';
import { askForSignInLink, decodeQrImage, setUpEventSiteSuite } from '../support/event-site.ts';
import { createContact, createList, createMessage, createVia } from '../support/factories.ts';
import { waitFor } from '../support/wait-for.ts';

/** The VEVENT of an iCalendar text, its zones registered, as a calendar application reads it. */
function readCalendar(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const vevent = new ICAL.Event(root.getFirstSubcomponent('vevent')!);
  return { method: root.getFirstPropertyValue('method'), vevent };
}

describe.skipIf(!chromiumPath)('browser: the event journey, from the invitation to the timeline', () => {
  const suite = setUpEventSiteSuite();

  it('invitation → event page → sign-in → registration → .ics → QR → check-in → timeline', async () => {
    const { spoor, origin } = suite.server;
    const { api, sink } = suite;
    const address = 'lena@journey.test';

    // The event: Berlin time (UTC+2 in June), a pass opening one session.
    const event = await api<{ id: string; slug: string }>('POST', '/api/events', {
      name: { en: 'Berlin data day' },
      description: { en: 'Talks about engagement data.' },
      timeZone: 'Europe/Berlin',
      start: '2027-06-10T09:00',
      end: '2027-06-10T17:00',
      venue: 'Kulturbrauerei, Berlin',
      languages: ['en'],
      capacity: 50,
    });
    const session = (
      await api<{ sessions: { id: string }[] }>('POST', `/api/events/${event.id}/sessions`, {
        name: { en: 'Measuring what matters' },
        start: '2027-06-10T10:00',
        end: '2027-06-10T11:00',
        room: 'Maschinenhaus',
      })
    ).sessions[0]!.id;
    await api('POST', `/api/events/${event.id}/passes`, {
      name: { en: 'Day ticket' },
      sessionIds: [session],
    });
    await api('POST', `/api/events/${event.id}/publish`);

    // The invitation: a real send to a list holding the contact, through the sink.
    const contactId = await createContact(spoor, { email: address, firstName: 'Lena', lastName: 'Vogel' });
    const list = await createList(spoor, 'Event invitations');
    await createVia(spoor, `/api/lists/${list}/members`, { contactIds: [contactId] }, 200);
    const messageId = await createMessage(spoor, {
      subject: 'You are invited: Berlin data day',
      html: `<p>Hi {{ contact.first_name }},</p><p><a id="event" href="${origin}/events/${event.slug}">See the programme and register</a></p>`,
    });
    const send = await createVia<{ id: string }>(spoor, '/api/sends', { messageId, listIds: [list] }, 202);
    const invitation = await waitFor('the invitation email', () => sink.receivedBy(address)[0], 20_000);
    const html = String(invitation.parsed.html);
    expect(html).toContain(`${origin}/e/c/`);
    await waitFor(
      'the send to be recorded as done',
      async () => (await api<{ status: string }>('GET', `/api/sends/${send.id}`)).status === 'done',
      20_000,
    );
    // A person reads later than a gateway scans on delivery: move the delivery back.
    await spoor.storage.db
      .updateTable('send_recipients')
      .set({ sent_at: Date.now() - 600_000 })
      .where('send_id', '=', send.id)
      .execute();

    // The contact opens the email and clicks the event link: Spoor's redirect lands on the event page.
    const context = await suite.newContext();
    const page = await context.newPage();
    await page.setContent(html);
    await Promise.all([page.waitForURL(`${origin}/events/${event.slug}`), page.click('#event')]);
    await page.getByRole('heading', { name: 'Berlin data day', level: 1 }).waitFor();

    // Sign in by the emailed link, from the event website's own navigation.
    await page.getByRole('link', { name: 'Your registrations' }).first().click();
    await page.getByRole('heading', { name: 'Sign in to the event website' }).waitFor();
    await page.goto(await askForSignInLink(page, sink, address));
    await page.getByRole('button', { name: 'Sign me in' }).click();
    await page.getByRole('heading', { name: 'Your registrations' }).waitFor();
    await page.getByText('You have no registrations yet.').waitFor();

    // Register on the event page, signed in: no fields to retype; a pass and a session.
    const mailsBefore = sink.receivedBy(address).length;
    await page.goto(`${origin}/events/${event.slug}`);
    await page.getByText(`Registering as ${address}.`).waitFor();
    await page.getByLabel('Day ticket').check();
    await page.getByLabel('Measuring what matters').check();
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'You are registered' }).waitFor();
    await expectNoSeriousAxeViolations(page);

    // The confirmation email: an invitation a calendar reads, at 09:00 Berlin time (07:00 UTC).
    const confirmation = await waitFor(
      'the confirmation email',
      () =>
        sink
          .receivedBy(address)
          .slice(mailsBefore)
          .find((m) => m.parsed.subject === 'You are registered: Berlin data day'),
      20_000,
    );
    const ics = confirmation.parsed.attachments.find((a) => a.filename === 'invite.ics');
    expect(ics).toBeDefined();
    const { method, vevent } = readCalendar(ics!.content.toString('utf8'));
    expect(method).toBe('REQUEST');
    expect(vevent.summary).toBe('Berlin data day');
    expect(vevent.startDate.zone?.tzid).toBe('Europe/Berlin');
    expect(vevent.startDate.toString()).toBe('2027-06-10T09:00:00');
    expect(vevent.startDate.toJSDate().toISOString()).toBe('2027-06-10T07:00:00.000Z');
    expect(vevent.endDate.toJSDate().toISOString()).toBe('2027-06-10T15:00:00.000Z');
    expect(vevent.uid).toMatch(/\S+@\S+/);

    // The portal: the registration, its calendar file (the same UID: one calendar entry), and the pass.
    await page.getByRole('link', { name: 'Your registrations' }).last().click();
    await page.getByRole('heading', { name: 'Your registrations' }).waitFor();
    const download = page.getByRole('link', { name: 'Add to calendar' });
    const portalIcs = await page.request.get(`${origin}${await download.getAttribute('href')}`);
    expect(portalIcs.status()).toBe(200);
    expect(readCalendar(await portalIcs.text()).vevent.uid).toBe(vevent.uid);
    const code = await decodeQrImage(
      page.getByRole('img', { name: 'Your pass: a QR code to show at the entrance' }),
    );
    expect(code).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}$/);

    // At the door: a marketer types the decoded code on the dashboard's check-in page.
    const door = await suite.signIn('marketer');
    await door.page.goto(`${origin}/app/events/${event.id}/check-in`);
    await door.page.getByRole('heading', { name: 'Check-in: Berlin data day', level: 1 }).waitFor();
    await door.page.getByLabel('Pass code').fill(code!);
    await door.page.getByRole('button', { name: 'Check in', exact: true }).click();
    const result = door.page.locator('.checkin-result');
    await result.getByText('Valid', { exact: true }).waitFor();
    await result.getByText('Lena Vogel').waitFor();
    await result.getByText('Pass: Day ticket').waitFor();
    await door.page.getByText('1 of 1 registered checked in').waitFor();

    // The contact's timeline: the click on the invitation, the registration and the check-in, in words.
    await door.page.goto(`${origin}/app/contacts/${contactId}`);
    const timeline = door.page.getByRole('list', { name: 'Interactions, newest first' });
    await timeline.getByText('Checked in at “Berlin data day”').waitFor();
    await timeline.getByText('Registered for “Berlin data day”').waitFor();
    await timeline.getByText('Clicked “You are invited: Berlin data day”').waitFor();
    const lines = await timeline.locator('.timeline-title').allTextContents();
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    // Newest first: the check-in, then the registration, then the click that started it.
    expect(at('Checked in at')).toBeLessThan(at('Registered for'));
    expect(at('Registered for')).toBeLessThan(at('Clicked “You are invited'));
    // Names, never ids or raw kinds.
    for (const id of [event.id, contactId, send.id, list]) expect(lines.join('\n')).not.toContain(id);
    expect(lines.join('\n')).not.toMatch(/\bevent_[a-z_]+/);
    await expectNoSeriousAxeViolations(door.page);
  }, 180_000);
});
