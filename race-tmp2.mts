import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
const url = 'postgres://postgres@127.0.0.1:5432/test';
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
const admin = new pg.Client({ connectionString: url });
await admin.connect();
let stop = false;
const codes = new Map<string, string>();
const introspect = (async () => {
  let n = 0;
  while (!stop) {
    try { await db.introspection.getTables(); } catch (e: any) { codes.set(e.code, e.message + ' routine=' + e.routine); }
    n++;
  }
  return n;
})();
const cols = Array.from({ length: 13 }, (_, i) => `c${i} bigint`).join(', ');
for (let i = 0; i < 400; i++) {
  const s = `spoor_race_${process.pid}_${i}`;
  await admin.query(`create schema ${s}`);
  for (let t = 0; t < 20; t++) await admin.query(`create table ${s}.jobs${t} (id text primary key, ${cols}, created_at bigint)`);
  await admin.query(`drop schema ${s} cascade`);
}
stop = true;
console.log('introspections', await introspect, [...codes.entries()]);
await admin.end(); await db.destroy();
