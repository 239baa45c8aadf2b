// The event website's browser suites share this: one dashboard suite whose Spoor mails a loopback SMTP sink
// (the job runner on), the admin API as the suites call it, and the contact's sign-in by the emailed link —
// taken from the sign-in email that arrives after asking (a contact also gets confirmations, and an earlier
// test's used link may be the newest mail).
import jsQRModule from 'jsqr';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, expect } from 'vitest';
import type { Config } from '../../src/config.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { type DashboardSuite, setUpDashboardSuite } from './dashboard.ts';
import { waitFor } from './wait-for.ts';

export interface EventSiteSuite extends DashboardSuite {
  /** The loopback SMTP sink Spoor sends to. */
  readonly sink: SmtpSink;
  /** The admin API (an API key with every scope); fails unless it answers 2xx. */
  api<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ): Promise<T>;
}

/** Registers the hooks (call inside describe): an SMTP sink, then Spoor (SQLite, workers on) and Chromium. */
export function setUpEventSiteSuite(overrides: Partial<Config> = {}): EventSiteSuite {
  let sink: SmtpSink | undefined;
  beforeAll(async () => {
    sink = await startSmtpSink();
    return () => sink?.close();
  });
  const suite = setUpDashboardSuite(
    'sqlite',
    () => ({
      smtp: smtpConfigFor(sink!, { pool: 1 }),
      sendPollMs: 50,
      formRateLimit: 100_000,
      ...overrides,
    }),
    { workers: true },
  );
  return {
    get server() {
      return suite.server;
    },
    get browser() {
      return suite.browser;
    },
    newContext: () => suite.newContext(),
    signIn: (role) => suite.signIn(role),
    get sink() {
      if (!sink) throw new Error('The SMTP sink is not started yet.');
      return sink;
    },
    async api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<T> {
      const spoor = suite.server.spoor;
      const res = await spoor.app.inject({
        method,
        url,
        headers: spoor.auth,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json() as T;
    },
  };
}

// jsqr is CommonJS: under Node's ESM its default import is module.exports, whose `default` is the function.
const jsQR = jsQRModule.default;

const SIGN_IN_LINK = /https?:\/\/[^\s/]+\/events\/portal\/sign-in\/link\?token=[^\s"<>]+/;

/** The sign-in link in the first sign-in email `to` received after it had `before` emails. */
export function signInLinkAfter(sink: SmtpSink, to: string, before: number): Promise<string> {
  return waitFor(
    `a sign-in email to ${to} after its ${before} earlier emails`,
    () =>
      sink
        .receivedBy(to)
        .slice(before)
        .map((mail) => SIGN_IN_LINK.exec(mail.parsed.text ?? '')?.[0])
        .find((link) => link !== undefined) ?? false,
    20_000,
  );
}

/** On the sign-in form the page shows, asks for a link for `email`; answers the link emailed for it. */
export async function askForSignInLink(page: Page, sink: SmtpSink, email: string): Promise<string> {
  const before = sink.receivedBy(email).length;
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  return signInLinkAfter(sink, email, before);
}

/** Signs the contact in to the portal by the emailed link; resolves on "Your registrations". */
export async function signInToPortal(page: Page, origin: string, sink: SmtpSink, email: string) {
  await page.goto(`${origin}/events/portal/sign-in`);
  await page.goto(await askForSignInLink(page, sink, email));
  await page.getByRole('button', { name: 'Sign me in' }).click();
  await page.getByRole('heading', { name: 'Your registrations' }).waitFor();
}

/** The text of the QR code an `<img>` shows: its pixels read through a canvas, decoded by jsqr (a phone's camera). */
export async function decodeQrImage(image: Locator): Promise<string | null> {
  await image.waitFor();
  const pixels = await image.evaluate((img: HTMLImageElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context2d = canvas.getContext('2d')!;
    context2d.drawImage(img, 0, 0);
    const data = context2d.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, data: Array.from(data.data) };
  });
  return jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height)?.data ?? null;
}
