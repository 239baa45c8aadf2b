// Storage for forms and form submissions.
import type { Selectable } from 'kysely';
import { afterBound } from '../platform/interactions/after-bound.ts';
import type { SourceBound } from '../platform/interactions/interaction.ts';
import { deletedCount } from '../storage/deleted-count.ts';
import type { Db, FormSubmissionsTable, FormsTable } from '../storage/schema.ts';
import type { Form } from './form.ts';
import type { FormDefinition } from './form-definition.ts';

function toForm(row: Selectable<FormsTable>): Form {
  return {
    id: row.id,
    name: row.name,
    websiteId: row.website_id,
    definition: JSON.parse(row.definition) as FormDefinition,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export async function insertForm(
  db: Db,
  form: { id: string; name: string; websiteId: string | null; definition: FormDefinition },
  now: number,
) {
  await db
    .insertInto('forms')
    .values({
      id: form.id,
      name: form.name,
      website_id: form.websiteId,
      page_slug: form.definition.page?.slug ?? null,
      definition: JSON.stringify(form.definition),
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateForm(
  db: Db,
  form: { id: string; name: string; websiteId: string | null; definition: FormDefinition },
  now: number,
) {
  await db
    .updateTable('forms')
    .set({
      name: form.name,
      website_id: form.websiteId,
      page_slug: form.definition.page?.slug ?? null,
      definition: JSON.stringify(form.definition),
      updated_at: now,
    })
    .where('id', '=', form.id)
    .execute();
}

export async function findForm(db: Db, id: string): Promise<Form | undefined> {
  const row = await db.selectFrom('forms').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toForm(row) : undefined;
}

export async function listForms(db: Db): Promise<Form[]> {
  return (await db.selectFrom('forms').selectAll().orderBy('created_at').orderBy('id').execute()).map(toForm);
}

export async function findFormByPageSlug(db: Db, slug: string): Promise<Form | undefined> {
  const row = await db.selectFrom('forms').selectAll().where('page_slug', '=', slug).executeTakeFirst();
  return row ? toForm(row) : undefined;
}

export async function pageSlugTaken(db: Db, slug: string, exceptFormId: string | null): Promise<boolean> {
  let query = db.selectFrom('forms').select('id').where('page_slug', '=', slug);
  if (exceptFormId) query = query.where('id', '!=', exceptFormId);
  return (await query.executeTakeFirst()) !== undefined;
}

export type SubmissionRow = Selectable<FormSubmissionsTable>;

/** Stores a submission before any processing. Returns false when this form already has that submission key. */
export async function insertSubmission(db: Db, row: FormSubmissionsTable): Promise<boolean> {
  const inserted = await db
    .insertInto('form_submissions')
    .values(row)
    .onConflict((oc) => oc.columns(['form_id', 'submission_key']).doNothing())
    .returning('id')
    .execute();
  return inserted.length === 1;
}

export async function findSubmissionByKey(
  db: Db,
  formId: string,
  key: string,
): Promise<SubmissionRow | undefined> {
  return db
    .selectFrom('form_submissions')
    .selectAll()
    .where('form_id', '=', formId)
    .where('submission_key', '=', key)
    .executeTakeFirst();
}

export async function lockSubmission(
  db: Db,
  id: string,
  engine: 'sqlite' | 'postgres',
): Promise<SubmissionRow | undefined> {
  let query = db.selectFrom('form_submissions').selectAll().where('id', '=', id);
  if (engine === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function markSubmission(
  db: Db,
  id: string,
  result: {
    status: 'processed' | 'failed';
    contactId?: string | null;
    outcome?: 'created' | 'updated' | null;
    error?: string | null;
  },
) {
  await db
    .updateTable('form_submissions')
    .set({
      status: result.status,
      contact_id: result.contactId ?? null,
      outcome: result.outcome ?? null,
      error: result.error ?? null,
    })
    .where('id', '=', id)
    .execute();
}

/** Submissions still waiting (a crash, or a failure worth retrying), oldest first. */
export async function pendingSubmissions(db: Db, receivedBefore: number, limit: number) {
  return db
    .selectFrom('form_submissions')
    .select('id')
    .where('status', '=', 'pending')
    .where('received_at', '<', receivedBefore)
    .orderBy('received_at')
    .limit(limit)
    .execute();
}

/** A processed submission: whose it is, what matching did, and the browser it came from. */
export async function markProcessed(
  db: Db,
  id: string,
  result: { contactId: string; outcome: 'created' | 'updated'; visitorId: string | null },
): Promise<void> {
  await db
    .updateTable('form_submissions')
    .set({
      status: 'processed',
      contact_id: result.contactId,
      outcome: result.outcome,
      visitor_id: result.visitorId,
    })
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Prefill tokens (only their hashes are stored)

export async function insertPrefillToken(db: Db, tokenHash: string, contactId: string, now: number) {
  await db
    .insertInto('prefill_tokens')
    .values({ token_hash: tokenHash, contact_id: contactId, created_at: now })
    .execute();
}

export async function findPrefillToken(db: Db, tokenHash: string) {
  return db.selectFrom('prefill_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function deletePrefillTokensOf(db: Db, contactId: string): Promise<number> {
  return deletedCount(
    await db.deleteFrom('prefill_tokens').where('contact_id', '=', contactId).executeTakeFirst(),
  );
}

export async function countPrefillTokens(db: Db, contactId: string): Promise<number> {
  const row = await db
    .selectFrom('prefill_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_id', '=', contactId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------------------------------------------
// One contact's submissions and tokens (the personal-data registry: export, erasure, merge)

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

export async function deleteSubmissionsOf(db: Db, contactId: string): Promise<number> {
  return deletedCount(
    await db.deleteFrom('form_submissions').where('contact_id', '=', contactId).executeTakeFirst(),
  );
}

/** A merged-away contact's submissions and prefill tokens become the winner's. */
export async function moveSubmissionsAndTokens(db: Db, fromContactId: string, toContactId: string) {
  await db
    .updateTable('form_submissions')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
  await db
    .updateTable('prefill_tokens')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}

// --- Reads for the interaction feed (src/forms/submission-interactions.ts): a contact's submissions. ---

function submissionsWithForm(db: Db) {
  return db
    .selectFrom('form_submissions')
    .leftJoin('forms', 'forms.id', 'form_submissions.form_id')
    .select([
      'form_submissions.id',
      'form_submissions.contact_id',
      'form_submissions.form_id',
      'forms.name as form_name',
      'form_submissions.received_at',
      'form_submissions.status',
      'form_submissions.outcome',
      'form_submissions.anonymous',
      'form_submissions.payload',
    ]);
}

export type ContactSubmissionRow = Awaited<ReturnType<typeof submissionPageOfContact>>[number];

/** The submissions matched to the contact, newest first by (received, id), after a cursor's bound. */
export async function submissionPageOfContact(
  db: Db,
  contactId: string,
  bound: SourceBound | null,
  limit: number,
) {
  let query = submissionsWithForm(db).where('form_submissions.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('form_submissions.received_at', 'form_submissions.id', bound));
  return query
    .orderBy('form_submissions.received_at', 'desc')
    .orderBy('form_submissions.id', 'desc')
    .limit(limit)
    .execute();
}

/** Submissions by id that belong to a contact. */
export async function contactSubmissionsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return submissionsWithForm(db)
    .where('form_submissions.id', 'in', [...ids])
    .where('form_submissions.contact_id', 'is not', null)
    .execute();
}

/** Submissions received in [fromMs, toMs), whatever became of them, through form_submissions_by_status. */
export async function countSubmissionsReceivedBetween(db: Db, fromMs: number, toMs: number): Promise<number> {
  const row = await db
    .selectFrom('form_submissions')
    // Every status, named so the (status, received_at) index serves the range.
    .where('status', 'in', ['pending', 'processed', 'failed'])
    .where('received_at', '>=', fromMs)
    .where('received_at', '<', toMs)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- A form's submissions, newest first (the dashboard's submissions table) ---

/** A page of the form's submissions, newest first by (received, id), after the previous page's last. */
export async function pageSubmissionsOfForm(
  db: Db,
  formId: string,
  query: { limit: number; before?: { receivedAt: number; id: string } },
) {
  let q = db
    .selectFrom('form_submissions')
    .select(['id', 'received_at', 'status', 'outcome', 'contact_id', 'anonymous', 'payload', 'error'])
    .where('form_id', '=', formId);
  if (query.before) {
    const { receivedAt, id } = query.before;
    q = q.where((eb) =>
      eb.or([
        eb('received_at', '<', receivedAt),
        eb.and([eb('received_at', '=', receivedAt), eb('id', '<', id)]),
      ]),
    );
  }
  return q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}
