// Real-browser test rig: Debian's Chromium (playwright-core), a customer site on https://www.shop.test and
// Spoor on https://track.spoor.test, two registrable domains over TLS with one self-signed certificate.
// The customer site also reverse-proxies /spoor/* to Spoor, as docs/tracking.md tells operators to.

import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type LaunchOptions, type Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Config } from '../../src/config.ts';
import { pageviewRows } from '../../src/tracking/store.ts';
import { createTestDatabase, type TestDatabase } from './engines.ts';
import { freePort } from './server-process.ts';
import { CHROME_UA, type RunningSpoor, type StartOptions, startSpoor } from './spoor.ts';

const chromiumCandidate = process.env['CHROME_PATH'] || '/usr/bin/chromium';

/** Path of the Chromium binary, or undefined when this machine has none (the suite then skips, outside CI). */
export const chromiumPath: string | undefined = existsSync(chromiumCandidate) ? chromiumCandidate : undefined;

if (!chromiumPath) {
  const message = `Chromium not found at ${chromiumCandidate} (install Debian's "chromium" or set CHROME_PATH)`;
  if (process.env['CI']) throw new Error(`${message}: CI must run the browser suites.`);
  console.warn(`[spoor tests] ${message}: browser suites are skipped on this machine.`);
}

export interface Certificate {
  key: string;
  cert: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo, for --ignore-certificate-errors-spki-list. */
  spkiHash: string;
}

/** One self-signed certificate for every test host name. */
export async function makeCertificate(): Promise<Certificate> {
  const dns = ['*.shop.test', 'shop.test', '*.spoor.test', '*.other.test', 'localhost'];
  const pems = await generate([{ name: 'commonName', value: 'spoor-browser-tests' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...dns.map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const spki = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
  return { key: pems.private, cert: pems.cert, spkiHash: createHash('sha256').update(spki).digest('base64') };
}

/** A website as the admin API returns it. */
export interface WebsiteJson {
  id: string;
  name: string;
  allowedOrigins: string[];
  visitTimeoutMinutes: number;
  visitorCookieDays: number;
  gpcMode: 'anonymize' | 'ignore';
  snippets: { thirdParty: string; firstParty: string; outboundMarketingCompatible: string };
}

export interface Report {
  pageviews: number;
  anonymousPageviews: number;
  visits: number;
  uniqueVisitors: number;
  includesBots: boolean;
  topPages: { path: string; pageviews: number; engagedSeconds: number }[];
  [key: string]: unknown;
}

export interface TestSites {
  spoor: RunningSpoor;
  certificate: Certificate;
  /** https://www.shop.test:<port>, the customer's site. */
  shopOrigin: string;
  /** https://track.spoor.test:<port>, Spoor (its publicUrl). */
  trackOrigin: string;
  /** Serves `html` at `path` on the customer's site. */
  setPage(path: string, html: string): void;
  registerWebsite(settings?: Record<string, unknown>): Promise<WebsiteJson>;
  changeWebsite(id: string, settings: Record<string, unknown>): Promise<WebsiteJson>;
  /** Today's report (UTC), through the admin API. */
  report(websiteId: string, options?: { bots?: 'include' }): Promise<Report>;
  close(): Promise<void>;
}

export interface PageParts {
  title: string;
  /** Goes in <head>, before the snippet: consent hooks must exist before the script runs. */
  head?: string;
  body?: string;
  /** The tracking snippet, placed at the end of <body> as docs/tracking.md allows. */
  snippet: string;
}

/** A minimal HTML page carrying a tracking snippet. */
export function pageHtml({ title, head = '', body = '', snippet }: PageParts): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">${head}</head><body><h1>${title}</h1>${body}${snippet}</body></html>`;
}

/** Starts Spoor with TLS and the customer site (pages plus the /spoor/ proxy) on loopback. */
export async function startSites(
  database: TestDatabase,
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<TestSites> {
  const certificate = await makeCertificate();
  const spoorPort = await freePort();
  const trackHost = `track.spoor.test:${spoorPort}`;
  const trackOrigin = `https://${trackHost}`;
  const spoor = await startSpoor(
    database,
    {
      tls: { key: certificate.key, cert: certificate.cert },
      publicUrl: trackOrigin,
      trustProxy: true,
      collectRateLimit: 1_000_000,
      ...overrides,
    },
    options,
  );
  await spoor.app.listen({ port: spoorPort, host: '127.0.0.1' });

  const pages = new Map<string, string>();
  const shop = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/spoor/')) return proxyToSpoor(req, res, spoorPort, trackHost, certificate.cert);
    const html = pages.get(path);
    if (html === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  const shopOrigin = `https://www.shop.test:${(shop.address() as AddressInfo).port}`;

  const api = async (method: string, url: string, payload?: unknown) => {
    const res = await spoor.app.inject({
      method: method as 'GET',
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };

  return {
    spoor,
    certificate,
    shopOrigin,
    trackOrigin,
    setPage: (path, html) => pages.set(path, html),
    registerWebsite: (settings = {}) =>
      api('POST', '/api/websites', { name: 'Shop', allowedOrigins: [shopOrigin], ...settings }),
    changeWebsite: (id, settings) => api('PATCH', `/api/websites/${id}`, settings),
    report: (websiteId, options = {}) => {
      const today = new Date().toISOString().slice(0, 10);
      const bots = options.bots ? `&bots=${options.bots}` : '';
      return api('GET', `/api/websites/${websiteId}/report?from=${today}&to=${today}${bots}`);
    },
    close: async () => {
      shop.closeAllConnections();
      await new Promise<void>((resolve) => shop.close(() => resolve()));
      await spoor.close();
    },
  };
}

// Hop-by-hop headers belong to one connection and are never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
];

/** /spoor/X → /X on Spoor, as the nginx and Caddy configurations in docs/tracking.md do. */
function proxyToSpoor(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  trackHost: string,
  ca: string,
): void {
  const headers = { ...req.headers };
  for (const h of HOP_BY_HOP) delete headers[h];
  const forwardedFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = [forwardedFor, req.socket.remoteAddress].filter(Boolean).join(', ');
  headers['x-forwarded-proto'] = 'https';
  headers['x-forwarded-host'] = req.headers.host;
  headers.host = trackHost;
  const upstream = httpsRequest(
    {
      host: '127.0.0.1',
      port,
      servername: trackHost.split(':')[0],
      ca,
      method: req.method,
      path: req.url!.slice('/spoor'.length),
      headers,
    },
    (answer) => {
      const back = { ...answer.headers };
      for (const h of HOP_BY_HOP) delete back[h];
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`proxy error: ${error.message}`);
  });
  req.pipe(upstream);
}

export interface BrowserOptions {
  /** Launch with the profile preference that allows third-party cookies (Chromium blocks them by default). */
  thirdPartyCookies?: boolean;
  /**
   * Keep Playwright's automation defaults (navigator.webdriver = true, HeadlessChrome user agent). Off by
   * default: the normal tests must look like a person's browser or every visit is labelled a bot.
   */
  automated?: boolean;
  /** Global Privacy Control on, as the browser itself sends it: navigator.globalPrivacyControl and Sec-GPC: 1. */
  gpc?: boolean;
  /** Overrides the user agent (default: a desktop Chrome one; with `automated`, Chromium's own). */
  userAgent?: string;
  /** false: pages run no script at all (a visitor with JavaScript turned off). */
  javaScriptEnabled?: boolean;
  /** Lets the test inject scripts (axe-core) into pages whose Content-Security-Policy forbids inline ones. */
  bypassCSP?: boolean;
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

function launchOptions(certificate: Certificate, automated: boolean, gpc: boolean): LaunchOptions {
  return {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.test 127.0.0.1',
      // Trust exactly our test certificate (Chromium honours this only with a user data dir).
      `--ignore-certificate-errors-spki-list=${certificate.spkiHash}`,
      ...(automated ? [] : ['--disable-blink-features=AutomationControlled']),
      // Chromium's own GPC (the setting a user turns on): the property and the header on every request.
      ...(gpc ? ['--enable-features=GlobalPrivacyControl,GlobalPrivacyControlForce'] : []),
    ],
    // Playwright turns the back/forward cache off; visitors' browsers have it on, so we keep it.
    ignoreDefaultArgs: ['--disable-back-forward-cache', ...(automated ? [] : ['--enable-automation'])],
  };
}

/** A fresh Chromium profile (persistent, so its cookie preferences apply) with one open tab. */
export async function openBrowser(sites: TestSites, options: BrowserOptions = {}): Promise<TestBrowser> {
  if (!chromiumPath) throw new Error('Chromium is not available.');
  const profile = mkdtempSync(join(tmpdir(), 'spoor-chromium-'));
  if (options.thirdPartyCookies) {
    mkdirSync(join(profile, 'Default'));
    // 0 = allow all cookies; Chromium's default (1) blocks third-party cookies.
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({ profile: { cookie_controls_mode: 0 } }),
    );
  }
  const userAgent = options.userAgent ?? (options.automated ? undefined : CHROME_UA);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      ...launchOptions(sites.certificate, options.automated ?? false, options.gpc ?? false),
      ...(userAgent ? { userAgent } : {}),
      ...(options.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}),
      ...(options.bypassCSP ? { bypassCSP: true } : {}),
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed: Promise<void> | undefined;
  return {
    context,
    page,
    close: () => {
      closed ??= context.close().finally(() => rmSync(profile, { recursive: true, force: true }));
      return closed;
    },
  };
}

/** A hit as the script sent it to the collect endpoint. */
export type SentHit = Record<string, string | number | undefined>;

export interface CollectTraffic {
  /** Every body the page posted to a collect endpoint, in the order sent. */
  hits: SentHit[];
  /** The URL each of `hits` was posted to. */
  targets: string[];
  pageviews(): SentHit[];
  /** Resolves once every collect request sent so far has been answered (or failed). */
  settled(): Promise<void>;
}

/**
 * Watches what the tracking script sends from a page (fetch and sendBeacon alike). Playwright reports no
 * request a document sends while it unloads (the pagehide beacon), so those are checked in storage instead.
 */
export function watchCollect(page: Page): CollectTraffic {
  const hits: SentHit[] = [];
  const targets: string[] = [];
  let pending = 0;
  const isCollect = (url: string) => /\/c$/.test(new URL(url).pathname);
  page.on('request', (request) => {
    if (request.method() !== 'POST' || !isCollect(request.url())) return;
    pending += 1;
    targets.push(request.url());
    try {
      hits.push(JSON.parse(request.postData() ?? '{}'));
    } catch {
      hits.push({});
    }
  });
  const done = (request: { method(): string; url(): string }) => {
    if (request.method() === 'POST' && isCollect(request.url())) pending -= 1;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    hits,
    targets,
    pageviews: () => hits.filter((h) => h.t === 'pv'),
    settled: async () => {
      await waitFor('collect requests to be answered', () => pending <= 0);
    },
  };
}

/** Waiting for a condition lives in test/support; re-exported for the browser suites. */
export { waitFor } from '../support/wait-for.ts';

import { waitFor } from '../support/wait-for.ts';

/** A unique path prefix, so tests sharing one customer site never serve each other's pages. */
export function uniquePath(name: string): string {
  return `/${name}-${randomBytes(4).toString('hex')}`;
}

/** The page views Spoor stored for a website, as recorded (with their visit's browser and whole URL). */
export function storedPageviews(sites: TestSites, websiteId: string) {
  return pageviewRows(sites.spoor.storage.db)
    .where('pageviews.website_id', '=', websiteId)
    .orderBy('pageviews.occurred_at')
    .execute();
}

/** The visits Spoor stored for a website. */
export function storedVisits(sites: TestSites, websiteId: string) {
  return sites.spoor.storage.db
    .selectFrom('visits')
    .selectAll()
    .where('website_id', '=', websiteId)
    .orderBy('started_at')
    .execute();
}

/** Every spoor_* cookie the browser holds, on any domain. */
export async function spoorCookies(context: BrowserContext) {
  return (await context.cookies()).filter((c) => c.name.startsWith('spoor_'));
}

export interface BrowserSuite {
  /** The running sites (available inside tests and hooks). */
  readonly sites: TestSites;
  /** Opens a fresh browser profile; it is closed after the test. */
  open(options?: BrowserOptions): Promise<TestBrowser>;
  /** Waits until at least `n` page views of the website are stored, and returns them all. */
  pageviews(websiteId: string, n: number): ReturnType<typeof storedPageviews>;
}

/**
 * Registers the hooks of a browser suite (call inside describe): one SQLite database and one pair of sites
 * for the file, a fresh browser profile per test. SQLite only: storage parity between the engines is the
 * HTTP suite's job (test/tracking.test.ts); this suite is about what the browser does.
 */
export function setUpBrowserSuite(): BrowserSuite {
  let database: TestDatabase | undefined;
  let sites: TestSites | undefined;
  let open: TestBrowser[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    sites = await startSites(database);
  });
  afterEach(async () => {
    const closing = open;
    open = [];
    await Promise.all(closing.map((b) => b.close()));
  });
  afterAll(async () => {
    await sites?.close();
    await database?.drop();
  });
  return {
    get sites() {
      if (!sites) throw new Error('The sites are not started yet.');
      return sites;
    },
    async open(options) {
      if (!sites) throw new Error('The sites are not started yet.');
      const browser = await openBrowser(sites, options);
      open.push(browser);
      return browser;
    },
    pageviews(websiteId, n) {
      return waitFor(`${n} stored page view(s)`, async () => {
        const rows = await storedPageviews(this.sites, websiteId);
        return rows.length >= n && rows;
      });
    },
  };
}

/** An admin API call on the running Spoor (API key included); fails the test on anything but 2xx. */
export async function adminApi<T>(
  sites: TestSites,
  method: string,
  url: string,
  payload?: unknown,
): Promise<T> {
  const res = await sites.spoor.app.inject({
    method: method as 'GET',
    url,
    headers: sites.spoor.auth,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json() as T;
}

/** The form embed snippet as docs/forms.md gives it: the element, then the loader from the tracking host. */
export function formEmbed(sites: TestSites, formId: string): string {
  return `<div data-spoor-form="${formId}"></div><script async src="${sites.trackOrigin}/forms.js"></script>`;
}
