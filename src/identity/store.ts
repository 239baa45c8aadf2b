// Storage for identity: which browser belongs to which contact, and contact merges.
import { sql } from 'kysely';
import { findContactRow } from '../contacts/store.ts';
import { newId } from '../lib/ids.ts';
import type { Engine } from '../storage/database.ts';
import { deletedCount } from '../storage/deleted-count.ts';
import { lockMatchKeys } from '../storage/match-key-locks.ts';
import type { Db } from '../storage/schema.ts';
import { change, first, runOnDb, type StatementProgram } from '../storage/statements.ts';

/** The visitor a browser's ids name (tracking-host cookie first, then the first-party mirror). */
export async function resolveVisitor(
  db: Db,
  ids: (string | null)[],
): Promise<{ id: string; contactId: string | null } | null> {
  for (const id of ids) {
    if (!id) continue;
    const direct = await db
      .selectFrom('visitors')
      .select(['id', 'contact_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (direct) return { id: direct.id, contactId: direct.contact_id };
    const alias = await db
      .selectFrom('visitor_aliases')
      .select('visitor_id')
      .where('alias_id', '=', id)
      .executeTakeFirst();
    if (alias) {
      const target = await db
        .selectFrom('visitors')
        .select(['id', 'contact_id'])
        .where('id', '=', alias.visitor_id)
        .executeTakeFirst();
      if (target) return { id: target.id, contactId: target.contact_id };
    }
  }
  return null;
}

export async function createVisitor(db: Db, id: string, now: number): Promise<void> {
  await db
    .insertInto('visitors')
    .values({ id, created_at: now, last_seen_at: now, contact_id: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * Maps a browser to a contact. The first time, every earlier anonymous visit of that browser joins the
 * contact's history. When the browser already belonged to someone else (a shared computer), only
 * what happens from now on is the new contact's; the earlier history stays where it was.
 */
export async function linkVisitor(
  db: Db,
  visitorId: string,
  contactId: string,
): Promise<'first' | 'relinked' | 'unchanged'> {
  return runOnDb(db, linkVisitorStatements(visitorId, contactId));
}

/** linkVisitor as a statement program: the one place the rule is written (storage/statements.ts). */
function* linkVisitorStatements(
  visitorId: string,
  contactId: string,
  known?: { contact_id: string | null } | null,
): StatementProgram<'first' | 'relinked' | 'unchanged'> {
  const visitor =
    known !== undefined
      ? known
      : yield* first<{ contact_id: string | null }>('select contact_id from visitors where id = ?', [
          visitorId,
        ]);
  if (visitor?.contact_id === contactId) return 'unchanged';
  yield* change('update visitors set contact_id = ? where id = ?', [contactId, visitorId]);
  if (visitor?.contact_id) return 'relinked';
  yield* change(
    'update visits set contact_id = ?, identified = 1 where visitor_id = ? and contact_id is null',
    [contactId, visitorId],
  );
  return 'first';
}

/**
 * The one function that links a browser to a contact from the browser's cookie (an email click with
 * tracking consent; run by the engagement store on either engine): the browser keeps the visitor id it
 * already has (its earlier anonymous visits join the contact), a well-formed id the database no longer
 * knows (retention) is adopted as the collect endpoint does, and the visitor is linked (linkVisitor's
 * rule). Returns the visitor id. No cache of its own: the writer thread's browser cache
 * (tracking/browser-cache.ts) sees the link through the connection's change count and drops what it holds.
 */
export function* linkBrowserStatements(
  cookieId: string,
  contactId: string,
  now: number,
): StatementProgram<string> {
  type Known = { id: string; contact_id: string | null };
  let known = yield* first<Known>('select id, contact_id from visitors where id = ?', [cookieId]);
  if (!known) {
    const alias = yield* first<{ visitor_id: string }>(
      'select visitor_id from visitor_aliases where alias_id = ?',
      [cookieId],
    );
    if (alias)
      known = yield* first<Known>('select id, contact_id from visitors where id = ?', [alias.visitor_id]);
  }
  const visitorId = known?.id ?? cookieId;
  if (!known)
    yield* change(
      'insert into visitors (id, created_at, last_seen_at, contact_id) values (?, ?, ?, null) on conflict (id) do nothing',
      [visitorId, now, now],
    );
  yield* linkVisitorStatements(visitorId, contactId, known ?? null);
  return visitorId;
}

export const lockMatchKey = (db: Db, engine: 'sqlite' | 'postgres', key: string) =>
  lockMatchKeys(db, engine, [key]);

/** Browsers of a merged-away contact become the winner's. */
export async function moveVisitors(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .updateTable('visitors')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}

/** Merge records a merged-away contact had won (snapshots of contacts merged into it) pass to the winner. */
export async function moveMergeRecords(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .updateTable('contact_merges')
    .set({ winner_id: toContactId })
    .where('winner_id', '=', fromContactId)
    .execute();
}

/** The audit record of one merge, with the merged-away contact's row as it was. */
export async function insertMergeRecord(
  db: Db,
  record: { winnerId: string; loserId: string; reason: string; mergedAt: number; loserSnapshot: unknown },
): Promise<void> {
  await db
    .insertInto('contact_merges')
    .values({
      id: newId(),
      winner_id: record.winnerId,
      loser_id: record.loserId,
      merged_at: record.mergedAt,
      reason: record.reason,
      loser_snapshot: JSON.stringify(record.loserSnapshot),
    })
    .execute();
}

export async function linkedVisitors(db: Db, contactId: string) {
  return db
    .selectFrom('visitors')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function aliasesOf(db: Db, visitorIds: readonly string[]) {
  if (visitorIds.length === 0) return [];
  return db
    .selectFrom('visitor_aliases')
    .selectAll()
    .where('visitor_id', 'in', [...visitorIds])
    .orderBy('alias_id')
    .execute();
}

/** Merge records where the contact won: they hold snapshots of the contacts merged into it. */
export async function mergesWonBy(db: Db, contactId: string) {
  return db
    .selectFrom('contact_merges')
    .selectAll()
    .where('winner_id', '=', contactId)
    .orderBy('merged_at')
    .orderBy('id')
    .execute();
}

/** Locks the browsers linked to the contact, in id order like the tracking writer; returns their ids. */
export async function lockLinkedVisitors(db: Db, engine: Engine, contactId: string): Promise<string[]> {
  let query = db.selectFrom('visitors').select('id').where('contact_id', '=', contactId).orderBy('id');
  if (engine === 'postgres') query = query.forUpdate();
  return (await query.execute()).map((row) => row.id);
}

/** Deletes the contact's browsers and the other ids they were known by. */
export async function deleteLinkedVisitors(db: Db, engine: Engine, contactId: string) {
  const visitorIds = await lockLinkedVisitors(db, engine, contactId);
  if (visitorIds.length === 0) return { visitors: 0, aliases: 0 };
  const aliases = deletedCount(
    await db.deleteFrom('visitor_aliases').where('visitor_id', 'in', visitorIds).executeTakeFirst(),
  );
  const visitors = deletedCount(
    await db.deleteFrom('visitors').where('id', 'in', visitorIds).executeTakeFirst(),
  );
  return { visitors, aliases };
}

export async function deleteMergesWonBy(db: Db, contactId: string): Promise<number> {
  return deletedCount(
    await db.deleteFrom('contact_merges').where('winner_id', '=', contactId).executeTakeFirst(),
  );
}

/** Where a merged-away contact id lives on now (follows chains of merges). */
export async function survivingContactId(db: Db, contactId: string): Promise<string | null> {
  let current = contactId;
  for (let hops = 0; hops < 20; hops++) {
    if (await findContactRow(db, current)) return current;
    const merge = await db
      .selectFrom('contact_merges')
      .select('winner_id')
      .where('loser_id', '=', current)
      .executeTakeFirst();
    if (!merge) return null;
    current = merge.winner_id;
  }
  return null;
}

/**
 * Deletes up to `limit` browsers with no contact, no visit left on any website and no activity since
 * `cutoff`, with their aliases; walks the visitors table by id from `afterId`.
 */
export async function deleteOrphanVisitorBatch(
  tx: Db,
  engine: Engine,
  cutoff: number,
  afterId: string | null,
  limit: number,
): Promise<{ scanned: number; lastId: string | null; visitors: number; aliases: number }> {
  let query = tx
    .selectFrom('visitors')
    .select('id')
    // Not `contact_id is null`: SQLite's planner would take visitors_by_contact for it, read every anonymous
    // browser and sort them all, in every batch. Written so, the batch walks the primary key from the
    // cursor and stops at `limit` (decision 039).
    .where(sql<string>`coalesce(contact_id, '')`, '=', '')
    .where('last_seen_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('visits').select('visits.id').whereRef('visits.visitor_id', '=', 'visitors.id'))),
    )
    .orderBy('id')
    .limit(limit);
  if (afterId !== null) query = query.where('id', '>', afterId);
  // A browser that the tracking writer holds is about to get a visit: skip it, do not wait.
  if (engine === 'postgres') query = query.forUpdate().skipLocked();
  const ids = (await query.execute()).map((row) => row.id);
  if (ids.length === 0) return { scanned: 0, lastId: afterId, visitors: 0, aliases: 0 };
  const aliases = deletedCount(
    await tx.deleteFrom('visitor_aliases').where('visitor_id', 'in', ids).executeTakeFirst(),
  );
  const visitors = deletedCount(
    // By id alone (checked above in this transaction, which holds the rows): `contact_id is null` here made
    // SQLite's planner walk visitors_by_contact, every anonymous browser, for a long IN list (decision 039).
    await tx.deleteFrom('visitors').where('id', 'in', ids).executeTakeFirst(),
  );
  return { scanned: ids.length, lastId: ids[ids.length - 1] ?? afterId, visitors, aliases };
}
