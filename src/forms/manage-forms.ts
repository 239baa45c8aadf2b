// Defining forms through the API: every definition is checked before it is stored.

import { listCustomFields } from '../contacts/store.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { existingListIds } from '../lists/store.ts';
import type { Db } from '../storage/schema.ts';
import { findWebsite } from '../websites/store.ts';
import type { Form } from './form.ts';
import { checkFormInput, type FormInput, refineFormInput, toDefinition } from './form-definition.ts';
import { findForm, insertForm, pageSlugTaken, updateForm } from './store.ts';

/** The input as it will be stored; bad input is a 400, a well-formed one Spoor cannot use a 422. */
async function checkInput(db: Db, input: FormInput, formId: string | null): Promise<FormInput> {
  const custom = (await listCustomFields(db)).map((f) => f.key);
  const problems = checkFormInput(input, custom);
  if (input.websiteId && !(await findWebsite(db, input.websiteId)))
    problems.push(`No website with id "${input.websiteId}".`);
  if (problems.length > 0) throw new AppError('bad_request', problems.join(' '), { problems });
  const refined = refineFormInput(input);
  if (refined.problems.length > 0) {
    throw new AppError('unprocessable', refined.problems.join(' '), { problems: refined.problems });
  }
  // A conflict, as when two saves race for the slug and the unique constraint decides (http/error-mapper.ts maps that).
  if (input.page && (await pageSlugTaken(db, input.page.slug, formId)))
    throw new AppError('conflict', `The page slug "${input.page.slug}" is used by another form.`);
  const listIds = (input.lists ?? []).map((s) => s.listId);
  const lists = await existingListIds(db, listIds);
  const unknown = listIds.filter((id) => !lists.has(id));
  if (unknown.length > 0) {
    throw new AppError('unprocessable', `No list with id ${unknown.map((id) => `"${id}"`).join(', ')}.`, {
      unknownListIds: unknown,
    });
  }
  return refined.input;
}

export async function defineForm(db: Db, input: FormInput): Promise<Form> {
  const checked = await checkInput(db, input, null);
  const id = newId();
  await insertForm(
    db,
    { id, name: checked.name, websiteId: checked.websiteId ?? null, definition: toDefinition(checked) },
    Date.now(),
  );
  return (await findForm(db, id))!;
}

export async function redefineForm(db: Db, id: string, input: FormInput): Promise<Form> {
  await getForm(db, id);
  const checked = await checkInput(db, input, id);
  await updateForm(
    db,
    { id, name: checked.name, websiteId: checked.websiteId ?? null, definition: toDefinition(checked) },
    Date.now(),
  );
  return (await findForm(db, id))!;
}

export async function getForm(db: Db, id: string): Promise<Form> {
  const form = await findForm(db, id);
  if (!form) throw new AppError('not_found', `No form with id "${id}".`);
  return form;
}
