// Check-in in Chromium: a registered contact signs in to the event portal by the emailed link and sees their
// pass's QR code; the test reads the image's pixels and decodes them with jsqr (as a phone's camera would);
// a marketer types the code on the dashboard's check-in page and sees "Valid", then "Already checked in"
// with when and by whom; the check-in is in the contact's timeline. The camera path runs too: Chromium's
// fake camera shows a picture of the pass, and the page checks it in. Screenshots at 1280 and 390 px, axe.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import {
  expectNoSeriousAxeViolations,
  makeUser,
  screenshotPage,
  signInThroughForm,
} from '../support/dashboard.ts';
import { decodeQrImage, setUpEventSiteSuite, signInToPortal } from '../support/event-site.ts';

describe.skipIf(!chromiumPath)('browser: check-in at the door', () => {
  const suite = setUpEventSiteSuite();
  const api = suite.api;
  let eventId = '';
  let code = '';

  /** A contact registered for a published event with a pass and a session. */
  async function registeredContact(email: string, firstName: string): Promise<string> {
    const contact = await api<{ id: string }>('POST', '/api/contacts', {
      email,
      firstName,
      lastName: 'Okafor',
    });
    const event = await api<{ passes: { id: string }[]; sessions: { id: string }[] }>(
      'GET',
      `/api/events/${eventId}`,
    );
    await api('POST', `/api/events/${eventId}/registrations`, {
      contactId: contact.id,
      passId: event.passes[0]!.id,
      sessionIds: [event.sessions[0]!.id],
    });
    return contact.id;
  }

  it('shows the pass as a QR code in the portal that decodes to the pass code', async () => {
    const event = await api<{ id: string }>('POST', '/api/events', {
      name: { en: 'Harbour summit' },
      slug: 'harbour-summit',
      timeZone: 'Europe/Lisbon',
      start: '2027-05-20T09:00',
      end: '2027-05-20T17:00',
      languages: ['en'],
    });
    eventId = event.id;
    const withSession = await api<{ sessions: { id: string }[] }>('POST', `/api/events/${eventId}/sessions`, {
      name: { en: 'Opening talk' },
      start: '2027-05-20T09:30',
      end: '2027-05-20T10:30',
    });
    await api('POST', `/api/events/${eventId}/passes`, {
      name: { en: 'Full pass' },
      sessionIds: [withSession.sessions[0]!.id],
    });
    await api('POST', `/api/events/${eventId}/publish`);
    await registeredContact('nia@reader.test', 'Nia');

    const context = await suite.newContext();
    const page = await context.newPage();
    await signInToPortal(page, suite.server.origin, suite.sink, 'nia@reader.test');
    const image = page.getByRole('img', { name: 'Your pass: a QR code to show at the entrance' });
    // The image's pixels, read through a canvas, decoded by jsqr here in the test.
    const read = await decodeQrImage(image);
    expect(read).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}$/);
    code = read!;
    // The code is printed beneath for typing, and holds nothing personal: only the registration's id.
    await page.getByText(code).waitFor();
    expect(code).not.toMatch(/nia|reader|okafor/i);
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-portal-pass');
  }, 60_000);

  it('checks the pass in once from the dashboard, then answers already checked in, and the timeline shows it', async () => {
    const { page, user } = await suite.signIn('marketer');
    await page.goto(`${suite.server.origin}/app/events/${eventId}`);
    await page.getByRole('link', { name: 'Check-in' }).click();
    await page.getByRole('heading', { name: 'Check-in: Harbour summit', level: 1 }).waitFor();
    await page.getByText('0 of 1 registered checked in').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-check-in-empty');

    const result = page.locator('.checkin-result');
    expect(await result.getAttribute('aria-live')).toBe('assertive');
    await page.getByLabel('Pass code').fill(code);
    await page.getByRole('button', { name: 'Check in', exact: true }).click();
    await result.getByText('Valid', { exact: true }).waitFor();
    await result.getByText('Nia Okafor').waitFor();
    await result.getByText('Pass: Full pass').waitFor();
    await result.getByText('Sessions: Opening talk').waitFor();
    await page.getByText('1 of 1 registered checked in').waitFor();
    await page
      .getByRole('region', { name: 'Latest check-ins' })
      .getByRole('link', { name: 'Nia Okafor' })
      .waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-check-in-valid');

    // A second scan of the same pass: no second check-in, and who let them in.
    await page.getByLabel('Pass code').fill(` ${code.slice(0, 12)} ${code.slice(12)} `);
    await page.getByRole('button', { name: 'Check in', exact: true }).click();
    await result.getByText('Already checked in', { exact: true }).waitFor();
    await result.getByText(new RegExp(`Checked in .* by ${user.name}`)).waitFor();
    await page.getByText('1 of 1 registered checked in').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'event-check-in-already');

    // A made-up code: "Unknown", in words.
    await page.getByLabel('Pass code').fill('not-a-pass.AAAAAAAAAAAAAAAAAAAAAAAA');
    await page.getByRole('button', { name: 'Check in', exact: true }).click();
    await result.getByText('Unknown', { exact: true }).waitFor();
    await screenshotPage(page, 'event-check-in-unknown');

    await page
      .getByRole('region', { name: 'Latest check-ins' })
      .getByRole('link', { name: 'Nia Okafor' })
      .click();
    await page.getByText('Checked in at “Harbour summit”').waitFor();
  }, 90_000);

  it('shows an analyst the counts and the latest check-ins, without the scanner or the field', async () => {
    const { page } = await suite.signIn('analyst');
    await page.goto(`${suite.server.origin}/app/events/${eventId}/check-in`);
    await page.getByRole('heading', { name: 'Check-in: Harbour summit', level: 1 }).waitFor();
    await page.getByText('1 of 1 registered checked in').waitFor();
    await page.getByText('checking people in needs a marketer or an administrator').waitFor();
    expect(await page.getByRole('button', { name: 'Scan with the camera' }).count()).toBe(0);
    expect(await page.getByLabel('Pass code').count()).toBe(0);
    await expectNoSeriousAxeViolations(page);
  }, 60_000);

  it('checks a pass in from the camera (Chromium’s fake camera showing the QR code)', async () => {
    const otherId = await registeredContact('kofi@reader.test', 'Kofi');
    const context = await suite.newContext();
    const page = await context.newPage();
    await signInToPortal(page, suite.server.origin, suite.sink, 'kofi@reader.test');
    const otherCode = (await page.locator('figure.pass code').textContent())!;
    // The camera's picture: the QR code as a Y4M video (luma from the code's modules, neutral chroma).
    const video = join(tmpdir(), `spoor-pass-${process.pid}.y4m`);
    writeFileSync(video, qrVideo(otherCode));
    const browser = await chromium.launch({
      executablePath: chromiumPath!,
      headless: true,
      args: [
        '--no-sandbox',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      const door = await browser.newPage();
      const user = await makeUser(suite.server, 'marketer');
      await signInThroughForm(door, suite.server.origin, user.email, user.password);
      await door.goto(`${suite.server.origin}/app/events/${eventId}/check-in`);
      await door.getByRole('button', { name: 'Scan with the camera' }).click();
      const result = door.locator('.checkin-result');
      await result.getByText('Valid', { exact: true }).waitFor({ timeout: 30_000 });
      await result.getByText('Kofi Okafor').waitFor();
      // The pass stays in front of the camera: still one check-in.
      await door.getByText('2 of 2 registered checked in').waitFor();
      await door.getByRole('button', { name: 'Stop the camera' }).click();
    } finally {
      await browser.close();
    }
    const history = await api<{ items: { type: string }[] }>('GET', `/api/contacts/${otherId}/history`);
    expect(history.items.filter((i) => i.type === 'event_check_ins')).toHaveLength(1);
  }, 90_000);
});

/** A short Y4M video (640×480, 5 frames) of the QR code of `text`, black on white, for Chromium's fake camera. */
function qrVideo(text: string): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const width = 640;
  const height = 480;
  const scale = Math.floor((height - 40) / (size + 8));
  const left = Math.floor((width - size * scale) / 2);
  const top = Math.floor((height - size * scale) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < size * scale; y += 1)
    for (let x = 0; x < size * scale; x += 1)
      if (qr.modules.get(Math.floor(y / scale), Math.floor(x / scale)))
        luma[(top + y) * width + left + x] = 16;
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${width} H${height} F5:1 Ip A1:1 C420jpeg\n`),
    ...Array(5).fill(frame),
  ]);
}
