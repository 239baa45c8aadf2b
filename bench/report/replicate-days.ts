// Completes a report data set whose generation through planBatch + writePlan was stopped part-way (on a
// machine shared with other work it can take hours): the whole UTC days already loaded are kept, the
// partial last day is dropped, and those days' rows (page views, visits and every daily rollup, sketches
// included) are copied forward day by day until the 30 days are full, with new event and visit ids. Each
// day then holds what the real writer stored for a day of that traffic, so every request reads as many
// rows per day as on a data set generated whole; unique visitors over several days are lower (the copies
// are the same people). The marker records the days copied, and the bench page says so.
//
//   npx tsx bench/report/replicate-days.ts 10000000
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { codeVersion } from '../lib/machine.ts';
import { TMP_DIR } from '../lib/settings.ts';

const DAY = 86_400_000;
const START_DAY = '2025-03-01';
const DAYS = 30;

const pageviews = Number(process.argv[2]);
if (!Number.isInteger(pageviews) || pageviews < 1)
  throw new Error('Usage: replicate-days.ts <BENCH_PAGEVIEWS>');
const file = join(TMP_DIR, `report-${pageviews}.db`);
if (!existsSync(file)) throw new Error(`No partial data set at ${file}: start npm run bench first.`);
const db = new SqliteDatabase(file);
db.pragma('journal_mode = WAL');
db.pragma('cache_size = -1048576');
db.pragma('busy_timeout = 60000');

if (db.prepare("select 1 from settings where key = 'bench_report_data'").get())
  throw new Error('This data set is complete already (it has its marker).');
const website = db.prepare('select id from websites').get() as { id: string };
const start = Date.parse(`${START_DAY}T00:00:00Z`);
const last = db.prepare('select max(occurred_at) as at from pageviews').get() as { at: number };
const kept = Math.floor((last.at - start) / DAY); // whole days before the partial one
if (kept < 1) throw new Error('Not one whole day loaded yet.');
const cut = start + kept * DAY;
const cutDay = new Date(cut).toISOString().slice(0, 10);
console.log(
  `keeping ${kept} whole days (${START_DAY} to the day before ${cutDay}); copying them over ${DAYS - kept} more`,
);

const columns = (table: string) =>
  (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const rollups = [
  'daily_stats',
  'daily_pages',
  'daily_referrers',
  'daily_campaigns',
  'daily_entry_pages',
  'daily_visitor_sketch',
];

const timed = (label: string, run: () => unknown) => {
  const t = performance.now();
  const result = run() as { changes?: number } | undefined;
  console.log(
    `  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s${result?.changes !== undefined ? `, ${result.changes.toLocaleString('en-US')} rows` : ''}`,
  );
};

const started = performance.now();
db.transaction(() => {
  timed('drop the partial day: page views', () =>
    db.prepare('delete from pageviews where occurred_at >= ?').run(cut),
  );
  timed('drop the partial day: visits', () =>
    db.prepare('delete from visits where started_at >= ?').run(cut),
  );
  for (const table of rollups)
    timed(`drop the partial day: ${table}`, () =>
      db.prepare(`delete from ${table} where day >= ?`).run(cutDay),
    );
})();

for (let target = kept; target < DAYS; target += kept) {
  const span = Math.min(kept, DAYS - target); // days copied in this block
  const shift = target * DAY;
  const until = start + span * DAY;
  const untilDay = new Date(until).toISOString().slice(0, 10);
  const tag = `~${target}`;
  db.transaction(() => {
    const pv = columns('pageviews').map((c) =>
      c === 'event_id'
        ? `event_id || '${tag}'`
        : c === 'visit_id'
          ? `case when visit_id is null then null else visit_id || '${tag}' end`
          : c === 'occurred_at'
            ? `occurred_at + ${shift}`
            : c,
    );
    timed(`days ${target + 1}-${target + span}: page views`, () =>
      db
        .prepare(
          `insert into pageviews (${columns('pageviews').join(', ')}) select ${pv.join(', ')} from pageviews where occurred_at < ?`,
        )
        .run(until),
    );
    const visit = columns('visits').map((c) =>
      c === 'id' ? `id || '${tag}'` : c === 'started_at' || c === 'last_seen_at' ? `${c} + ${shift}` : c,
    );
    timed(`days ${target + 1}-${target + span}: visits`, () =>
      db
        .prepare(
          `insert into visits (${columns('visits').join(', ')}) select ${visit.join(', ')} from visits where started_at < ?`,
        )
        .run(until),
    );
    for (const table of rollups) {
      const cols = columns(table);
      const select = cols.map((c) => (c === 'day' ? `date(day, '+${target} days')` : c));
      timed(`days ${target + 1}-${target + span}: ${table}`, () =>
        db
          .prepare(
            `insert into ${table} (${cols.join(', ')}) select ${select.join(', ')} from ${table} where day < ?`,
          )
          .run(untilDay),
      );
    }
  })();
}

const counts = db
  .prepare(
    'select sum(pageviews) as pageviews, sum(anonymous_pageviews) as anonymous, sum(visits) as visits from daily_stats where bot = 0',
  )
  .get() as { pageviews: number; anonymous: number; visits: number };
const engagements = (
  db.prepare('select count(*) as n from pageviews where engaged_ms > 0').get() as { n: number }
).n;
const visitors = (db.prepare('select count(*) as n from visitors').get() as { n: number }).n;
const seconds = (performance.now() - started) / 1000;
const record = {
  generatorVersion: 1,
  code: codeVersion(),
  websiteId: website.id,
  from: START_DAY,
  to: new Date(start + (DAYS - 1) * DAY).toISOString().slice(0, 10),
  counts: {
    pageviews: counts.pageviews,
    anonymousPageviews: counts.anonymous,
    engagements,
    visitsStarted: counts.visits,
    visitors,
  },
  requestedPageviews: pageviews,
  replicatedFromDays: kept,
  seconds,
  breakdown: [
    `${kept} whole days loaded through planBatch + writePlan, copied forward to ${DAYS} days in ${seconds.toFixed(0)} s (bench/report/replicate-days.ts)`,
  ],
  databaseBytes: null,
};
db.prepare("insert into settings (key, value) values ('bench_report_data', ?)").run(JSON.stringify(record));
db.close();
console.log(
  `done in ${seconds.toFixed(0)} s: ${counts.pageviews.toLocaleString('en-US')} page views, ${counts.visits.toLocaleString('en-US')} visits`,
);
