// The contact's timeline in the dashboard reads as sentences naming things, not ids: an email's offer
// claimed and the email forwarded (a send's recipient, their links as received), a list left and another
// joined (consent changes), a place on an event's waitlist held, taken and checked in at, and a registration
// at another event cancelled. Each line is checked for its words and the names it shows; none shows an id.
import { describe, expect, it } from 'vitest';
import { passCodeFor } from '../../src/events/check-in/pass-code.ts';
import { offerToken } from '../../src/events/waitlist-links.ts';
import { chromiumPath } from '../helpers/browser.ts';
import { createSendFixture, pathOf } from '../helpers/email-fixtures.ts';
import { CHROME_UA } from '../helpers/spoor.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';
import { createContact, createList } from '../support/factories.ts';
import { nextMillisecond, waitFor } from '../support/wait-for.ts';

const EVENT = {
  timeZone: 'Europe/Paris',
  start: '2027-09-14T09:00',
  end: '2027-09-14T18:00',
  languages: ['en'],
};

describe.skipIf(!chromiumPath)('dashboard: the contact timeline', () => {
  const suite = setUpDashboardSuite('sqlite', { formRateLimit: 100_000 });

  it('shows registrations, cancellations, waitlist moves, check-ins, forwards, consent and offer claims readably', async () => {
    const { spoor, origin } = suite.server;
    const api = async <T = Record<string, unknown>>(
      method: 'POST' | 'DELETE',
      url: string,
      payload?: object,
    ) => {
      const res = await spoor.app.inject({
        method,
        url,
        headers: spoor.auth,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return (res.body ? res.json() : {}) as T;
    };

    // An email carrying an offer and the forward form, as the recipient got it.
    const offer = await api<{ id: string }>('POST', '/api/offers', {
      name: 'Autumn tasting: a free glass',
      claimUrl: 'https://shop.example/tasting',
      startsAt: '2026-01-01T00:00',
      endsAt: '2030-01-01T00:00',
      timeZone: 'Europe/Paris',
    });
    const fixture = await createSendFixture(spoor, {
      html: `<p><a href='{{ offer "${offer.id}" }}'>Claim your glass</a> · <a href="{{ forward_url }}">Forward</a> · <a href="{{ subscription_center_url }}">Your lists</a></p>`,
      recipients: [{ firstName: 'Ada', tracking: true }],
    });
    await spoor.storage.db
      .insertInto('send_offers')
      .values({ send_id: fixture.sendId, offer_id: offer.id })
      .execute();
    const ada = fixture.contacts[0]!;
    const claimed = await spoor.app.inject({
      url: pathOf(ada.urls.offer!(offer.id)),
      headers: { 'user-agent': CHROME_UA },
    });
    expect(claimed.statusCode).toBe(302);
    expect(claimed.headers.location).toBe('https://shop.example/tasting');
    const forwarded = await spoor.app.inject({
      method: 'POST',
      url: '/forward',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams([
        ['token', new URL(ada.urls.forward).searchParams.get('token')!],
        ['email', 'friend@friends.example'],
      ]).toString(),
    });
    expect(forwarded.statusCode).toBe(200);

    // Consent: in the subscription center (from the email), Ada joins a list, then leaves it.
    const garden = await createList(spoor, 'Garden club', { public: true });
    const center = (ticked: string[]) =>
      spoor.app.inject({
        method: 'POST',
        url: '/subscriptions',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        payload: new URLSearchParams([
          ['token', new URL(ada.urls.subscriptionCenter).searchParams.get('token')!],
          ['action', 'save'],
          ['shown', garden],
          ...ticked.map((id) => ['list', id]),
        ]).toString(),
      });
    expect((await center([garden])).statusCode).toBe(200);
    await nextMillisecond();
    expect((await center([])).statusCode).toBe(200);
    await waitFor('both consent changes in the history', async () => {
      const res = await spoor.app.inject({ url: `/api/contacts/${ada.id}/history`, headers: spoor.auth });
      return (
        (res.json() as { items: { type: string }[] }).items.filter((i) => i.type === 'consent').length === 2
      );
    });

    // A full event: Ada waits, Bob's cancellation frees his place, it is held for Ada, she takes it and is
    // checked in at the door. At another event she registers and cancels.
    const fair = await api<{ id: string }>('POST', '/api/events', {
      ...EVENT,
      name: { en: 'Harvest fair' },
      capacity: 1,
    });
    await api('POST', `/api/events/${fair.id}/publish`);
    const bob = await createContact(spoor, { email: 'bob@mail.test', firstName: 'Bob' });
    const bobs = await api<{ id: string }>('POST', `/api/events/${fair.id}/registrations`, {
      contactId: bob,
    });
    const adas = await api<{ id: string; status: string }>('POST', `/api/events/${fair.id}/registrations`, {
      contactId: ada.id,
      waitlist: true,
    });
    expect(adas.status).toBe('waitlisted');
    await api('POST', `/api/events/${fair.id}/registrations/${bobs.id}/cancel`);
    const held = await spoor.storage.db
      .selectFrom('event_registrations')
      .select('offered_at')
      .where('id', '=', adas.id)
      .executeTakeFirstOrThrow();
    const accepted = await spoor.app.inject({
      method: 'POST',
      url: '/events/waitlist/offer/accept',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      payload: new URLSearchParams({
        token: offerToken(fixture.secrets, adas.id, Number(held.offered_at)),
      }).toString(),
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const door = await api<{ verdict: string }>('POST', `/api/events/${fair.id}/check-ins`, {
      code: passCodeFor(fixture.secrets, adas.id),
    });
    expect(door.verdict).toBe('valid');
    const market = await api<{ id: string }>('POST', '/api/events', {
      ...EVENT,
      name: { en: 'Seed market' },
    });
    await api('POST', `/api/events/${market.id}/publish`);
    const atMarket = await api<{ id: string }>('POST', `/api/events/${market.id}/registrations`, {
      contactId: ada.id,
    });
    await api('POST', `/api/events/${market.id}/registrations/${atMarket.id}/cancel`);

    const { page } = await suite.signIn('analyst');
    await page.goto(`${origin}/app/contacts/${ada.id}`);
    const timeline = page.getByRole('list', { name: 'Interactions, newest first' });
    await timeline.getByText('Checked in at “Harvest fair”').waitFor();
    const lines = (await timeline.locator('.timeline-title').allTextContents()).map((l) => l.trim());
    for (const line of [
      'Claimed the offer “Autumn tasting: a free glass”',
      'Subscribed to Garden club',
      'Unsubscribed from Garden club',
      'Joined the waitlist for “Harvest fair”',
      'Was offered a freed place at “Harvest fair”',
      'Took the place offered at “Harvest fair”',
      'Checked in at “Harvest fair”',
      'Registered for “Seed market”',
      'Cancelled their registration for “Seed market”',
    ])
      expect(
        lines.some((l) => l.startsWith(line)),
        `“${line}” in:\n${lines.join('\n')}`,
      ).toBe(true);
    expect(
      lines.some((l) => /^Forwarded “.+” to 1 address$/.test(l)),
      lines.join('\n'),
    ).toBe(true);
    // Newest first: the cancellation above the registration it ended; the check-in above taking the place.
    const at = (start: string) => lines.findIndex((l) => l.startsWith(start));
    expect(at('Cancelled their registration for')).toBeLessThan(at('Registered for “Seed market”'));
    expect(at('Checked in at')).toBeLessThan(at('Took the place offered at'));
    expect(at('Took the place offered at')).toBeLessThan(at('Joined the waitlist for'));
    // Names, never ids (nor a raw kind).
    const ids = [ada.id, offer.id, fixture.sendId, fair.id, market.id, adas.id, atMarket.id, garden];
    for (const line of lines) {
      for (const id of ids) expect(line, line).not.toContain(id);
      expect(line, line).not.toMatch(/\b(event|offer|list|email)_[a-z_]+\b/);
    }
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'contact-timeline-events');
  }, 120_000);
});
