// An event's insights in a real Chromium, read by an analyst: the figures (registered, waitlisted,
// cancelled, checked in, places left), the per pass and per session tables, the chart per day, and a
// figure's link to the registrants behind it, whose CSV downloads. Screenshots at desktop and 390 px,
// and axe on both pages. Waitlist, cancellation and check-in states are set in the database (those
// features are built beside this one).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';

const XSS = '<img src=x onerror="window.__xss=1">';

describe.skipIf(!chromiumPath)('dashboard: event insights', () => {
  const suite = setUpDashboardSuite();

  it('shows an analyst the figures of an event and the registrants behind one, with a CSV', async () => {
    const { spoor, origin } = suite.server;
    const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await spoor.app.inject({
        method,
        url,
        headers: spoor.auth,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json();
    };
    const start = Date.now() + 20 * 86_400_000;
    const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;
    const event = await api('POST', '/api/events', {
      name: { en: `Spring summit ${XSS}` },
      timeZone: 'Europe/Paris',
      start: iso(start),
      end: iso(start + 8 * 3_600_000),
      languages: ['en'],
      capacity: 40,
    });
    const id = event.id as string;
    const keynote = (
      await api('POST', `/api/events/${id}/sessions`, {
        name: { en: 'Keynote' },
        start: iso(start + 3_600_000),
        end: iso(start + 2 * 3_600_000),
        capacity: 30,
      })
    ).sessions[0].id as string;
    const dayPass = (
      await api('POST', `/api/events/${id}/passes`, { name: { en: 'Day pass' }, capacity: 25 })
    ).passes[0].id as string;
    const vip = (
      await api('POST', `/api/events/${id}/passes`, {
        name: { en: 'VIP' },
        capacity: 5,
        sessionIds: [keynote],
      })
    ).passes.find((p: { id: string }) => p.id !== dayPass).id as string;
    await api('POST', `/api/events/${id}/publish`);

    const regs: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const contact = await api('POST', '/api/contacts', {
        email: `guest${i}@summit.example`,
        firstName: i === 0 ? XSS : `Guest${i}`,
      });
      const registration = await api('POST', `/api/events/${id}/registrations`, {
        contactId: contact.id,
        ...(i % 3 === 0
          ? { passId: vip, sessionIds: [keynote] }
          : { passId: dayPass, sessionIds: [keynote] }),
      });
      regs.push(registration.id);
    }
    // Registrations spread over a week; two cancelled, two waitlisted, three checked in.
    const db = spoor.storage.db;
    const base = Date.now() - 7 * 86_400_000;
    for (const [i, reg] of regs.entries()) {
      const values: Record<string, unknown> = { created_at: base + i * 43_200_000 };
      if (i === 4 || i === 5)
        Object.assign(values, { status: 'cancelled', cancelled_at: base + 6 * 86_400_000 });
      if (i === 10 || i === 11) values['status'] = 'waitlisted';
      if (i < 3) Object.assign(values, { checked_in_at: Date.now() - 3_600_000, checked_in_by: 'door' });
      await db.updateTable('event_registrations').set(values).where('id', '=', reg).execute();
    }

    const { page } = await suite.signIn('analyst');
    await page.goto(`${origin}/app/events/${id}`);
    await page.getByRole('link', { name: 'Insights' }).click();
    await page.getByRole('heading', { name: `Spring summit ${XSS}: insights`, level: 1 }).waitFor();
    const stat = (label: string) =>
      page.locator('.stat', { has: page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) });
    expect(await stat('Registered').locator('.stat-value').textContent()).toBe('8');
    expect(await stat('Waitlisted').locator('.stat-value').textContent()).toBe('2');
    expect(await stat('Cancelled').locator('.stat-value').textContent()).toBe('2');
    expect(await stat('Checked in').locator('.stat-value').textContent()).toBe('3');
    expect(await stat('No-shows').locator('.stat-value').textContent()).toBe('–');
    expect(await stat('Places left').locator('.stat-value').textContent()).toBe('28');
    const passes = page.getByRole('table', { name: 'Registrations per pass' });
    // VIP: guests 0, 3, 6, 9: all registered, 0 checked in; then capacity 5, 1 place left.
    expect(await passes.getByRole('row', { name: /VIP/ }).locator('td').allTextContents()).toEqual([
      '4',
      '0',
      '0',
      '1',
      '–',
      '5',
      '1',
    ]);
    const sessions = page.getByRole('table', { name: 'Registrations per session' });
    expect(
      await sessions
        .getByRole('row', { name: /Keynote/ })
        .locator('td')
        .first()
        .textContent(),
    ).toBe('8');
    await page.getByRole('img', { name: /per day/ }).waitFor();
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss ?? null)).toBeNull();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-insights');

    // Checked in → the three who did, with a CSV of them.
    await stat('Checked in').getByRole('link', { name: '3' }).click();
    await page.getByRole('heading', { name: 'Checked in', level: 1 }).waitFor();
    await page.getByText(`Spring summit ${XSS} ·`).waitFor();
    const table = page.getByRole('table', { name: 'Checked in' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    expect(await table.locator('tbody').textContent()).toContain('guest1@summit.example');
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss ?? null)).toBeNull();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-registrants');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`event-${id.replace(/[^A-Za-z0-9_-]/g, '')}-checked_in.csv`);
    const lines = (await readFile((await download.path()) as string, 'utf8')).trim().split('\r\n');
    expect(lines).toHaveLength(4);
    // An id may start with '-' (1 in 64): the CSV neutralises it as it would a formula.
    expect(lines.slice(1).map((l) => l.split(',')[0]?.replace(/^'/, ''))).toEqual(regs.slice(0, 3));

    // Per pass: VIP's registered leads to its four.
    await page.getByRole('link', { name: 'Back to the insights' }).click();
    await passes.getByRole('row', { name: /VIP/ }).getByRole('link', { name: '4' }).click();
    await page.getByRole('heading', { name: 'Registered · VIP', level: 1 }).waitFor();
    await expect
      .poll(() => page.getByRole('table', { name: 'Registered · VIP' }).locator('tbody tr').count())
      .toBe(4);
  });
});
