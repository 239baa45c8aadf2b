// Storage for outcomes after sending and the reports they came in: the outcome rows (one per send ×
// contact × kind), the reports kept with their verdicts, and the reads attribution and the soft-bounce
// window need.
import { sql } from 'kysely';
import { afterBound } from '../../platform/interactions/after-bound.ts';
import type { SourceBound } from '../../platform/interactions/interaction.ts';
import type { BounceOutcomesTable, BounceReportsTable, Db, ReportVerdict } from '../../storage/schema.ts';

export type OutcomeRow = BounceOutcomesTable;

/** Adds the outcome; false when the same send × contact × kind is already recorded. */
export async function insertOutcome(db: Db, row: OutcomeRow): Promise<boolean> {
  const result = await db
    .insertInto('bounce_outcomes')
    .values(row)
    .onConflict((oc) => oc.columns(['send_id', 'contact_id', 'kind']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function insertReport(db: Db, row: BounceReportsTable): Promise<void> {
  await db.insertInto('bounce_reports').values(row).execute();
}

/** Reports newest first, optionally of one verdict; `after` = the last row of the previous page. */
export async function pageReports(
  db: Db,
  query: {
    verdict?: ReportVerdict | undefined;
    after?: { at: number; id: string } | undefined;
    limit: number;
  },
) {
  const after = query.after;
  return db
    .selectFrom('bounce_reports')
    .selectAll()
    .$if(query.verdict !== undefined, (qb) => qb.where('verdict', '=', query.verdict as ReportVerdict))
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('received_at', '<', after!.at),
          eb.and([eb('received_at', '=', after!.at), eb('id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
}

/** Deletes up to `limit` reports received before `before`, oldest first; how many it deleted. */
export async function deleteReportsBefore(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('bounce_reports')
    .where(
      'id',
      'in',
      db
        .selectFrom('bounce_reports')
        .select('id')
        .where('received_at', '<', before)
        .orderBy('received_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether a signed webhook request with this token was taken before (a replay). */
export async function webhookTokenSeen(db: Db, provider: string, token: string): Promise<boolean> {
  const row = await db
    .selectFrom('webhook_tokens')
    .select('seen_at')
    .where('provider', '=', provider)
    .where('token', '=', token)
    .executeTakeFirst();
  return row !== undefined;
}

/** Notes the token as taken; false when it already was (two deliveries of one request raced). */
export async function rememberWebhookToken(
  db: Db,
  provider: string,
  token: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .insertInto('webhook_tokens')
    .values({ provider, token, seen_at: now })
    .onConflict((oc) => oc.columns(['provider', 'token']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Tokens older than any request that still passes the freshness window. */
export async function forgetWebhookTokensBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('webhook_tokens').where('seen_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findReport(db: Db, id: string) {
  return db.selectFrom('bounce_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recipientFor(db: Db, sendId: string, contactId: string) {
  return db
    .selectFrom('send_recipients')
    .select(['send_id', 'contact_id', 'email', 'status'])
    .where('send_id', '=', sendId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
}

/** The recipient an email with this Message-ID went to (the Message-ID names one send × contact). */
export async function recipientByMessageId(db: Db, messageId: string) {
  return db
    .selectFrom('send_recipients')
    .select(['send_id', 'contact_id'])
    .where('smtp_message_id', '=', messageId)
    .limit(1)
    .executeTakeFirst();
}

/** Moves a recipient on from `from` to `to` (a late bounce); false when it was no longer `from`. */
export async function changeRecipientStatus(
  db: Db,
  key: { sendId: string; contactId: string },
  from: string,
  to: 'hard_bounce' | 'soft_bounce',
  lastResponse: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable('send_recipients')
    .set({ status: to, ...(lastResponse ? { last_response: lastResponse.slice(0, 500) } : {}) })
    .where('send_id', '=', key.sendId)
    .where('contact_id', '=', key.contactId)
    .where('status', '=', from as 'sent')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface RecentSend {
  send_id: string;
  status: string;
}

/** The contact's last `limit` sends to this address that were attempted, newest first. */
export async function recentSendsTo(
  db: Db,
  contactId: string,
  emailMatch: string,
  limit: number,
): Promise<RecentSend[]> {
  const rows = await db
    .selectFrom('send_recipients as r')
    .innerJoin('sends as s', 's.id', 'r.send_id')
    .select(['r.send_id', 'r.status'])
    .where('r.contact_id', '=', contactId)
    .where(sql`lower(r.email)`, '=', emailMatch)
    .where('r.status', 'not in', ['blocked', 'pending', 'sending'])
    .orderBy('s.created_at', 'desc')
    .orderBy('r.send_id', 'desc')
    .limit(limit)
    .execute();
  return rows;
}

export async function outcomesFor(db: Db, contactId: string, sendIds: readonly string[]) {
  if (sendIds.length === 0) return [];
  return db
    .selectFrom('bounce_outcomes')
    .select(['send_id', 'kind'])
    .where('contact_id', '=', contactId)
    .where('send_id', 'in', [...sendIds])
    .execute();
}

function outcomesWithSend(db: Db) {
  return db
    .selectFrom('bounce_outcomes as o')
    .leftJoin('sends as s', 's.id', 'o.send_id')
    .leftJoin('messages as m', 'm.id', 's.message_id')
    .select([
      'o.id',
      'o.send_id',
      'o.contact_id',
      'o.kind',
      'o.category',
      'o.status',
      'o.detail',
      'o.source',
      'o.occurred_at',
      's.subject',
      's.message_id',
      'm.name as message_name',
    ]);
}
export type ContactOutcomeRow = Awaited<ReturnType<ReturnType<typeof outcomesWithSend>['execute']>>[number];

export async function outcomesOfContact(db: Db, contactId: string, bound: SourceBound | null, limit: number) {
  let query = outcomesWithSend(db).where('o.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('o.occurred_at', 'o.id', bound));
  return query.orderBy('o.occurred_at', 'desc').orderBy('o.id', 'desc').limit(limit).execute();
}

export async function outcomesByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return outcomesWithSend(db)
    .where('o.id', 'in', [...ids])
    .execute();
}

// ---- the personal-data registry ----

export async function outcomesForExport(db: Db, contactId: string) {
  return db
    .selectFrom('bounce_outcomes')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

export async function deleteOutcomesOf(db: Db, contactId: string): Promise<number> {
  const result = await db
    .deleteFrom('bounce_outcomes')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A merged-away contact's outcomes become the winner's; where both have one for a send, the winner's stands. */
export async function moveOutcomes(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  await db
    .deleteFrom('bounce_outcomes')
    .where('contact_id', '=', fromContactId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('bounce_outcomes as w')
          .select(sql.lit(1).as('one'))
          .whereRef('w.send_id', '=', 'bounce_outcomes.send_id')
          .whereRef('w.kind', '=', 'bounce_outcomes.kind')
          .where('w.contact_id', '=', toContactId),
      ),
    )
    .execute();
  await db
    .updateTable('bounce_outcomes')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}

/** Where an address's outcomes on these sends came from (a suppression history's listings say it). */
export async function outcomeSourcesOf(db: Db, emailMatch: string, sendIds: readonly string[]) {
  if (sendIds.length === 0) return [];
  return db
    .selectFrom('bounce_outcomes')
    .select(['send_id', 'kind', 'source'])
    .where('email_match', '=', emailMatch)
    .where('send_id', 'in', [...new Set(sendIds)])
    .execute();
}

/**
 * A send's outcomes by kind and category, with how many of each arrived after the SMTP server had
 * accepted the email (every source but `smtp`). Reads the send's rows on the unique key's index: as
 * many rows as the send had bounces, complaints and auto-replies.
 */
export async function outcomeCountsOfSend(db: Db, sendId: string) {
  const rows = await db
    .selectFrom('bounce_outcomes')
    .select((eb) => [
      'kind',
      'category',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(sql<number>`case when source = 'smtp' then 0 else 1 end`).as('late'),
    ])
    .where('send_id', '=', sendId)
    .groupBy(['kind', 'category'])
    .execute();
  return rows.map((row) => ({
    kind: row.kind,
    category: row.category,
    count: Number(row.n),
    late: Number(row.late ?? 0),
  }));
}
