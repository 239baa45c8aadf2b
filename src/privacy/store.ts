// Storage for privacy: what belongs to one contact (export, erasure), the erasure audit, and the
// batched deletes of anonymous tracking data past a website's retention period. The only file in
// src/privacy that touches storage.
import type { ExpressionBuilder } from 'kysely';
import type { Engine } from '../storage/database.ts';
import type { Database, Db } from '../storage/schema.ts';

// ---------------------------------------------------------------------------------------------------
// One contact's data

/**
 * The visits that are a contact's: those naming the contact, and any still unattributed visit of a
 * browser linked to them (the same browser, so the same person's). Visits of a shared browser that
 * name someone else stay that other person's.
 */
function contactVisits(eb: ExpressionBuilder<Database, 'visits'>, contactId: string) {
  return eb.or([
    eb('visits.contact_id', '=', contactId),
    eb.and([
      eb('visits.contact_id', 'is', null),
      eb(
        'visits.visitor_id',
        'in',
        eb.selectFrom('visitors').select('visitors.id').where('visitors.contact_id', '=', contactId),
      ),
    ]),
  ]);
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

export async function visitsOfContact(db: Db, contactId: string) {
  return db
    .selectFrom('visits')
    .leftJoin('websites', 'websites.id', 'visits.website_id')
    .selectAll('visits')
    .select('websites.name as website_name')
    .where((eb) => contactVisits(eb, contactId))
    .orderBy('visits.started_at')
    .orderBy('visits.id')
    .execute();
}

export async function pageviewsOfVisits(db: Db, visitIds: readonly string[]) {
  const rows = [];
  for (let i = 0; i < visitIds.length; i += 500) {
    rows.push(
      ...(await db
        .selectFrom('pageviews')
        .selectAll()
        .where('visit_id', 'in', visitIds.slice(i, i + 500))
        .orderBy('occurred_at')
        .orderBy('event_id')
        .execute()),
    );
  }
  return rows;
}

export async function submissionsOfContact(db: Db, contactId: string) {
  return db
    .selectFrom('form_submissions')
    .leftJoin('forms', 'forms.id', 'form_submissions.form_id')
    .selectAll('form_submissions')
    .select('forms.name as form_name')
    .where('form_submissions.contact_id', '=', contactId)
    .orderBy('form_submissions.received_at')
    .orderBy('form_submissions.id')
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

export async function countPrefillTokens(db: Db, contactId: string): Promise<number> {
  const row = await db
    .selectFrom('prefill_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_id', '=', contactId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The contact's email opens, clicks and unsubscribes: those attached to them (made with tracking
 * consent). Events made without consent name no one and are not theirs to export. The open a click
 * implies shares the click's instant and follows it.
 */
export async function emailEventsOf(db: Db, contactId: string) {
  return db
    .selectFrom('email_events')
    .leftJoin('send_links', (join) =>
      join
        .onRef('send_links.send_id', '=', 'email_events.send_id')
        .onRef('send_links.position', '=', 'email_events.link_position'),
    )
    .select([
      'email_events.id',
      'email_events.send_id',
      'email_events.kind',
      'email_events.link_position',
      'send_links.url',
      'send_links.honeypot',
      'email_events.occurred_at',
      'email_events.machine',
      'email_events.machine_reason',
      'email_events.implied',
      'email_events.user_agent',
    ])
    .where('email_events.contact_id', '=', contactId)
    .orderBy('email_events.occurred_at')
    .orderBy('email_events.implied')
    .orderBy('email_events.id')
    .execute();
}

export async function listMembershipsOf(db: Db, contactId: string) {
  return db
    .selectFrom('list_members')
    .leftJoin('lists', 'lists.id', 'list_members.list_id')
    .selectAll('list_members')
    .select('lists.name as list_name')
    .where('list_members.contact_id', '=', contactId)
    .orderBy('list_members.added_at')
    .orderBy('list_members.list_id')
    .execute();
}

/** The emails sent (or blocked, or bounced) to the contact, one row per send. */
export async function sendRecipientsOf(db: Db, contactId: string) {
  return db
    .selectFrom('send_recipients')
    .leftJoin('sends', 'sends.id', 'send_recipients.send_id')
    .selectAll('send_recipients')
    .select(['sends.subject', 'sends.message_id'])
    .where('send_recipients.contact_id', '=', contactId)
    .orderBy('send_recipients.sent_at')
    .orderBy('send_recipients.send_id')
    .execute();
}

/** Locks the contact row (PostgreSQL) so merges and erasures of it take turns. False when it is gone. */
export async function lockContact(db: Db, engine: Engine, contactId: string): Promise<boolean> {
  let query = db.selectFrom('contacts').select('id').where('id', '=', contactId);
  if (engine === 'postgres') query = query.forUpdate();
  return (await query.executeTakeFirst()) !== undefined;
}

/** Locks the browsers linked to the contact, in id order like the tracking writer; returns their ids. */
export async function lockLinkedVisitors(db: Db, engine: Engine, contactId: string): Promise<string[]> {
  let query = db.selectFrom('visitors').select('id').where('contact_id', '=', contactId).orderBy('id');
  if (engine === 'postgres') query = query.forUpdate();
  return (await query.execute()).map((row) => row.id);
}

const deleted = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

export async function deleteContactPageviews(db: Db, contactId: string): Promise<number> {
  return deleted(
    await db
      .deleteFrom('pageviews')
      .where('visit_id', 'in', (eb) =>
        eb
          .selectFrom('visits')
          .select('visits.id')
          .where((v) => contactVisits(v, contactId)),
      )
      .executeTakeFirst(),
  );
}

export async function deleteContactVisits(db: Db, contactId: string): Promise<number> {
  return deleted(
    await db
      .deleteFrom('visits')
      .where((eb) => contactVisits(eb, contactId))
      .executeTakeFirst(),
  );
}

export async function deleteVisitors(db: Db, visitorIds: readonly string[]) {
  if (visitorIds.length === 0) return { visitors: 0, aliases: 0 };
  const aliases = deleted(
    await db
      .deleteFrom('visitor_aliases')
      .where('visitor_id', 'in', [...visitorIds])
      .executeTakeFirst(),
  );
  const visitors = deleted(
    await db
      .deleteFrom('visitors')
      .where('id', 'in', [...visitorIds])
      .executeTakeFirst(),
  );
  return { visitors, aliases };
}

/**
 * Deletes the contact's email data. Recipient rows go first: the engagement writer reads them with a
 * share lock, so a click being recorded for this contact finishes before (and its event is deleted
 * here) or finds the recipient gone and records nothing. Per-send counters stay (aggregates); events
 * made without tracking consent name no one, and with the contact id gone nothing links them to anyone.
 */
export async function deleteContactEmailRows(db: Db, contactId: string) {
  const sendRecipients = deleted(
    await db.deleteFrom('send_recipients').where('contact_id', '=', contactId).executeTakeFirst(),
  );
  const emailEvents = deleted(
    await db.deleteFrom('email_events').where('contact_id', '=', contactId).executeTakeFirst(),
  );
  const listMemberships = deleted(
    await db.deleteFrom('list_members').where('contact_id', '=', contactId).executeTakeFirst(),
  );
  return { sendRecipients, emailEvents, listMemberships };
}

export async function deleteContactRows(db: Db, contactId: string) {
  const formSubmissions = deleted(
    await db.deleteFrom('form_submissions').where('contact_id', '=', contactId).executeTakeFirst(),
  );
  const prefillTokens = deleted(
    await db.deleteFrom('prefill_tokens').where('contact_id', '=', contactId).executeTakeFirst(),
  );
  const mergeRecords = deleted(
    await db.deleteFrom('contact_merges').where('winner_id', '=', contactId).executeTakeFirst(),
  );
  const contacts = deleted(await db.deleteFrom('contacts').where('id', '=', contactId).executeTakeFirst());
  return { contacts, formSubmissions, prefillTokens, mergeRecords };
}

export async function insertErasure(
  db: Db,
  erasure: { id: string; contactId: string; erasedAt: number; counts: Record<string, number> },
) {
  await db
    .insertInto('contact_erasures')
    .values({
      id: erasure.id,
      contact_id: erasure.contactId,
      erased_at: erasure.erasedAt,
      counts: JSON.stringify(erasure.counts),
    })
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Retention

export async function websitesWithRetention(db: Db) {
  const rows = await db
    .selectFrom('websites')
    .select(['id', 'retention_days'])
    .where('retention_days', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, retentionDays: Number(row.retention_days) }));
}

/**
 * Deletes up to `limit` anonymous visits of a website whose last activity is before `cutoff`, with
 * their page views. On PostgreSQL the page views are locked first (the order the tracking writer
 * locks in), then the visits with SKIP LOCKED, so a visit being identified or written by another
 * transaction — or being deleted by another node — is left for later rather than waited on.
 */
export async function deleteAnonymousVisitBatch(
  tx: Db,
  engine: Engine,
  websiteId: string,
  cutoff: number,
  limit: number,
): Promise<{ candidates: number; visits: number; pageviews: number }> {
  const candidates = (
    await tx
      .selectFrom('visits')
      .select('id')
      .where('website_id', '=', websiteId)
      // started_at narrows through the (website_id, started_at) index; a visit ends after it starts.
      .where('started_at', '<', cutoff)
      .where('last_seen_at', '<', cutoff)
      .where('contact_id', 'is', null)
      .orderBy('started_at')
      .orderBy('id')
      .limit(limit)
      .execute()
  ).map((row) => row.id);
  if (candidates.length === 0) return { candidates: 0, visits: 0, pageviews: 0 };

  let ids = candidates;
  if (engine === 'postgres') {
    await tx
      .selectFrom('pageviews')
      .select('event_id')
      .where('visit_id', 'in', candidates)
      .orderBy('website_id')
      .orderBy('event_id')
      .forUpdate()
      .execute();
    ids = (
      await tx
        .selectFrom('visits')
        .select('id')
        .where('id', 'in', candidates)
        .where('contact_id', 'is', null)
        .where('last_seen_at', '<', cutoff)
        .orderBy('id')
        .forUpdate()
        .skipLocked()
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) return { candidates: candidates.length, visits: 0, pageviews: 0 };
  }
  const pageviews = deleted(await tx.deleteFrom('pageviews').where('visit_id', 'in', ids).executeTakeFirst());
  const visits = deleted(
    await tx.deleteFrom('visits').where('id', 'in', ids).where('contact_id', 'is', null).executeTakeFirst(),
  );
  return { candidates: candidates.length, visits, pageviews };
}

/**
 * Deletes up to `limit` page views recorded without identifiers (no visit) before `cutoff`. On
 * PostgreSQL rows another transaction holds (a late engaged-time update, another node's pass) are skipped.
 */
export async function deleteAnonymousPageviewBatch(
  tx: Db,
  engine: Engine,
  websiteId: string,
  cutoff: number,
  limit: number,
): Promise<{ candidates: number; pageviews: number }> {
  let query = tx
    .selectFrom('pageviews')
    .select('event_id')
    .where('website_id', '=', websiteId)
    .where('occurred_at', '<', cutoff)
    .where('visit_id', 'is', null)
    .orderBy('occurred_at')
    .orderBy('event_id')
    .limit(limit);
  if (engine === 'postgres') query = query.forUpdate().skipLocked();
  const ids = (await query.execute()).map((row) => row.event_id);
  if (ids.length === 0) return { candidates: 0, pageviews: 0 };
  const pageviews = deleted(
    await tx
      .deleteFrom('pageviews')
      .where('website_id', '=', websiteId)
      .where('event_id', 'in', ids)
      .where('visit_id', 'is', null)
      .executeTakeFirst(),
  );
  return { candidates: ids.length, pageviews };
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
    .where('contact_id', 'is', null)
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
  const aliases = deleted(
    await tx.deleteFrom('visitor_aliases').where('visitor_id', 'in', ids).executeTakeFirst(),
  );
  const visitors = deleted(
    await tx.deleteFrom('visitors').where('id', 'in', ids).where('contact_id', 'is', null).executeTakeFirst(),
  );
  return { scanned: ids.length, lastId: ids[ids.length - 1] ?? afterId, visitors, aliases };
}

/** Suppression-list entries for an address (a hard bounce keeps it from being emailed again). */
export async function suppressionsOf(db: Db, emailMatch: string | null) {
  if (!emailMatch) return [];
  return db.selectFrom('email_suppressions').selectAll().where('email_match', '=', emailMatch).execute();
}

/**
 * Deletes the suppression of an erased contact's address unless another contact still has that
 * address (then the entry protects them, and names no one by itself).
 */
export async function deleteOrphanSuppression(db: Db, emailMatch: string | null): Promise<number> {
  if (!emailMatch) return 0;
  const others = await db
    .selectFrom('contacts')
    .select('id')
    .where('email_match', '=', emailMatch)
    .limit(1)
    .executeTakeFirst();
  if (others) return 0;
  return deleted(
    await db.deleteFrom('email_suppressions').where('email_match', '=', emailMatch).executeTakeFirst(),
  );
}

export async function emailMatchOf(db: Db, contactId: string): Promise<string | null> {
  const row = await db
    .selectFrom('contacts')
    .select('email_match')
    .where('id', '=', contactId)
    .executeTakeFirst();
  return row?.email_match ?? null;
}
