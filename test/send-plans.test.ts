// A send's statements on PostgreSQL when the table's statistics predate the send, as a running install
// has when a new send starts: its id is in no histogram, and a big table is re-analysed only after 10 % of
// it changed. PostgreSQL then estimates one row for the new send and may pick any index that starts with
// send_id. Each statement here must read about as many recipient rows as it acts on, not every recipient
// of the send: the claim (decision 049) and every lookup of a recipient by key — the outcomes of a batch,
// a bounce, an offer click, the pixel's and the click's batch reads (decision 050). Counted in rows
// PostgreSQL read, never in time.
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeRecipientStatus, recipientFor } from '../src/email/bounces/store.ts';
import { readAtOnce } from '../src/email/engagement/batch-reads.ts';
import type { EngagementHit } from '../src/email/engagement/engagement-hit.ts';
import { recentKey } from '../src/email/engagement/engagement-plan.ts';
import { claimDue, recipientSentAt, recordAttempts } from '../src/email/sends/store.ts';
import type { Storage } from '../src/storage/database.ts';
import type { Db } from '../src/storage/schema.ts';
import { runOnDb } from '../src/storage/statements.ts';
import { catchingStatements } from './helpers/caught-statement.ts';
import { sendRow } from './helpers/email-fixtures.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';

const OWNER = 'node-a';
const PENDING = 18_000;
const LIMIT = 4;

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows every node on `relation` in the plan read (kept or filtered out), over all its loops. */
function rowsRead(node: PlanNode, relation: string): number {
  const perLoop =
    (node['Actual Rows'] ?? 0) +
    (node['Rows Removed by Filter'] ?? 0) +
    (node['Rows Removed by Index Recheck'] ?? 0);
  const own = node['Relation Name'] === relation ? perLoop * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

/**
 * Runs `act` against a db that records what it sends, then undoes it and runs each recorded statement
 * again, in order, under EXPLAIN ANALYZE (which executes it: the replay goes through the same states as
 * `act` did); all in a transaction rolled back at the end. Returns what `act` returned and the rows each
 * statement read from `relation`.
 */
async function rowsReadBy<T>(
  db: Db,
  relation: string,
  act: (db: Db) => Promise<T>,
): Promise<{ result: T; rows: number[]; statements: string[] }> {
  let outcome: { result: T; rows: number[]; statements: string[] } | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      const catching = catchingStatements(trx);
      await sql`savepoint acted`.execute(trx);
      const result = await act(catching.db);
      await sql`rollback to savepoint acted`.execute(trx);
      const rows: number[] = [];
      const statements: string[] = [];
      for (const compiled of catching.caught()) {
        const explained = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          CompiledQuery.raw(`explain (analyze, format json) ${compiled.sql}`, [...compiled.parameters]),
        );
        const plan = (explained.rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
        rows.push(rowsRead(plan, relation));
        statements.push(compiled.sql);
      }
      outcome = { result, rows, statements };
      throw new RolledBack();
    })
    .catch((error) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  if (!outcome) throw new Error('nothing was explained');
  return outcome;
}
class RolledBack extends Error {}

const hit = (contactId: string, kind: 'open' | 'click'): EngagementHit => ({
  kind,
  sendId: 'new',
  contactId,
  recipientKey: `key-${contactId}`,
  position: 0,
  honeypot: false,
  method: 'GET',
  userAgent: null,
  network: null,
  sourceHash: 'h',
  visitorCookie: null,
  at: Date.now(),
});

describe('a send’s statements under statistics that predate it [postgres]', () => {
  let database: TestDatabase;
  let storage: Storage;

  async function insertSend(
    id: string,
    status: 'done' | 'sending',
    recipients: number,
    recipientStatus: string,
  ) {
    const now = Date.now();
    await storage.db
      .insertInto('sends')
      .values(
        sendRow(id, {
          status,
          finished_at: null,
          lease_owner: status === 'sending' ? OWNER : null,
          lease_until: status === 'sending' ? now + 60_000 : null,
        }),
      )
      .execute();
    await sql`insert into send_recipients (send_id, contact_id, email, status, next_attempt_at, smtp_message_id)
      select ${id}, 'c' || i, 'c' || i || '@example.com', ${recipientStatus}, i, ${id} || '.' || i || '@spoor'
      from generate_series(1, ${recipients}::int) as i`.execute(storage.db);
    await sql`insert into send_engagement (send_id, recipient_key, scope, human, machine)
      select ${id}, 'key-c' || i, 'open', 1, 0 from generate_series(1, ${recipients}::int) as i`.execute(
      storage.db,
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    storage = database.open();
    // Statistics from earlier sends only, as a running install has when a new send starts.
    await insertSend('earlier', 'done', 20_000, 'sent');
    await sql`analyze send_recipients`.execute(storage.db);
    await sql`analyze send_engagement`.execute(storage.db);
    await insertSend('new', 'sending', PENDING, 'pending');
    // One recipient went out early (a resend); the rest is pending.
    await sql`update send_recipients set status = 'sent', sent_at = 1
      where send_id = 'new' and contact_id = 'c1500'`.execute(storage.db);
  }, 120_000);

  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('claims the first due recipients in order, reading about as many rows as it claims', async () => {
    const { result, rows } = await rowsReadBy(storage.db, 'send_recipients', (db) =>
      claimDue(db, 'postgres', 'new', OWNER, Date.now(), LIMIT),
    );
    expect(result.map((row) => row.contact_id)).toEqual(['c1', 'c2', 'c3', 'c4']);
    // The next four, then those four again by tuple id; the old form read ~PENDING × (1 + LIMIT).
    expect(rows).toHaveLength(1);
    expect(rows[0]).toBeLessThanOrEqual(4 * LIMIT);
  });

  it('records a batch’s outcomes reading the recipients being sent, not the whole send', async () => {
    const { result, rows, statements } = await rowsReadBy(storage.db, 'send_recipients', async (db) => {
      const claimed = await claimDue(db, 'postgres', 'new', OWNER, Date.now(), LIMIT);
      return recordAttempts(
        db,
        'new',
        claimed.map((row) => ({
          contact_id: row.contact_id,
          status: 'sent',
          attempts: 1,
          next_attempt_at: 0,
          last_response: '250 OK',
          sent_at: Date.now(),
          smtp_message_id: null,
        })),
      );
    });
    expect([...result].sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(statements).toHaveLength(2);
    // The four being sent, counted twice: read, then written (the update's own node). The old plan read
    // every recipient of the send (PENDING) and kept the four.
    expect(rows[1]).toBe(2 * LIMIT);
  });

  it('looks one recipient up by key for a bounce or an offer click: one row, whatever its status', async () => {
    for (const contactId of ['c1500', 'c12500']) {
      const lookups = [
        await rowsReadBy(storage.db, 'send_recipients', (db) => recipientFor(db, 'new', contactId)),
        await rowsReadBy(storage.db, 'send_recipients', (db) => recipientSentAt(db, 'new', contactId)),
      ];
      for (const { result, rows } of lookups) {
        expect(result).toMatchObject({ status: contactId === 'c1500' ? 'sent' : 'pending' });
        expect(rows).toEqual([1]);
      }
    }
    const late = await rowsReadBy(storage.db, 'send_recipients', (db) =>
      changeRecipientStatus(db, { sendId: 'new', contactId: 'c1500' }, 'sent', 'hard_bounce', '550 gone'),
    );
    expect(late.result).toBe(true);
    expect(late.rows).toEqual([1]);
  });

  it('reads a batch of opens and clicks by its recipients’ keys: as many rows as the batch names', async () => {
    const hits = [hit('c5', 'open'), hit('c1200', 'click'), hit('c12900', 'open'), hit('c5', 'click')];
    for (const relation of ['send_recipients', 'send_engagement']) {
      const { result, rows, statements } = await rowsReadBy(storage.db, relation, (db) =>
        runOnDb(db, readAtOnce(hits, true)),
      );
      expect([...result.recipients.values()].map((facts) => facts.exists)).toEqual([true, true, true]);
      expect(result.recipients.get(recentKey('new', 'key-c5'))?.tallies.get('open')).toEqual({
        human: 1,
        machine: 0,
      });
      const reading = rows.filter((_, i) => statements[i]!.includes(relation));
      expect(reading, `the read of ${relation}`).toEqual([3]);
    }
  });

  it('claims nothing for a node that does not hold the send’s lease', async () => {
    const claimed = await claimDue(storage.db, 'postgres', 'new', 'node-b', Date.now(), LIMIT);
    expect(claimed).toEqual([]);
  });
});
