// Every request the dashboard makes while a marketer looks at the overview, a website's report, contacts,
// a form and a send, timed through HTTP against Spoor as a child process on the report's data set plus the
// dashboard data (dashboard-data.ts); on SQLite each request's statements are also explained (sql-plans.ts).
import { loadavg } from 'node:os';
import { createApiKey } from '../../src/access/api-keys.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { websiteReport } from '../../src/reports/website-report.ts';
import type { Storage } from '../../src/storage/database.ts';
import { processCpuMs } from '../lib/proc.ts';
import type { SpoorChild } from '../lib/spoor-child.ts';
import type { DashboardData } from './dashboard-data.ts';
import { captureStatements, explainAll, type RequestPlan } from './sql-plans.ts';

export interface DashboardRequest {
  area: 'overview' | 'website report' | 'contacts' | 'forms' | 'emails';
  request: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface RequestTiming {
  runs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  minMs: number;
  /** 1-minute load average when the runs ended. */
  load: number;
  /** Spoor's CPU time (every thread, user + system, from /proc) per timed run: what the request costs, whatever the wait for a core. */
  cpuMs: number | null;
}

export interface DashboardRow {
  area: DashboardRequest['area'];
  request: string;
  path: string;
  timing: RequestTiming;
  /** SQLite only. */
  plan: RequestPlan | null;
}

type Report = Awaited<ReturnType<typeof websiteReport>>;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The dashboard's requests on this data set; without dashboard data, only the overview and the report. */
export function dashboardRequests(
  range: { websiteId: string; from: string; to: string },
  report: Report,
  data: DashboardData | null,
): DashboardRequest[] {
  const q = encodeURIComponent;
  const { from, to } = range;
  const base = `/api/websites/${q(range.websiteId)}/report`;
  const requests: DashboardRequest[] = [];
  const add = (area: DashboardRequest['area'], request: string, path: string, body?: unknown) =>
    requests.push({
      area,
      request,
      method: body === undefined ? 'GET' : 'POST',
      path,
      ...(body ? { body } : {}),
    });

  add('overview', 'overview, 30 days (and the 30 before)', `/api/overview?from=${from}&to=${to}`);
  add('overview', 'overview, 7 days', `/api/overview?from=${addDays(to, -6)}&to=${to}`);
  add('overview', 'overview, one day', `/api/overview?from=${to}&to=${to}`);
  add('overview', 'overview, 12 months', `/api/overview?from=${addDays(to, -364)}&to=${to}`);
  add('overview', 'realtime', '/api/overview/realtime');

  add('website report', 'report, 30 days', `${base}?from=${from}&to=${to}`);
  add('website report', 'report, one day (exact uniques)', `${base}?from=${to}&to=${to}`);
  add('website report', 'report, 7 days', `${base}?from=${addDays(to, -6)}&to=${to}`);
  add('website report', 'report, 12 months', `${base}?from=${addDays(to, -364)}&to=${to}`);
  add('website report', 'report, bots included', `${base}?from=${from}&to=${to}&bots=include`);
  add('website report', 'report, top 100 rows', `${base}?from=${from}&to=${to}&limit=100`);
  const page = report.topPages[0];
  if (page)
    add('website report', 'filtered by its top page', `${base}?from=${from}&to=${to}&page=${q(page.path)}`);
  const entry = report.entryPages[0];
  if (entry)
    add(
      'website report',
      'filtered by its top entry page',
      `${base}?from=${from}&to=${to}&entry=${q(entry.path)}`,
    );
  const referrer = report.referrers[0];
  if (referrer)
    add(
      'website report',
      'filtered by its top referrer',
      `${base}?from=${from}&to=${to}&referrer=${q(referrer.host)}`,
    );
  const campaign = report.campaigns[0];
  if (campaign)
    add(
      'website report',
      'filtered by its top campaign',
      `${base}?from=${from}&to=${to}&utmSource=${q(campaign.source ?? '')}&utmMedium=${q(campaign.medium ?? '')}&utmCampaign=${q(campaign.campaign ?? '')}`,
    );
  if (!data) return requests;

  const contact = q(data.timelineContactId);
  add('contacts', 'list, first page (oldest first)', '/api/contacts');
  add('contacts', 'list, first page (newest first)', '/api/contacts?order=newest');
  add('contacts', 'search "ann" (names, emails, companies)', '/api/contacts?q=ann');
  add('contacts', 'search "@gmail.com" (a domain)', `/api/contacts?q=${q('@gmail.com')}`);
  add('contacts', 'search "person12345" (an address prefix)', '/api/contacts?q=person12345');
  add('contacts', 'search "smith müller" (two words)', `/api/contacts?q=${q('smith müller')}`);
  add('contacts', 'filter: on the list', `/api/contacts?list=${q(data.listId)}`);
  add(
    'contacts',
    'filter: unsubscribed from the list',
    `/api/contacts?list=${q(data.listId)}&listStatus=unsubscribed`,
  );
  add(
    'contacts',
    'filter: identified in the last 7 days',
    `/api/contacts?visitedSince=${addDays(to, -6)}T00:00:00Z`,
  );
  add('contacts', 'filter: has bounced', '/api/contacts?bounced=true');
  add('contacts', 'filter: unsubscribed', '/api/contacts?unsubscribed=true');
  add('contacts', 'search "ann" + has bounced', '/api/contacts?q=ann&bounced=true');
  add('contacts', "a contact's fields", `/api/contacts/${contact}`);
  add('contacts', "a contact's timeline, first page", `/api/contacts/${contact}/history`);
  add('contacts', "a contact's browsers", `/api/contacts/${contact}/browsers`);
  add('contacts', "a contact's emails", `/api/contacts/${contact}/emails`);
  add('contacts', "a contact's lists", `/api/contacts/${contact}/lists`);
  add('contacts', 'lists', '/api/lists');

  const form = q(data.formId);
  add('forms', 'forms', '/api/forms');
  add('forms', 'a form', `/api/forms/${form}`);
  add('forms', 'figures, 30 days', `/api/forms/${form}/figures?from=${from}&to=${to}`);
  add('forms', 'submissions, first page', `/api/forms/${form}/submissions`);

  const send = q(data.sendId);
  add('emails', 'sends', '/api/sends');
  add('emails', 'a send', `/api/sends/${send}`);
  add('emails', 'insights (funnel, rates, hourly, per link)', `/api/sends/${send}/insights`);
  add('emails', 'results by recipient domain', `/api/sends/${send}/domains`);
  add('emails', 'recipients, first page', `/api/sends/${send}/recipients`);
  add('emails', 'recipients: hard bounces', `/api/sends/${send}/recipients?status=hard_bounce`);
  const figures: [string, string][] = [
    ['recipients', 'recipients'],
    ['blocked', 'blocked'],
    ['blocked by unsubscribe', 'blocked&reason=unsubscribed'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['bounced', 'bounced'],
    ['soft bounces', 'soft_bounce'],
    ['pending', 'pending'],
    ['opened (people)', 'opened'],
    ['opened (machines)', 'opened&audience=machine'],
    ['clicked', 'clicked'],
    ['clicked link 3', 'clicked&link=3'],
    ['unsubscribed', 'unsubscribed'],
    ['delivered at gmail.com', 'delivered&domain=gmail.com'],
    [`bounced at ${data.smallDomain}`, `bounced&domain=${q(data.smallDomain)}`],
  ];
  for (const [label, figure] of figures)
    add('emails', `contacts behind "${label}", first page`, `/api/sends/${send}/contacts?figure=${figure}`);
  add('emails', 'estimate for the list (POST)', '/api/sends/estimate', { listIds: [data.listId] });
  return requests;
}

/** Each request once in an in-process Spoor on the same SQLite file, its statements explained. */
export async function planRequests(
  storage: Storage,
  file: string,
  requests: readonly DashboardRequest[],
): Promise<Map<string, RequestPlan>> {
  const config = { ...loadConfig({ SPOOR_DEMO: 'false', DATABASE_URL: `sqlite:${file}` }) };
  const { app } = await buildApp({ config, storage });
  await app.ready();
  const key = await createApiKey(storage.db, 'bench plans');
  const plans = new Map<string, RequestPlan>();
  try {
    for (const r of requests) {
      let status = 0;
      const statements = await captureStatements(async () => {
        const response = await app.inject({
          method: r.method,
          url: r.path,
          headers: { authorization: `Bearer ${key}` },
          ...(r.body === undefined ? {} : { payload: r.body as Record<string, unknown> }),
        });
        status = response.statusCode;
      });
      if (status >= 300) throw new Error(`${r.method} ${r.path} answered ${status} in process.`);
      plans.set(r.path, explainAll(file, statements));
    }
  } finally {
    await app.close();
    await storage.db.deleteFrom('api_keys').where('name', '=', 'bench plans').execute();
  }
  return plans;
}

/** A request slower than this in its first warm-up is timed 3 times only (it is far over the bar anyway). */
const SLOW_MS = 1_000;

async function time(
  wanted: number,
  warmups: number,
  once: () => Promise<unknown>,
  pid?: number,
): Promise<RequestTiming> {
  let runs = wanted;
  for (let i = 0; i < warmups; i++) {
    const t = performance.now();
    await once();
    if (performance.now() - t > SLOW_MS) {
      runs = Math.min(wanted, 3);
      break;
    }
  }
  const times: number[] = [];
  const cpuBefore = processCpuMs(pid);
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  const cpuAfter = processCpuMs(pid);
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  const p95 = times[Math.min(times.length - 1, Math.ceil(0.95 * times.length) - 1)]!;
  return {
    runs,
    medianMs: median,
    p95Ms: p95,
    maxMs: times[times.length - 1]!,
    minMs: times[0]!,
    load: loadavg()[0] ?? 0,
    cpuMs: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / runs,
  };
}

/** Times every request through HTTP: `runs` after 2 warm-ups each (3 when one takes over 1 s), one at a time. */
export async function timeRequests(
  spoor: SpoorChild,
  requests: readonly DashboardRequest[],
  runs: number,
  plans: ReadonlyMap<string, RequestPlan>,
): Promise<DashboardRow[]> {
  const rows: DashboardRow[] = [];
  for (const r of requests) {
    const once = r.method === 'GET' ? () => spoor.get(r.path) : () => spoor.post(r.path, r.body);
    const timing = await time(runs, 2, once, spoor.process.pid);
    const plan = plans.get(r.path) ?? null;
    rows.push({ area: r.area, request: r.request, path: r.path, timing, plan });
    const flag = timing.medianMs >= 100 ? '  ← over 100 ms' : '';
    console.log(
      `  ${r.area.padEnd(14)} ${r.request.padEnd(52)} median ${timing.medianMs.toFixed(1).padStart(7)} ms  p95 ${timing.p95Ms.toFixed(1).padStart(7)} ms  CPU ${timing.cpuMs?.toFixed(1).padStart(6) ?? 'n/a'} ms  load ${timing.load.toFixed(1)}${flag}`,
    );
    for (const scan of plan?.scans ?? []) console.log(`      plan: ${scan}`);
  }
  return rows;
}

/** Every request's statements and plans, as text (written beside the cache for reading). */
export function plansText(rows: readonly DashboardRow[]): string {
  const out: string[] = [];
  for (const row of rows) {
    out.push(
      `## ${row.area}: ${row.request}`,
      `GET ${row.path}`,
      `median ${row.timing.medianMs.toFixed(1)} ms, p95 ${row.timing.p95Ms.toFixed(1)} ms`,
      '',
    );
    for (const statement of row.plan?.statements ?? [])
      out.push(statement.sql, ...statement.plan.map((line) => `  ${line}`), '');
  }
  return `${out.join('\n')}\n`;
}
