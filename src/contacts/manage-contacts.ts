// Creating, changing, reading and listing contacts, with every value cleaned and checked first.
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { pageOf } from '../lib/page.ts';
import type { Db } from '../storage/schema.ts';
import type {
  Contact,
  ContactValues,
  CustomFieldDefinition,
  CustomValue,
  EmailPermissions,
} from './contact.ts';
import { STANDARD_FIELDS } from './contact.ts';
import { cleanCustomField, cleanStandardField, type FieldProblem, isProblem } from './contact-rules.ts';
import { searchTerms } from './search-terms.ts';
import {
  type ContactFilters,
  type ContactRow,
  clearCustomValues,
  contactRowOf,
  deleteCustomField,
  findContact,
  findContactRow,
  insertContact,
  insertCustomField,
  listCustomFields,
  pageContacts,
  setEmailPermissions,
  toContact,
  updateContactRow,
  updateCustomFieldLabel,
} from './store.ts';

const COLUMN = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  company: 'company',
  phone: 'phone',
  jobTitle: 'job_title',
  country: 'country',
} as const;

export class ContactValidationError extends AppError {
  constructor(readonly problems: FieldProblem[]) {
    super(
      'unprocessable',
      `Some values are not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
      {
        fields: Object.fromEntries(problems.map((p) => [p.field, p.message])),
      },
    );
  }
}

/**
 * Merges incoming values over a stored row. Only fields present in `values` change; a present empty
 * value clears the field. Unknown custom fields are refused so typos do not silently vanish.
 */
export function applyValues(
  base: ContactRow,
  values: ContactValues,
  definitions: readonly CustomFieldDefinition[],
): { row: ContactRow } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const row: ContactRow = { ...base, custom: { ...base.custom } };
  for (const field of STANDARD_FIELDS) {
    if (!(field in values)) continue;
    const cleaned = cleanStandardField(field, values[field]);
    if (isProblem(cleaned)) problems.push(cleaned);
    else row[COLUMN[field]] = cleaned.value;
  }
  for (const [key, value] of Object.entries(values.custom ?? {})) {
    const definition = definitions.find((d) => d.key === key);
    if (!definition) {
      problems.push({
        field: key,
        message: 'is not a contact field (define it under /api/contact-fields first)',
      });
      continue;
    }
    const cleaned = cleanCustomField(definition, value);
    if (isProblem(cleaned)) problems.push(cleaned);
    else row.custom[key] = cleaned.value as CustomValue;
  }
  return problems.length > 0 ? { problems } : { row };
}

export const EMPTY_ROW: ContactRow = {
  email: null,
  first_name: null,
  last_name: null,
  company: null,
  phone: null,
  job_title: null,
  country: null,
  custom: {},
};

/** Runs `work` in a transaction, or in the caller's when it already has one. */
function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

export async function createContact(db: Db, values: ContactValues & EmailPermissions): Promise<Contact> {
  const result = applyValues(EMPTY_ROW, values, await listCustomFields(db));
  if ('problems' in result) throw new ContactValidationError(result.problems);
  const id = newId();
  await inTransaction(db, async (tx) => {
    await insertContact(tx, id, result.row, Date.now());
    await setEmailPermissions(tx, id, values);
  });
  return (await findContact(db, id))!;
}

export async function changeContact(
  db: Db,
  id: string,
  values: ContactValues & EmailPermissions,
): Promise<Contact> {
  const current = await findContactRow(db, id);
  if (!current) throw new AppError('not_found', `No contact with id "${id}".`);
  const result = applyValues(contactRowOf(current), values, await listCustomFields(db));
  if ('problems' in result) throw new ContactValidationError(result.problems);
  await inTransaction(db, async (tx) => {
    const permissionsChanged = await setEmailPermissions(tx, id, values);
    await updateContactRow(tx, id, result.row, Date.now(), permissionsChanged);
  });
  return (await findContact(db, id))!;
}

export async function getContact(db: Db, id: string): Promise<Contact> {
  const contact = await findContact(db, id);
  if (!contact) throw new AppError('not_found', `No contact with id "${id}".`);
  return contact;
}

export interface ContactPage {
  contacts: Contact[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) throw new AppError('bad_request', 'cursor is not one this API returned.');
  return { createdAt: Number(match[1]), id: match[2]! };
}

export interface ContactListQuery {
  search?: string | undefined;
  filters?: ContactFilters;
  order?: 'oldest' | 'newest';
  limit: number;
  cursor?: string | undefined;
}

export async function listContacts(db: Db, query: ContactListQuery): Promise<ContactPage> {
  const after = decodeCursor(query.cursor);
  const rows = await pageContacts(db, {
    terms: searchTerms(query.search),
    filters: query.filters ?? {},
    order: query.order ?? 'oldest',
    limit: query.limit + 1,
    ...(after ? { after } : {}),
  });
  const page = pageOf(rows, query.limit, (last) => `${Number(last.created_at)}.${last.id}`);
  return { contacts: page.rows.map(toContact), nextCursor: page.nextCursor };
}

const FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;

export async function defineCustomField(
  db: Db,
  field: CustomFieldDefinition,
): Promise<CustomFieldDefinition> {
  if (!FIELD_KEY.test(field.key)) {
    throw new AppError(
      'bad_request',
      'key must start with a letter and use only a-z, 0-9 and _ (at most 40).',
    );
  }
  if (
    (STANDARD_FIELDS as readonly string[]).includes(field.key) ||
    Object.values(COLUMN).includes(field.key as never)
  ) {
    throw new AppError('conflict', `"${field.key}" is a standard field.`);
  }
  if (!(await insertCustomField(db, field, Date.now()))) {
    throw new AppError('conflict', `A contact field "${field.key}" already exists.`);
  }
  return { key: field.key, label: field.label, type: field.type };
}

/** Gives a custom field a new label; its key (what forms, imports and merge fields name) stays. */
export async function relabelCustomField(db: Db, key: string, label: string): Promise<CustomFieldDefinition> {
  const trimmed = label.trim();
  if (trimmed === '')
    throw new AppError('unprocessable', 'A contact field needs a label.', { fields: { label: 'is empty' } });
  if (!(await updateCustomFieldLabel(db, key, trimmed)))
    throw new AppError('not_found', `No contact field "${key}".`);
  return (await listCustomFields(db)).find((field) => field.key === key)!;
}

/**
 * What else names a custom field by its key: forms (their fields or duplicate detection). Given by the
 * app's wiring (src/app.ts), as forms build on contacts and contacts must not import them back.
 */
export type ContactFieldUsers = (db: Db, key: string) => Promise<{ id: string; name: string }[]>;

/**
 * Removes a custom field and every contact's value for it. Refused (409, naming them) while a form uses
 * it: its submissions would otherwise all be refused for naming a field that no longer exists.
 */
export async function removeCustomField(
  db: Db,
  key: string,
  usersOf: ContactFieldUsers,
): Promise<{ clearedContacts: number }> {
  return inTransaction(db, async (tx) => {
    if (!(await listCustomFields(tx)).some((field) => field.key === key))
      throw new AppError('not_found', `No contact field "${key}".`);
    const forms = await usersOf(tx, key);
    if (forms.length > 0)
      throw new AppError(
        'conflict',
        `The field "${key}" is used by ${forms.length === 1 ? 'the form' : 'the forms'} ${forms
          .map((form) => `"${form.name}"`)
          .join(', ')}; take it out of ${forms.length === 1 ? 'that form' : 'those forms'} first.`,
        { forms },
      );
    await deleteCustomField(tx, key);
    return { clearedContacts: await clearCustomValues(tx, key) };
  });
}
