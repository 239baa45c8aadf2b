// The dashboard's reads through storage.reads (the SQLite reader thread, decision 048) give what the main
// connection gives: on a SQLite file seeded through the real ingest path (page views from campaigns,
// referrers, bots, engaged time, an identified visitor, contacts, a form submission, send counters), every
// query the report, the overview, realtime and the contact search run is captured as compiled, then run
// through both handles, and the rows must be strictly equal (same values, same types); the domain results
// too. And the dashboard's routes read through storage.reads (its queries are seen there).
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listContacts } from '../src/contacts/manage-contacts.ts';
import { addToCounters } from '../src/email/counters/store.ts';
import { DAY_MS, utcDay } from '../src/lib/time.ts';
import { overview, realtime } from '../src/overview/overview.ts';
import {
  countDistinctVisitors,
  countDistinctVisitorsByDay,
  dailyFiltered,
  dailyTotals,
  type ReportRange,
  recentActivity,
  sketchRows,
  topCampaigns,
  topEntryPages,
  topPages,
  topReferrers,
} from '../src/reports/store.ts';
import { type ReportFilter, websiteReport } from '../src/reports/website-report.ts';
import { openSqliteConnection, type Storage } from '../src/storage/database.ts';
import { ReaderThreadDialect } from '../src/storage/reader-dialect.ts';
import type { Database } from '../src/storage/schema.ts';
import { sendRow } from './helpers/email-fixtures.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';
import {
  CHROME_UA,
  collectAsBrowser,
  eventId,
  type RunningSpoor,
  startSpoor,
  submitFormAsBrowser,
} from './helpers/spoor.ts';
import { createContact, createForm, createWebsite } from './support/factories.ts';

const SITE = 'https://www.reads.test';
let database: TestDatabase;
let spoor: RunningSpoor;
let websiteId: string;
const today = utcDay(Date.now());
const weekAgo = utcDay(Date.now() - 6 * DAY_MS);
/** The SQL of every query run through storage.reads (a reader-thread handle that logs). */
const readSql: string[] = [];

/** The test database's storage, with a storage.reads that records what it runs. */
function withRecordedReads(storage: Storage): Storage {
  const reads = new Kysely<Database>({
    dialect: new ReaderThreadDialect(storage.sqliteFile as string),
    log: (event) => {
      if (event.level === 'query') readSql.push(event.query.sql);
    },
  });
  return {
    ...storage,
    reads,
    close: async () => {
      await reads.destroy();
      await storage.close();
    },
  };
}

const hit = (body: Record<string, unknown>, cookie?: string, userAgent = CHROME_UA) =>
  collectAsBrowser(spoor, websiteId, body, { origin: SITE, cookie, userAgent });

beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  spoor = await startSpoor(
    { ...database, open: () => withRecordedReads(database.open()) },
    { collectRateLimit: 100_000 },
  );
  websiteId = await createWebsite(spoor, [SITE]);
  for (let i = 0; i < 12; i++) {
    const landing = eventId();
    const visitor = await hit({
      e: landing,
      u: `${SITE}/${['', 'pricing', 'blog'][i % 3]}?utm_source=news&utm_medium=email&utm_campaign=c${i % 2}`,
      ...(i % 4 === 0 ? { r: 'https://www.google.com/' } : {}),
    });
    await hit({ u: `${SITE}/docs/${i % 5}`, r: `${SITE}/` }, `spoor_vid=${visitor.v}`);
    await hit({ t: 'en', p: landing, ms: 1_000 * (i + 1) }, `spoor_vid=${visitor.v}`);
  }
  await hit({ a: 1, u: `${SITE}/pricing` });
  await hit({ u: `${SITE}/` }, undefined, 'curl/8.0');
  for (const name of ['ann', 'annette', 'bob', 'carla'])
    await createContact(spoor, { email: `${name}@reads.test`, firstName: name });
  const formId = await createForm(spoor, { websiteId });
  await submitFormAsBrowser(spoor, formId, { email: 'form@reads.test' }, { origin: SITE });
  await spoor.storage.db.insertInto('sends').values(sendRow('send-reads')).execute();
  await addToCounters(
    spoor.storage.db,
    'send-reads',
    new Map([
      ['sent', 10],
      ['unique_open:human', 4],
    ]),
  );
});

afterAll(async () => {
  await spoor?.close();
  await database?.drop();
});

/** Every query the dashboard's readers run, compiled, as they run them (on a connection of the test's own). */
async function dashboardQueries(): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = [];
  const recording = new Kysely<Database>({
    dialect: new SqliteDialect({ database: openSqliteConnection(spoor.storage.sqliteFile as string) }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  try {
    const range: ReportRange = { websiteIds: [websiteId], fromDay: weekAgo, toDay: today, includeBots: true };
    const fromMs = Date.parse(`${weekAgo}T00:00:00Z`);
    const toMs = Date.parse(`${today}T00:00:00Z`) + DAY_MS;
    const filters: ReportFilter[] = [
      { kind: 'page', path: '/pricing' },
      { kind: 'entry', path: '/' },
      { kind: 'referrer', host: 'google.com' },
      { kind: 'campaign', source: 'news', medium: 'email', campaign: 'c1' },
    ];
    await websiteReport(recording, { websiteId, from: weekAgo, to: today, includeBots: false, limit: 10 });
    for (const filter of filters)
      await websiteReport(recording, {
        websiteId,
        from: weekAgo,
        to: today,
        includeBots: true,
        limit: 5,
        filter,
      });
    await dailyTotals(recording, range);
    for (const filter of filters) await dailyFiltered(recording, range, filter);
    await topPages(recording, range, 100);
    await topEntryPages(recording, range, 100);
    await topReferrers(recording, range, 100);
    await topCampaigns(recording, range, 100);
    await countDistinctVisitors(recording, range, fromMs, toMs);
    await countDistinctVisitorsByDay(recording, range, fromMs, toMs);
    await sketchRows(recording, range, 'all');
    await sketchRows(recording, range, 'identified');
    await recentActivity(recording, [websiteId], Date.now() - 3_600_000);
    await overview(recording, weekAgo, today);
    await realtime(recording, undefined);
    await listContacts(recording, { search: 'ann', order: 'newest', limit: 2 });
    await listContacts(recording, {
      search: '@reads.test',
      filters: { visitedSince: 0 },
      order: 'oldest',
      limit: 50,
    });
  } finally {
    await recording.destroy();
  }
  return captured;
}

it('answers every query of the report, overview, realtime and contact search as the main connection does', async () => {
  const queries = await dashboardQueries();
  expect(queries.length).toBeGreaterThan(30);
  let rows = 0;
  for (const query of queries) {
    const main = await spoor.storage.db.executeQuery(query);
    const thread = await spoor.storage.reads.executeQuery(query);
    expect(thread.rows, query.sql).toStrictEqual(main.rows);
    rows += main.rows.length;
  }
  // The seed reached the tables the queries read (not a comparison of empty results).
  expect(rows).toBeGreaterThan(50);
});

it('gives the same report, overview and contact page through either handle', async () => {
  const { db, reads } = spoor.storage;
  const query = { websiteId, from: weekAgo, to: today, includeBots: false, limit: 10 };
  const withoutClock = <T extends { dataAsOf: string }>(r: T) => ({ ...r, dataAsOf: '' });
  const report = withoutClock(await websiteReport(reads, query));
  expect(report).toEqual(withoutClock(await websiteReport(db, query)));
  expect(report.pageviews).toBe(25);
  expect(report.uniqueVisitors).toBeGreaterThan(1);
  expect(withoutClock(await overview(reads, weekAgo, today))).toEqual(
    withoutClock(await overview(db, weekAgo, today)),
  );
  const contacts = { search: 'ann', order: 'oldest' as const, limit: 10 };
  const page = await listContacts(reads, contacts);
  expect(page.contacts.map((c) => c.email)).toEqual(['ann@reads.test', 'annette@reads.test']);
  expect(page).toEqual(await listContacts(db, contacts));
});

it('reads the report, the overview, realtime and the contact search through storage.reads', async () => {
  const through = async (url: string, table: string) => {
    readSql.length = 0;
    const res = await spoor.app.inject({ url, headers: spoor.auth });
    expect(res.statusCode, res.body).toBe(200);
    expect(
      readSql.some((text) => text.includes(`from "${table}"`)),
      `${url} read ${table}`,
    ).toBe(true);
    return res.json();
  };
  expect(
    await through(`/api/websites/${websiteId}/report?from=${weekAgo}&to=${today}`, 'daily_stats'),
  ).toMatchObject({
    pageviews: 25,
  });
  await through(`/api/overview?from=${weekAgo}&to=${today}`, 'send_counters');
  await through('/api/overview/realtime', 'pageviews');
  expect(await through('/api/contacts?q=ann', 'contacts')).toMatchObject({ contacts: [{}, {}] });
});
