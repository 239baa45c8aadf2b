// Storage for identity: which browser belongs to which contact, and contact merges.
import { sql } from 'kysely';
import { newId } from '../lib/ids.ts';
import { moveMemberships } from '../lists/store.ts';
import type { Db } from '../storage/schema.ts';

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
  const visitor = await db
    .selectFrom('visitors')
    .select('contact_id')
    .where('id', '=', visitorId)
    .executeTakeFirst();
  if (visitor?.contact_id === contactId) return 'unchanged';
  await db.updateTable('visitors').set({ contact_id: contactId }).where('id', '=', visitorId).execute();
  if (visitor?.contact_id) return 'relinked';
  await db
    .updateTable('visits')
    .set({ contact_id: contactId, identified: 1 })
    .where('visitor_id', '=', visitorId)
    .where('contact_id', 'is', null)
    .execute();
  return 'first';
}

/**
 * Serialises writers that could match the same person — form submissions, CSV imports — until their
 * transaction ends (PostgreSQL; SQLite has one writer anyway). Keys are locked in one order so two
 * writers holding several keys cannot deadlock.
 */
export async function lockMatchKeys(
  db: Db,
  engine: 'sqlite' | 'postgres',
  keys: readonly string[],
): Promise<void> {
  if (engine !== 'postgres' || keys.length === 0) return;
  await sql`select pg_advisory_xact_lock(h) from (
    select distinct hashtextextended(k, 0) as h from unnest(${keys}::text[]) as k order by h
  ) as ordered`.execute(db);
}

export const lockMatchKey = (db: Db, engine: 'sqlite' | 'postgres', key: string) =>
  lockMatchKeys(db, engine, [key]);

/** Moves everything of `loserId` to `winnerId`, keeps an audit record with the loser's data, deletes the loser. */
export async function mergeContactInto(
  db: Db,
  winnerId: string,
  loserId: string,
  reason: string,
  now: number,
): Promise<void> {
  const loser = await db.selectFrom('contacts').selectAll().where('id', '=', loserId).executeTakeFirst();
  const winner = await db.selectFrom('contacts').selectAll().where('id', '=', winnerId).executeTakeFirst();
  if (!loser || !winner) return;

  // The winner keeps its values; fields it lacks are filled from the loser.
  const fill = <K extends keyof typeof winner>(k: K) => winner[k] ?? loser[k];
  const custom = { ...JSON.parse(loser.custom), ...stripNulls(JSON.parse(winner.custom)) };
  await db
    .updateTable('contacts')
    .set({
      email: fill('email'),
      email_match: fill('email_match'),
      first_name: fill('first_name'),
      last_name: fill('last_name'),
      company: fill('company'),
      phone: fill('phone'),
      job_title: fill('job_title'),
      country: fill('country'),
      custom: JSON.stringify(custom),
      prefill_allowed: Math.max(winner.prefill_allowed, loser.prefill_allowed),
      // A "no" from either record is the person's "no": to marketing email and to being tracked.
      do_not_email: Math.max(Number(winner.do_not_email), Number(loser.do_not_email)),
      email_tracking: mergedTrackingChoice(winner.email_tracking, loser.email_tracking),
      updated_at: now,
    })
    .where('id', '=', winnerId)
    .execute();

  await db.updateTable('visitors').set({ contact_id: winnerId }).where('contact_id', '=', loserId).execute();
  await db.updateTable('visits').set({ contact_id: winnerId }).where('contact_id', '=', loserId).execute();
  await db
    .updateTable('form_submissions')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  await db
    .updateTable('prefill_tokens')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  await db
    .updateTable('contact_merges')
    .set({ winner_id: winnerId })
    .where('winner_id', '=', loserId)
    .execute();
  await moveMemberships(db, loserId, winnerId);
  await moveEmailRecords(db, loserId, winnerId);
  await db
    .insertInto('contact_merges')
    .values({
      id: newId(),
      winner_id: winnerId,
      loser_id: loserId,
      merged_at: now,
      reason,
      loser_snapshot: JSON.stringify(loser),
    })
    .execute();
  await db.deleteFrom('contacts').where('id', '=', loserId).execute();
}

/** Explicit refusal wins, then explicit consent, else the install default (null). */
function mergedTrackingChoice(a: number | null, b: number | null): number | null {
  if (a === 0 || b === 0) return 0;
  return a ?? b;
}

/** The loser's emails and interactions become the winner's; where both got the same send, the winner's row stands. */
async function moveEmailRecords(db: Db, loserId: string, winnerId: string): Promise<void> {
  await db
    .updateTable('email_events')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  await db
    .deleteFrom('send_recipients')
    .where('contact_id', '=', loserId)
    .where('send_id', 'in', (q) =>
      q.selectFrom('send_recipients').select('send_id').where('contact_id', '=', winnerId),
    )
    .execute();
  await db
    .updateTable('send_recipients')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
}

function stripNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined));
}

/** Where a merged-away contact id lives on now (follows chains of merges). */
export async function survivingContactId(db: Db, contactId: string): Promise<string | null> {
  let current = contactId;
  for (let hops = 0; hops < 20; hops++) {
    const exists = await db.selectFrom('contacts').select('id').where('id', '=', current).executeTakeFirst();
    if (exists) return current;
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
