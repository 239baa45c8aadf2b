// Storage reads for contact history: a contact's visits, their page views and form submissions,
// newest first from a cursor bound. The only file in src/history that touches storage.
import { sql } from 'kysely';
import type { Db } from '../storage/schema.ts';
import type { SourceBound } from './history-cursor.ts';

/** SQL condition: (at, id) comes after the bound in newest-first order. */
function afterBound(atColumn: string, idColumn: string, bound: SourceBound) {
  const at = sql.ref(atColumn);
  if ('sameAtIdBelow' in bound) {
    const id = sql.ref(idColumn);
    return sql<boolean>`(${at} < ${bound.at} or (${at} = ${bound.at} and ${id} < ${bound.sameAtIdBelow}))`;
  }
  return bound.orEqual ? sql<boolean>`${at} <= ${bound.at}` : sql<boolean>`${at} < ${bound.at}`;
}

export async function visitsOfContact(db: Db, contactId: string, bound: SourceBound | null, limit: number) {
  let query = db
    .selectFrom('visits')
    .leftJoin('websites', 'websites.id', 'visits.website_id')
    .select([
      'visits.id',
      'visits.website_id',
      'websites.name as website_name',
      'visits.started_at',
      'visits.last_seen_at',
      'visits.entry_path',
      'visits.referrer',
      'visits.utm_source',
      'visits.utm_medium',
      'visits.utm_campaign',
      'visits.utm_term',
      'visits.utm_content',
      'visits.pageviews',
      'visits.engaged_ms',
      'visits.bot_reason',
    ])
    .where('visits.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('visits.started_at', 'visits.id', bound));
  return query.orderBy('visits.started_at', 'desc').orderBy('visits.id', 'desc').limit(limit).execute();
}

export async function pageviewsOfVisits(db: Db, visitIds: readonly string[]) {
  if (visitIds.length === 0) return [];
  return db
    .selectFrom('pageviews')
    .select(['visit_id', 'url', 'path', 'title', 'occurred_at', 'engaged_ms'])
    .where('visit_id', 'in', [...visitIds])
    .orderBy('visit_id')
    .orderBy('occurred_at')
    .orderBy('event_id')
    .execute();
}

export async function submissionsOfContact(
  db: Db,
  contactId: string,
  bound: SourceBound | null,
  limit: number,
) {
  let query = db
    .selectFrom('form_submissions')
    .leftJoin('forms', 'forms.id', 'form_submissions.form_id')
    .select([
      'form_submissions.id',
      'form_submissions.form_id',
      'forms.name as form_name',
      'form_submissions.received_at',
      'form_submissions.status',
      'form_submissions.outcome',
      'form_submissions.anonymous',
      'form_submissions.payload',
    ])
    .where('form_submissions.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('form_submissions.received_at', 'form_submissions.id', bound));
  return query
    .orderBy('form_submissions.received_at', 'desc')
    .orderBy('form_submissions.id', 'desc')
    .limit(limit)
    .execute();
}
