// The send confirmation's estimate on a list of 1,000,000 members (and with a second list of 200,000
// sharing contacts), answered from the list audience counters (decision 021), beside the scan over the
// memberships that answered it before. Run alone:
//   npx tsx bench/email/send-estimate.ts [members] [DATABASE_URL] [--suppressed=N] [--no-scan]
// defaults to 1,000,000 members on a temporary SQLite file, 1 % of them (10,000) with a suppression in
// force — a third permanent, the rest expiring at times spread over 180 days, each its own key — and as
// many again expired; a PostgreSQL URL should name a fresh schema (?options=-c%20search_path%3D…) — the
// bench fills it and leaves it. --no-scan skips the (minutes long) membership scan.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { insertContacts } from '../../src/contacts/store.ts';
import { estimateSend } from '../../src/email/sends/estimate-send.ts';
import { audienceGroups } from '../../src/email/sends/store.ts';
import { inForce } from '../../src/email/suppression/store.ts';
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

const DAY = 86_400_000;

export async function benchSendEstimate(
  options: { members?: number; databaseUrl?: string; suppressed?: number; scan?: boolean } = {},
) {
  const members = options.members ?? 1_000_000;
  const suppressed = Math.min(options.suppressed ?? Math.floor(members / 100), members);
  // Every `step`-th member is suppressed now (from the 42nd: a receivable one), and the next was (expired).
  const step = suppressed > 0 ? Math.max(2, Math.floor(members / suppressed)) : 0;
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
    // adds them: 2 % do not email, 1 % without an address, 3 % unsubscribed, `suppressed` with a
    // suppression in force and as many expired; every fifth contact is on the second list too.
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
        const bounced = step
          ? contacts.filter((c) => (c.i + 58) % step <= 1 && Math.floor(c.i / step) < suppressed)
          : [];
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
                // In force (a third for good, the others until a time of their own), or expired.
                until:
                  (c.i + 58) % step === 1
                    ? now - 1 - (c.i % DAY)
                    : Math.floor(c.i / step) % 3 === 0
                      ? null
                      : now + DAY + ((c.i * 7919) % (179 * DAY)),
                listings: 1,
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
    const inForceNow = await storage.db
      .selectFrom('email_suppressions as s')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(inForce(Date.now()))
      .executeTakeFirstOrThrow();
    // The walk of the suppressions in force the estimate made before migration 019, for comparison.
    const walk = () =>
      sql`select lm.list_id, count(*) as n
        from email_suppressions s cross join contacts c cross join list_members lm
        where ${inForce(Date.now())} and c.email_match = s.email_match and lm.contact_id = c.id
          and lm.list_id in (${big}) and lm.status = 'subscribed' and c.do_not_email = 0
          and c.email is not null and trim(c.email) <> ''
        group by lm.list_id`.execute(storage.db);
    const walkTiming = await timeRuns(10, 2, walk);
    // The scan the estimate made before the counters, once, for comparison (and to check the counters).
    let scanMs: number | null = null;
    let scanned = 0;
    if (options.scan !== false) {
      const scanStarted = performance.now();
      const groups = await audienceGroups(storage.db, [big]);
      scanMs = performance.now() - scanStarted;
      scanned = groups.reduce((sum, g) => sum + g.memberships, 0);
    }
    return {
      engine: storage.engine,
      members,
      suppressedInForce: Number(inForceNow.n),
      loadSeconds,
      one,
      oneTiming,
      two,
      twoTiming,
      walkTiming,
      scanMs,
      scanned,
    };
  } finally {
    await storage.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
  const [membersArg, databaseUrl] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const suppressedFlag = flags.find((flag) => flag.startsWith('--suppressed='));
  benchSendEstimate({
    members: Number(membersArg ?? 1_000_000),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(suppressedFlag ? { suppressed: Number(suppressedFlag.split('=')[1]) } : {}),
    scan: !flags.includes('--no-scan'),
  }).then(
    (r) => {
      const fmt = (n: number) => n.toLocaleString('en-US');
      console.log(
        `${r.engine}: ${fmt(r.members)} members loaded through the triggers in ${r.loadSeconds.toFixed(1)} s; ` +
          `${fmt(r.suppressedInForce)} suppressions in force`,
      );
      console.log(
        `  one list: median ${r.oneTiming.medianMs.toFixed(2)} ms, max ${r.oneTiming.maxMs.toFixed(2)} ms — ` +
          `${fmt(r.one.willReceive)} will receive it, ${fmt(r.one.blocked.total)} blocked (exact)`,
      );
      console.log(
        `  two lists: median ${r.twoTiming.medianMs.toFixed(2)} ms, max ${r.twoTiming.maxMs.toFixed(2)} ms — ` +
          `between ${fmt(r.two.willReceiveAtLeast)} and ${fmt(r.two.willReceive)} (exact: ${r.two.exact})`,
      );
      console.log(
        `  the walk of the suppressions in force it replaces (one list): median ${r.walkTiming.medianMs.toFixed(2)} ms, ` +
          `max ${r.walkTiming.maxMs.toFixed(2)} ms`,
      );
      if (r.scanMs !== null)
        console.log(`  the scan it replaces: ${r.scanMs.toFixed(0)} ms over ${fmt(r.scanned)} memberships`);
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
