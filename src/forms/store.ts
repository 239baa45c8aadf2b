// Storage for forms and form submissions.
import type { Selectable } from 'kysely';
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
