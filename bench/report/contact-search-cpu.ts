// CPU time of the contact search statements (pageContacts) on a bench data set, opened read-only:
//   npx tsx bench/report/contact-search-cpu.ts bench/.tmp/report-10000000.db [store module]
// Prints, per search, the median over 10 runs (after 2 warm-ups) of process.cpuUsage() around one page
// (51 rows, as the route asks for a page of 50) and the rows returned. Decision 024 holds the figures.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { searchTerms } from '../../src/contacts/search-terms.ts';
import type { Db } from '../../src/storage/schema.ts';

const [file, storeModule = '../../src/contacts/store.ts'] = process.argv.slice(2);
if (!file) throw new Error('usage: contact-search-cpu.ts <sqlite file> [store module]');
const { pageContacts } = (await import(storeModule)) as typeof import('../../src/contacts/store.ts');
const db = new Kysely({
  dialect: new SqliteDialect({ database: new Database(file, { readonly: true }) }),
}) as Db;

const searches: [string, string, { bounced?: boolean }][] = [
  ['"ann"', 'ann', {}],
  ['"@gmail.com"', '@gmail.com', {}],
  ['"ann smith" (two words)', 'ann smith', {}],
  ['"smith müller" (two words, no match)', 'smith müller', {}],
  ['"ann" + has bounced', 'ann', { bounced: true }],
  ['"person12345" (rare)', 'person12345', {}],
];
for (const [label, text, filters] of searches) {
  const query = { terms: searchTerms(text), filters, order: 'oldest' as const, limit: 51 };
  let rows = 0;
  const times: number[] = [];
  for (let run = 0; run < 12; run++) {
    const start = process.cpuUsage();
    rows = (await pageContacts(db, query)).length;
    const used = process.cpuUsage(start);
    if (run >= 2) times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: ${((times[4]! + times[5]!) / 2).toFixed(1)} ms CPU (median of 10), ${rows} rows`);
}
await db.destroy();
