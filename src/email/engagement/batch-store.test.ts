// The engagement hot path's one store (batch-store.ts), run every way it runs: by the SQLite writer
// thread (through the hot path, and its thread store on a connection) and in process through Kysely, on
// SQLite and on PostgreSQL. The same batches must store and answer the same everywhere; the thread's
// memory of recipients must never outlive another connection's write or a rolled-back batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl } from '../../../test/helpers/engines.ts';
import { waitFor } from '../../../test/support/wait-for.ts';
import { sqliteWriterBacklog } from '../../platform/metrics/metrics.ts';
import { openSqliteConnection, openStorage, type Storage } from '../../storage/database.ts';
import { migrateToLatest } from '../../storage/migrate.ts';
import { runOnDb, type Statement, type StatementProgram, textOf } from '../../storage/statements.ts';
import { COUNTER } from '../counters/counter-names.ts';
import { batchStatements, commitHits, openThreadStore } from './batch-store.ts';
import type { EngagementHit, HitOutcome } from './engagement-hit.ts';
import { createEngagementWriter } from './engagement-writer.ts';

/** Batches handed to SQLite writer threads and not yet committed (spoor_sqlite_writer_backlog). */
const writerBacklog = () => sqliteWriterBacklog.all().reduce((sum, read) => sum + read(), 0);

const dir = mkdtempSync(join(tmpdir(), 'spoor-engagement-store-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);
const SEND = 'send0000000000000000a';
const LISTS = ['list000000000000000a', 'list000000000000000b'];
/** Tracking choices: allowed, refused, the install's default (allowed here). */
const CONTACTS = [
  { id: 'contact0000000000000a', tracking: 1 },
  { id: 'contact0000000000000b', tracking: 0 },
  { id: 'contact0000000000000c', tracking: null },
  { id: 'contact0000000000000d', tracking: 1 },
];
const KNOWN_VISITOR = 'visitorKnown0000000000';
const ALIAS = 'visitorAlias0000000000';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36';

/** A send to four contacts on two lists, and a browser known from an anonymous visit (any engine). */
async function seed(storage: Storage): Promise<Storage> {
  const db = storage.db;
  const sent = T0 - 3_600_000;
  await db
    .insertInto('sends')
    .values({
      id: SEND,
      message_id: 'message0000000000000a',
      list_ids: JSON.stringify(LISTS),
      status: 'done',
      subject: 'Hello',
      html: '<p>Hi</p>',
      text: null,
      from_name: null,
      from_email: null,
      reply_to: null,
      created_at: sent,
      prepared_at: sent,
      finished_at: sent,
      recipients_total: CONTACTS.length,
      duplicates: 0,
      lease_owner: null,
      lease_until: null,
    })
    .execute();
  for (const [i, c] of CONTACTS.entries()) {
    await db
      .insertInto('contacts')
      .values({
        id: c.id,
        email: `c${i}@mail.test`,
        email_match: `c${i}@mail.test`,
        first_name: null,
        last_name: null,
        company: null,
        phone: null,
        job_title: null,
        country: null,
        custom: '{}',
        prefill_allowed: 0,
        email_tracking: c.tracking,
        created_at: sent,
        updated_at: sent,
      })
      .execute();
    await db
      .insertInto('send_recipients')
      .values({
        send_id: SEND,
        contact_id: c.id,
        email: `c${i}@mail.test`,
        status: 'sent',
        block_reason: null,
        last_response: '250 OK',
        // The last one got the email seconds ago: its clicks are at delivery.
        sent_at: i === 3 ? T0 - 5_000 : sent,
        smtp_message_id: null,
      })
      .execute();
    for (const list of LISTS)
      await db
        .insertInto('list_members')
        .values({
          list_id: list,
          contact_id: c.id,
          status: 'subscribed',
          source: 'api',
          added_at: sent,
          unsubscribed_at: null,
          unsubscribed_send_id: null,
        })
        .execute();
  }
  // A browser known from earlier anonymous visits, and an alias of it.
  await db
    .insertInto('visitors')
    .values({ id: KNOWN_VISITOR, created_at: sent, last_seen_at: sent, contact_id: null })
    .execute();
  await db.insertInto('visitor_aliases').values({ alias_id: ALIAS, visitor_id: KNOWN_VISITOR }).execute();
  await db
    .insertInto('visits')
    .values({
      id: 'visit00000000000000001',
      website_id: 'w1',
      visitor_id: KNOWN_VISITOR,
      started_at: sent,
      last_seen_at: sent,
      pageviews: 1,
      engaged_ms: 0,
      entry_path: '/',
      referrer: null,
      referrer_host: null,
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      utm_term: null,
      utm_content: null,
      bot: 0,
      identified: 0,
      contact_id: null,
    })
    .execute();
  return storage;
}

async function freshFile(name: string): Promise<Storage> {
  const storage = openStorage(`sqlite:${join(dir, name)}`);
  await migrateToLatest(storage.db);
  return seed(storage);
}

async function freshMemory(): Promise<Storage> {
  const storage = openStorage('sqlite::memory:');
  await migrateToLatest(storage.db);
  return seed(storage);
}

async function freshPostgres(): Promise<Storage> {
  const database = await createTestDatabase('postgres');
  cleanups.push(() => database.drop());
  return seed(database.open());
}

/** Opens (person, proxy, bot), clicks (repeats, a burst, the honeypot, at delivery), unsubscribes, unknowns. */
function traffic(): EngagementHit[][] {
  const hits: EngagementHit[] = [];
  const hit = (i: number, h: Partial<EngagementHit> & Pick<EngagementHit, 'kind' | 'contactId'>) =>
    hits.push({
      sendId: SEND,
      recipientKey: `key-${h.contactId}`,
      position: 0,
      honeypot: false,
      method: 'GET',
      userAgent: CHROME,
      network: null,
      sourceHash: `source${i % 3}`,
      visitorCookie: null,
      at: T0 + i * 1_000,
      ...h,
    });
  const [a, b, c, d] = CONTACTS.map((x) => x.id) as [string, string, string, string];
  hit(0, { kind: 'open', contactId: a });
  hit(1, { kind: 'open', contactId: b, network: 'apple-mpp' });
  hit(2, { kind: 'open', contactId: c, userAgent: 'GoogleImageProxy' });
  hit(3, { kind: 'click', contactId: a, position: 1, visitorCookie: KNOWN_VISITOR });
  hit(4, { kind: 'click', contactId: a, position: 2, visitorCookie: KNOWN_VISITOR });
  hit(5, { kind: 'click', contactId: b, position: 1 });
  hit(6, { kind: 'click', contactId: c, position: 1, visitorCookie: ALIAS });
  hit(7, { kind: 'click', contactId: c, position: 3, visitorCookie: 'not a visitor id!' });
  hit(8, { kind: 'click', contactId: d, position: 1 });
  // A burst: three links from one source within a second, then the honeypot.
  for (const position of [1, 2, 3])
    hit(30, { kind: 'click', contactId: c, position, sourceHash: 'gateway', at: T0 + 30_000 + position });
  hit(40, { kind: 'click', contactId: a, position: 1, sourceHash: 'person', visitorCookie: null });
  hit(41, { kind: 'click', contactId: a, position: 4, honeypot: true, sourceHash: 'gateway' });
  hit(42, { kind: 'click', contactId: d, position: 2, visitorCookie: 'visitorUnknown00000000' });
  hit(43, { kind: 'click', contactId: a, position: 1, method: 'HEAD' });
  hit(44, { kind: 'unsubscribe', contactId: b, method: 'POST' });
  hit(45, { kind: 'unsubscribe', contactId: b, method: 'POST' });
  hit(46, { kind: 'open', contactId: 'contact-unknown000000' });
  hit(47, { kind: 'click', contactId: a, sendId: 'send-unknown000000000', position: 1 });
  hit(48, { kind: 'unsubscribe', contactId: d, method: 'POST' });
  hit(49, { kind: 'open', contactId: d, userAgent: null });
  // A burst across batches: its first click was stored (and remembered by the thread) a batch before.
  hit(60, { kind: 'click', contactId: d, position: 1, sourceHash: 'scanner' });
  for (const contactId of [a, b, c, d]) hit(61, { kind: 'open', contactId });
  hit(62, { kind: 'click', contactId: d, position: 2, sourceHash: 'scanner', at: T0 + 60_500 });
  hit(62, { kind: 'click', contactId: d, position: 3, sourceHash: 'scanner', at: T0 + 61_000 });
  const batches: EngagementHit[][] = [];
  for (let i = 0; i < hits.length; i += 5) batches.push(hits.slice(i, i + 5));
  return batches;
}

/** Every row a table holds, in an order that depends on no engine's collation. */
async function rows(storage: Storage, table: 'send_engagement' | 'send_counters' | 'list_members') {
  return ordered((await storage.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[]);
}

function ordered(found: Record<string, unknown>[]) {
  const key = (row: Record<string, unknown>) =>
    JSON.stringify([
      row['occurred_at'] ?? null,
      ...Object.keys(row)
        .sort()
        .map((k) => row[k]),
    ]);
  return found.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

async function stored(storage: Storage) {
  const db = storage.db;
  const visitors = await db.selectFrom('visitors').selectAll().execute();
  return {
    // Event ids are random: compare events by what they hold.
    events: ordered(
      (await db.selectFrom('email_events').selectAll().execute()).map(({ id: _, ...event }) => event),
    ),
    engagement: await rows(storage, 'send_engagement'),
    counters: await rows(storage, 'send_counters'),
    // New visitors get random ids: compare them by what they hold.
    visitors: visitors
      .map((v) => ({ ...v, id: v.id.startsWith('visitor') ? v.id : 'new' }))
      .sort((x, y) => `${x.contact_id}${x.id}`.localeCompare(`${y.contact_id}${y.id}`)),
    visits: await db.selectFrom('visits').select(['id', 'contact_id', 'identified']).execute(),
    members: await rows(storage, 'list_members'),
  };
}

const comparable = (outcome: HitOutcome) => ({
  ...outcome,
  visitorId: outcome.visitorId?.startsWith('visitor') ? outcome.visitorId : outcome.visitorId && 'new',
});

/** Runs each batch of the traffic, one after the other; returns the outcomes in order. */
type Way = (batches: EngagementHit[][]) => Promise<{ storage: Storage; outcomes: HitOutcome[] }>;

/** Through the hot path: the writer thread on a SQLite file, in process elsewhere. */
const throughHotPath =
  (open: () => Promise<Storage>): Way =>
  async (batches) => {
    const storage = await open();
    const writer = createEngagementWriter(storage, { maxBatch: 256, trackingDefault: true });
    const outcomes: HitOutcome[] = [];
    for (const batch of batches)
      outcomes.push(...(await Promise.all(batch.map((hit) => writer.record(hit)))));
    await writer.close();
    return { storage, outcomes };
  };

const ways: [string, Way][] = [
  ['the hot path, by the writer thread (SQLite file)', throughHotPath(() => freshFile('threaded.db'))],
  [
    'the thread store on its own connection, batch by batch',
    async (batches) => {
      const storage = await freshFile('thread-store.db');
      const connection = openSqliteConnection(join(dir, 'thread-store.db'));
      const write = openThreadStore(connection);
      const outcomes = batches.flatMap((batch) => write(batch, true));
      connection.close();
      return { storage, outcomes };
    },
  ],
  ['the hot path, in process on SQLite :memory:', throughHotPath(freshMemory)],
  [
    'in process through Kysely on a SQLite file (commitHits)',
    async (batches) => {
      const storage = await freshFile('in-process.db');
      const outcomes: HitOutcome[] = [];
      for (const batch of batches) outcomes.push(...(await commitHits(storage, batch, true)));
      return { storage, outcomes };
    },
  ],
  ...(postgresUrl
    ? ([['the hot path, in process on PostgreSQL', throughHotPath(freshPostgres)]] as [string, Way][])
    : []),
];

describe('the engagement store, every way it runs', () => {
  // The reference: the in-process commit on SQLite :memory:, batch after batch.
  const reference = (async () => {
    const storage = await freshMemory();
    const outcomes: HitOutcome[] = [];
    for (const batch of traffic()) outcomes.push(...(await commitHits(storage, batch, true)));
    const expected = await stored(storage);
    await storage.close();
    return { expected, outcomes };
  })();

  it('the traffic exercises what it should: machines, relabels, identified browsers, unsubscribes', async () => {
    const { expected } = await reference;
    expect(expected.events.some((e) => e['machine_reason'] === 'burst')).toBe(true);
    expect(expected.events.some((e) => e['machine_reason'] === 'near-honeypot')).toBe(true);
    const scanned = expected.events.filter((e) => e['source_hash'] === 'scanner' && e['kind'] === 'click');
    expect(scanned.map((e) => e['machine_reason'])).toEqual(['burst', 'burst', 'burst']);
    expect(expected.visits).toEqual([
      { id: 'visit00000000000000001', contact_id: CONTACTS[0]?.id, identified: 1 },
    ]);
    expect(expected.members.filter((m) => m['status'] === 'unsubscribed')).toHaveLength(4);
  });

  it.each(ways)(
    'stores and answers exactly what the reference does, batch after batch: %s',
    async (_, way) => {
      const { expected, outcomes: expectedOutcomes } = await reference;
      const { storage, outcomes } = await way(traffic());
      expect(outcomes.map(comparable)).toEqual(expectedOutcomes.map(comparable));
      expect(await stored(storage)).toEqual(expected);
      await storage.close();
    },
  );

  /** The statements one batch runs, in process (a fresh database each time). */
  async function statementsOf(open: () => Promise<Storage>, hits: EngagementHit[]): Promise<Statement[]> {
    const storage = await open();
    const seen: Statement[] = [];
    await storage.db
      .transaction()
      .execute((tx) => runOnDb(tx, recording(batchStatements(hits, true, storage.engine, null), seen)));
    await storage.close();
    return seen;
  }

  const engines: [string, () => Promise<Storage>][] = [
    ['SQLite', freshMemory],
    ...(postgresUrl ? ([['PostgreSQL', freshPostgres]] as [string, () => Promise<Storage>][]) : []),
  ];

  it.each(engines)(
    'on %s, a bigger batch runs no statement text a smaller one did not',
    async (engine, open) => {
      const [one, four] = [1, 4].map((n) =>
        CONTACTS.slice(0, n).flatMap(({ id }, i) => [
          { ...hitOf(id, 'open'), at: T0 + i },
          { ...hitOf(id, 'click'), at: T0 + 1_000 + i, position: 1 + i },
        ]),
      ) as [EngagementHit[], EngagementHit[]];
      const small = await statementsOf(open, one);
      const big = await statementsOf(open, four);
      // Fixed texts: on SQLite each is prepared once per connection, on PostgreSQL each is one statement.
      expect(new Set(big.map(textOf))).toEqual(new Set(small.map(textOf)));
      // PostgreSQL reads and writes the batch set-based: as many statements for four recipients as for one.
      if (engine === 'PostgreSQL') expect(big).toHaveLength(small.length);
      else expect(big.length).toBeGreaterThan(small.length);
    },
  );
});

/** Passes a program's statements through, keeping each. */
function* recording<T>(program: StatementProgram<T>, seen: Statement[]): StatementProgram<T> {
  for (let step = program.next(); ; ) {
    if (step.done) return step.value;
    seen.push(step.value);
    step = program.next(yield step.value);
  }
}

function hitOf(contactId: string, kind: EngagementHit['kind']): EngagementHit {
  return {
    kind,
    sendId: SEND,
    contactId,
    recipientKey: `key-${contactId}`,
    position: 0,
    honeypot: false,
    method: 'GET',
    userAgent: CHROME,
    network: null,
    sourceHash: `source-${contactId}`,
    visitorCookie: null,
    at: T0,
  };
}

describe('email engagement in the SQLite writer thread', () => {
  it('is committed by the thread: while another connection holds the write lock, the event loop runs on', async () => {
    const storage = await freshFile('locked.db');
    const writer = createEngagementWriter(storage, { maxBatch: 256, trackingDefault: true });
    const first = traffic()[0]?.[0] as EngagementHit;
    await writer.record(first); // starts the thread
    const lock = new SqliteDatabase(join(dir, 'locked.db'));
    lock.exec('begin immediate');
    let answered = false;
    const pending = writer.record({ ...first, at: T0 + 90_000 }).then((outcome) => {
      answered = true;
      return outcome;
    });
    // The hit is with the thread, which waits for the lock there; committed on the event loop instead, it
    // would never reach the thread and would wait for the lock on the loop (busy_timeout), stopping it.
    await waitFor('the hit to be handed to the writer thread', () => writerBacklog() > 0);
    let ticks = 0;
    for (let i = 0; i < 15; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      ticks += 1;
    }
    expect(ticks).toBe(15);
    expect(answered).toBe(false); // never answered before its commit
    lock.exec('commit');
    lock.close();
    expect(await pending).toMatchObject({ recorded: true });
    const opens = await storage.db.selectFrom('email_events').select('occurred_at').execute();
    expect(opens.map((o) => Number(o.occurred_at)).sort()).toEqual([first.at, T0 + 90_000]);
    await writer.close();
    await storage.close();
  });

  it('forgets what it remembered about recipients once another connection has written the file', async () => {
    const storage = await freshFile('remembered.db');
    const connection = openSqliteConnection(join(dir, 'remembered.db'));
    const write = openThreadStore(connection);
    const [a, , , d] = CONTACTS.map((x) => x.id) as [string, string, string, string];
    const click = (contactId: string, at: number): EngagementHit => ({
      kind: 'click',
      sendId: SEND,
      contactId,
      recipientKey: `key-${contactId}`,
      position: 1,
      honeypot: false,
      method: 'GET',
      userAgent: CHROME,
      network: null,
      sourceHash: `source-${at}`,
      visitorCookie: null,
      at,
    });
    const attached = async (at: number) =>
      (
        await storage.db
          .selectFrom('email_events')
          .select('contact_id')
          .where('occurred_at', '=', at)
          .execute()
      )
        .map((e) => e.contact_id)
        .sort();

    // Remembered: a, who allows tracking, and d. Then the main thread records a's refusal and takes
    // d off the send (as erasure does); the writer's next batch must see both.
    const [first] = write([click(a, T0 + 100_000), click(d, T0 + 100_000)], true);
    expect(first?.visitorId).toBeTruthy();
    await storage.db.updateTable('contacts').set({ email_tracking: 0 }).where('id', '=', a).execute();
    await storage.db.deleteFrom('send_recipients').where('contact_id', '=', d).execute();

    const [refused, erased] = write([click(a, T0 + 200_000), click(d, T0 + 200_000)], true);
    expect(refused).toMatchObject({ recorded: true, visitorId: null });
    expect(erased).toMatchObject({ recorded: false });
    expect(await attached(T0 + 100_000)).toEqual([a, a, d, d]); // each click and the open it implied
    expect(await attached(T0 + 200_000)).toEqual([null]); // a's click, counted but attached to no one
    connection.close();
    await storage.close();
  });

  it('forgets what a rolled-back batch changed', async () => {
    const storage = await freshFile('rolled-back.db');
    const connection = openSqliteConnection(join(dir, 'rolled-back.db'));
    const write = openThreadStore(connection);
    const a = CONTACTS[0]?.id as string;
    const open = (at: number, recipientKey = `key-${a}`): EngagementHit => ({
      kind: 'open',
      sendId: SEND,
      contactId: a,
      recipientKey,
      position: 0,
      honeypot: false,
      method: 'GET',
      userAgent: CHROME,
      network: null,
      sourceHash: 'source',
      visitorCookie: null,
      at,
    });
    write([open(T0 + 100_000)], true); // stored, and remembered: one open
    // A batch that fails after planning (an event without a recipient key): nothing of it is stored.
    expect(() => write([open(T0 + 200_000), open(T0 + 200_000, null as unknown as string)], true)).toThrow();
    write([open(T0 + 300_000)], true);
    const tallies = await storage.db.selectFrom('send_engagement').select(['scope', 'human']).execute();
    expect(tallies).toEqual([{ scope: 'open', human: 2 }]);
    const counters = await storage.db.selectFrom('send_counters').select(['name', 'value']).execute();
    expect(Object.fromEntries(counters.map((c) => [c.name, Number(c.value)]))).toEqual({
      'open:human': 2,
      'unique_open:human': 1,
      [COUNTER.hourly('open', 'human', T0 + 100_000)]: 2,
      [COUNTER.domain('mail.test', 'unique_open:human')]: 1,
    });
    connection.close();
    await storage.close();
  });
});
