// The send confirmation's estimate on a list of 1,000,000 members (and with a second list of 200,000
// sharing contacts), answered from the list audience counters (decision 021), beside the scan over the
// memberships that answered it before. Run alone:
//   npx tsx bench/email/send-estimate.ts [members] [DATABASE_URL]
// defaults to 1,000,000 members on a temporary SQLite file; a PostgreSQL URL should name a fresh schema
// (?options=-c%20search_path%3D…) — the bench fills it and leaves it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertContacts } from '../../src/contacts/store.ts';
import { estimateSend } from '../../src/email/sends/estimate-send.ts';
import { audienceGroups } from '../../src/email/sends/store.ts';
import { newId } from '../../src/lib/ids.ts';
import { openStorage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';

const CHUNK = 2_000;

async function timeRuns(runs: number, warmups: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < warmups; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(ms.length / 2)] ?? 0, maxMs: ms[ms.length - 1] ?? 0 };
}

export async function benchSendEstimate(options: { members?: number; databaseUrl?: string } = {}) {
  const members = options.members ?? 1_000_000;
  const dir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'spoor-estimate-bench-'));
  const storage = openStorage(options.databaseUrl ?? `sqlite:${join(dir!, 'bench.db')}`);
  try {
    await migrateToLatest(storage.db);
    const now = Date.now();
    const big = newId();
    const small = newId();
    for (const [id, name] of [
      [big, 'Everyone'],
      [small, 'Customers'],
    ] as const)
      await storage.db
        .insertInto('lists')
        .values({ id, name, description: null, created_at: now, updated_at: now })
        .execute();

    // Memberships through the triggers that keep the counters, in transactions of CHUNK, as an import
    // adds them: 2 % do not email, 1 % without an address, 3 % unsubscribed, 1 % hard bounced; every
    // fifth contact is on the second list too.
    const loadStarted = performance.now();
    for (let at = 0; at < members; at += CHUNK) {
      const n = Math.min(CHUNK, members - at);
      const contacts = Array.from({ length: n }, (_, k) => {
        const i = at + k;
        return {
          id: newId(),
          row: {
            email: i % 100 === 7 ? null : `reader${i}@bench.example`,
            first_name: `Reader${i}`,
            last_name: 'Bench',
            company: null,
            phone: null,
            job_title: null,
            country: null,
            custom: {},
          },
          i,
        };
      });
      await storage.db.transaction().execute(async (tx) => {
        await insertContacts(tx, contacts, now);
        const flagged = contacts.filter((c) => c.i % 50 === 3).map((c) => c.id);
        if (flagged.length > 0)
          await tx.updateTable('contacts').set({ do_not_email: 1 }).where('id', 'in', flagged).execute();
        const member = (listId: string, c: (typeof contacts)[number]) => ({
          list_id: listId,
          contact_id: c.id,
          status: c.i % 100 < 3 ? ('unsubscribed' as const) : ('subscribed' as const),
          source: 'import',
          added_at: now,
          unsubscribed_at: null,
          unsubscribed_send_id: null,
        });
        for (let k = 0; k < contacts.length; k += 500) {
          const slice = contacts.slice(k, k + 500);
          await tx
            .insertInto('list_members')
            .values(slice.map((c) => member(big, c)))
            .execute();
          const both = slice.filter((c) => c.i % 5 === 0);
          if (both.length > 0)
            await tx
              .insertInto('list_members')
              .values(both.map((c) => member(small, c)))
              .execute();
        }
        const bounced = contacts.filter((c) => c.i % 100 === 42);
        if (bounced.length > 0)
          await tx
            .insertInto('email_suppressions')
            .values(
              bounced.map((c) => ({
                email_match: `reader${c.i}@bench.example`,
                reason: 'hard_bounce',
                send_id: null,
                detail: 'bench',
                created_at: now,
              })),
            )
            .execute();
      });
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const one = await estimateSend(storage.db, { listIds: [big] });
    const oneTiming = await timeRuns(20, 3, () => estimateSend(storage.db, { listIds: [big] }));
    const two = await estimateSend(storage.db, { listIds: [big, small] });
    const twoTiming = await timeRuns(20, 3, () => estimateSend(storage.db, { listIds: [big, small] }));
    // The scan the estimate made before the counters, once, for comparison (and to check the counters).
    const scanStarted = performance.now();
    const groups = await audienceGroups(storage.db, [big]);
    const scanMs = performance.now() - scanStarted;
    const scanned = groups.reduce((sum, g) => sum + g.memberships, 0);
    return { engine: storage.engine, members, loadSeconds, one, oneTiming, two, twoTiming, scanMs, scanned };
  } finally {
    await storage.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const members = Number(process.argv[2] ?? 1_000_000);
  benchSendEstimate({ members, ...(process.argv[3] ? { databaseUrl: process.argv[3] } : {}) }).then(
    (r) => {
      const fmt = (n: number) => n.toLocaleString('en-US');
      console.log(
        `${r.engine}: ${fmt(r.members)} members loaded through the triggers in ${r.loadSeconds.toFixed(1)} s`,
      );
      console.log(
        `  one list: median ${r.oneTiming.medianMs.toFixed(2)} ms, max ${r.oneTiming.maxMs.toFixed(2)} ms — ` +
          `${fmt(r.one.willReceive)} will receive it, ${fmt(r.one.blocked.total)} blocked (exact)`,
      );
      console.log(
        `  two lists: median ${r.twoTiming.medianMs.toFixed(2)} ms, max ${r.twoTiming.maxMs.toFixed(2)} ms — ` +
          `between ${fmt(r.two.willReceiveAtLeast)} and ${fmt(r.two.willReceive)} (exact: ${r.two.exact})`,
      );
      console.log(`  the scan it replaces: ${r.scanMs.toFixed(0)} ms over ${fmt(r.scanned)} memberships`);
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
