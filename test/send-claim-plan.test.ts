// A send claims its next recipients many times a second for hours. On PostgreSQL the claim must look at
// the rows it claims, not at every pending recipient of the send, even when the table's statistics
// predate the send (a new send's id is in no histogram; a big table is re-analysed only after 10 % of it
// changed). The old `contact_id in (…)` form joined every pending row against the sub-select, re-run
// per row: 174 ms per claim at 18,000 pending (decision 049). Counted in rows PostgreSQL read, not time.
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDue } from '../src/email/sends/store.ts';
import type { Storage } from '../src/storage/database.ts';
import { catchingStatements } from './helpers/caught-statement.ts';
import { sendRow } from './helpers/email-fixtures.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';

const OWNER = 'node-a';
const PENDING = 3_000;
const LIMIT = 4;

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Rows every scan of `relation` in the plan produced, over all its loops. */
function rowsRead(node: PlanNode, relation: string): number {
  const own =
    node['Relation Name'] === relation ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

describe('claiming a send’s next recipients [postgres]', () => {
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
    await sql`insert into send_recipients (send_id, contact_id, email, status, next_attempt_at)
      select ${id}, 'c' || i, 'c' || i || '@example.com', ${recipientStatus}, i
      from generate_series(1, ${recipients}::int) as i`.execute(storage.db);
  }

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    storage = database.open();
    // Statistics from earlier sends only, as a running install has when a new send starts.
    await insertSend('earlier', 'done', 20_000, 'sent');
    await sql`analyze send_recipients`.execute(storage.db);
    await insertSend('new', 'sending', PENDING, 'pending');
  }, 120_000);

  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('claims the first due recipients in order, reading about as many rows as it claims', async () => {
    await storage.db.transaction().execute(async (trx) => {
      const catching = catchingStatements(trx);
      const claimed = await claimDue(catching.db, 'postgres', 'new', OWNER, Date.now(), LIMIT);
      expect(claimed.map((row) => row.contact_id)).toEqual(['c1', 'c2', 'c3', 'c4']);
      // The statement the store sent, run again (rolled back) under EXPLAIN ANALYZE.
      const caught = catching.caught();
      expect(caught).toHaveLength(1);
      const compiled = caught[0] as CompiledQuery;
      await sql`savepoint explained`.execute(trx);
      const explained = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        CompiledQuery.raw(`explain (analyze, format json) ${compiled.sql}`, [...compiled.parameters]),
      );
      await sql`rollback to savepoint explained`.execute(trx);
      const plan = (explained.rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
      // The next four, then those four again by tuple id; the old form read ~PENDING × (1 + LIMIT).
      expect(rowsRead(plan, 'send_recipients')).toBeLessThanOrEqual(4 * LIMIT);
    });
  });

  it('claims nothing for a node that does not hold the send’s lease', async () => {
    const claimed = await claimDue(storage.db, 'postgres', 'new', 'node-b', Date.now(), LIMIT);
    expect(claimed).toEqual([]);
  });
});
