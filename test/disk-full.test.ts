// A full disk under load (SQLite): the database file is capped (SPOOR_SQLITE_MAX_SIZE_MB, SQLite's
// max_page_count: real SQLITE_FULL errors, as on a full disk) and filled. Events are refused with a
// 503 that says why, /healthz says writes are failing, the log gets a few lines with a count rather
// than one per event, and once space is freed Spoor stores events again and is healthy, untouched.
import { describe, expect, it } from 'vitest';
import { openSqliteConnection } from '../src/storage/database.ts';
import { createTestDatabase } from './helpers/engines.ts';
import { startSpoorProcess } from './helpers/server-process.ts';
import { CHROME_UA, eventId } from './helpers/spoor.ts';
import { waitFor } from './support/wait-for.ts';

const SITE = 'https://www.shop.test';
// Above the size of a freshly migrated database (about 1 MB with every table and index; it grows with
// each migration), so only the ballast below fills it.
const MAX_SIZE_MB = 3;
/** Bounded by the test's own timeout, not waitFor's default. */
const until = (condition: () => boolean) =>
  waitFor('the answers to change', condition, { timeoutMs: 600_000 });

describe('a full disk (SQLite)', () => {
  it('answers 503 with the reason, reports it in /healthz, logs a few lines with a count, and recovers', {
    timeout: 120_000,
  }, async () => {
    const database = await createTestDatabase('sqlite');
    const file = database.url.slice('sqlite:'.length);
    const spoor = await startSpoorProcess(database.url, { SPOOR_SQLITE_MAX_SIZE_MB: String(MAX_SIZE_MB) });
    try {
      const created = await fetch(`${spoor.url}/api/websites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${spoor.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Full', allowedOrigins: [SITE] }),
      });
      expect(created.status).toBe(201);
      const websiteId = ((await created.json()) as { id: string }).id;

      // Fill the file up to its cap with something that can be freed afterwards.
      const filler = openSqliteConnection(file, MAX_SIZE_MB);
      filler.exec('create table ballast (b blob)');
      const fill = filler.prepare('insert into ballast values (randomblob(2000))');
      expect(() => {
        for (;;) fill.run();
      }).toThrow(/database or disk is full/);

      const answers: { status: number; body: string; event: string }[] = [];
      let stop = false;
      const collector = async (n: number) => {
        while (!stop) {
          const event = eventId();
          const res = await fetch(`${spoor.url}/c`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', origin: SITE, 'user-agent': CHROME_UA },
            body: JSON.stringify({ w: websiteId, e: event, t: 'pv', u: `${SITE}/p${n}` }),
          });
          answers.push({ status: res.status, body: await res.text(), event });
        }
      };
      const refused = () => answers.filter((a) => a.status === 503);
      const health = async () => {
        const res = await fetch(`${spoor.url}/healthz`);
        return { status: res.status, body: (await res.json()) as { ok: boolean; message?: string } };
      };
      const fullLines = () =>
        spoor
          .output()
          .split('\n')
          .filter((line) => line.includes('database or disk is full'));

      const startedAt = Date.now();
      const load = Array.from({ length: 8 }, (_, n) => collector(n));
      // Under load past one logging interval, so that the log shows its count line.
      // (Waiting at most a few seconds past the interval: without a count line the assertions say so.)
      await until(() => answers.filter((a) => a.status !== 200).length >= 200);
      const firstFailure = Date.now();
      await until(
        () => /more in the last 10 s/.test(fullLines().join('\n')) || Date.now() - firstFailure > 15_000,
      );
      const during = await health();
      const linesDuring = fullLines();
      const elapsedIntervals = Math.ceil((Date.now() - startedAt) / 10_000);
      const refusedDuring = refused().length;

      // Space comes back (an operator freed some): the same Spoor stores events again by itself.
      filler.exec('drop table ballast');
      filler.close();
      const freedAt = answers.length;
      await until(() => answers.slice(freedAt).filter((a) => a.status === 200).length >= 100);
      stop = true;
      await Promise.all(load);
      const after = await health();

      // Refused events: 503 with the reason and a retry hint, never a 500, never a 2xx.
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200, 503]));
      expect(JSON.parse(refused()[0]!.body)).toEqual({
        error: 'unavailable',
        message:
          'The database is unavailable right now (database or disk is full); nothing was recorded. Try again in a moment.',
      });
      expect(during.status).toBe(503);
      expect(during.body).toEqual({
        ok: false,
        error: 'unavailable',
        message: expect.stringMatching(
          /^Writes are failing: database or disk is full \(\d+ failures? in the last 10 s\)\.$/,
        ),
      });
      // A few lines per interval with a count, not one per refused event.
      expect(refusedDuring).toBeGreaterThanOrEqual(200);
      expect(linesDuring.length).toBeLessThanOrEqual(2 * (elapsedIntervals + 1));
      expect(linesDuring.some((line) => /"count":\d{2,}/.test(line))).toBe(true);

      expect(after).toEqual({ status: 200, body: { ok: true } });
      expect(spoor.child.exitCode).toBeNull();
      // Every event answered 200 is stored; none refused is.
      const check = openSqliteConnection(file);
      const stored = new Set(
        (
          check.prepare('select event_id from pageviews where website_id = ?').all(websiteId) as {
            event_id: string;
          }[]
        ).map((r) => r.event_id),
      );
      check.close();
      expect(answers.filter((a) => a.status === 200 && !stored.has(a.event))).toEqual([]);
      expect(refused().filter((a) => stored.has(a.event))).toEqual([]);
    } finally {
      await spoor.kill('SIGKILL');
      await database.drop();
    }
  });
});
