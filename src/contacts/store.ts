// Storage for contacts and custom field definitions.
import { type Selectable, sql, type Updateable } from 'kysely';
import type { ContactFieldsTable, ContactsTable, Db } from '../storage/schema.ts';
import type { Contact, CustomFieldDefinition, CustomValue, EmailPermissions } from './contact.ts';

/** Column values of a contact as stored (standard fields already cleaned). */
export interface ContactRow {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  phone: string | null;
  job_title: string | null;
  country: string | null;
  custom: Record<string, CustomValue>;
}

export function toContact(row: Selectable<ContactsTable>): Contact {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    company: row.company,
    phone: row.phone,
    jobTitle: row.job_title,
    country: row.country,
    custom: JSON.parse(row.custom) as Record<string, CustomValue>,
    prefillAllowed: row.prefill_allowed === 1,
    emailTracking: row.email_tracking === null ? null : Number(row.email_tracking) === 1,
    doNotEmail: Number(row.do_not_email) === 1,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** The editable values of a stored contact, as applyValues takes them. */
export function contactRowOf(row: Selectable<ContactsTable>): ContactRow {
  return {
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    company: row.company,
    phone: row.phone,
    job_title: row.job_title,
    country: row.country,
    custom: JSON.parse(row.custom) as Record<string, CustomValue>,
  };
}

const emailMatch = (email: string | null) => (email ? email.toLowerCase() : null);

export async function insertContact(db: Db, id: string, row: ContactRow, now: number): Promise<void> {
  await insertContacts(db, [{ id, row }], now);
}

export async function updateContactRow(db: Db, id: string, row: ContactRow, now: number): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ ...row, email_match: emailMatch(row.email), custom: JSON.stringify(row.custom), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function setPrefillAllowed(db: Db, id: string, allowed: boolean): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ prefill_allowed: allowed ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}

/** Sets the email permissions given (absent ones stay as they are). */
export async function setEmailPermissions(db: Db, id: string, permissions: EmailPermissions): Promise<void> {
  const values: { email_tracking?: number | null; do_not_email?: number } = {};
  if (permissions.emailTracking !== undefined)
    values.email_tracking = permissions.emailTracking === null ? null : permissions.emailTracking ? 1 : 0;
  if (permissions.doNotEmail !== undefined) values.do_not_email = permissions.doNotEmail ? 1 : 0;
  if (Object.keys(values).length === 0) return;
  await db.updateTable('contacts').set(values).where('id', '=', id).execute();
}

export async function findContactRow(db: Db, id: string) {
  return db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findContact(db: Db, id: string): Promise<Contact | undefined> {
  const row = await findContactRow(db, id);
  return row ? toContact(row) : undefined;
}

/** The columns of the standard fields. */
export type StandardColumn =
  | 'email'
  | 'first_name'
  | 'last_name'
  | 'company'
  | 'phone'
  | 'job_title'
  | 'country';

/** A contact row that must exist (read after a match found it in the same transaction). */
export async function getContactRow(db: Db, id: string) {
  return db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Contacts whose `column` equals `value` ignoring case (all contacts when value is null), oldest first. */
export async function findContactsByColumn(db: Db, column: StandardColumn, value: string | null) {
  let query = db.selectFrom('contacts').selectAll();
  if (value)
    query = query.where((eb) => eb(eb.fn('lower', [eb.ref(column)]), '=', value.trim().toLowerCase()));
  return query.orderBy('created_at').orderBy('id').execute();
}

/** Locks the contact row (PostgreSQL) so merges and erasures of it take turns. False when it is gone. */
export async function lockContact(db: Db, engine: 'sqlite' | 'postgres', id: string): Promise<boolean> {
  let query = db.selectFrom('contacts').select('id').where('id', '=', id);
  if (engine === 'postgres') query = query.forUpdate();
  return (await query.executeTakeFirst()) !== undefined;
}

/** Whether a contact other than `exceptId` has this (matched) address. */
export async function otherContactHasEmail(db: Db, emailMatch: string, exceptId: string): Promise<boolean> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('email_match', '=', emailMatch)
    .where('id', '!=', exceptId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A merge's combined values, written over the winner's row. */
export async function setMergedValues(
  db: Db,
  id: string,
  values: Omit<Updateable<ContactsTable>, 'id' | 'created_at'>,
): Promise<void> {
  await db.updateTable('contacts').set(values).where('id', '=', id).execute();
}

export async function deleteContact(db: Db, id: string): Promise<number> {
  const result = await db.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Contacts whose email matches (case-insensitively), oldest first. */
export async function findContactsByEmail(db: Db, email: string) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('email_match', '=', email.toLowerCase())
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export interface ContactPageQuery {
  search?: string;
  limit: number;
  /** Opaque position from the previous page: `${createdAt}.${id}`. */
  after?: { createdAt: number; id: string };
}

export async function pageContacts(db: Db, query: ContactPageQuery) {
  let q = db.selectFrom('contacts').selectAll();
  if (query.search) {
    const like = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or(
        ['email_match', 'first_name', 'last_name', 'company'].map((column) =>
          eb(eb.fn('lower', [eb.ref(column as 'email_match')]), 'like', eb.val(like)),
        ),
      ),
    );
  }
  if (query.after) {
    const { createdAt, id } = query.after;
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '>', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
      ]),
    );
  }
  return q.orderBy('created_at').orderBy('id').limit(query.limit).execute();
}

export async function countContacts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Contacts created in [fromMs, toMs), through contacts_by_created (created_at, id). */
export async function countContactsCreatedBetween(db: Db, fromMs: number, toMs: number): Promise<number> {
  const row = await db
    .selectFrom('contacts')
    .where('created_at', '>=', fromMs)
    .where('created_at', '<', toMs)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function toDefinition(row: Selectable<ContactFieldsTable>): CustomFieldDefinition {
  return { key: row.key, label: row.label, type: row.type };
}

export async function listCustomFields(db: Db): Promise<CustomFieldDefinition[]> {
  return (await db.selectFrom('contact_fields').selectAll().orderBy('key').execute()).map(toDefinition);
}

export async function insertCustomField(db: Db, field: CustomFieldDefinition, now: number): Promise<boolean> {
  const result = await db
    .insertInto('contact_fields')
    // Named columns, not a spread: a body's extra properties survive validation and must not reach SQL.
    .values({ key: field.key, label: field.label, type: field.type, created_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** For each email match key, the oldest contact with it (bulk matching, e.g. CSV import). */
export async function findOldestContactsByEmail(
  db: Db,
  matches: readonly string[],
): Promise<Map<string, Selectable<ContactsTable>>> {
  const oldest = new Map<string, Selectable<ContactsTable>>();
  // Chunked to stay far below both engines' limits on bound parameters.
  for (let i = 0; i < matches.length; i += 1000) {
    const rows = await db
      .selectFrom('contacts')
      .selectAll()
      .where('email_match', 'in', matches.slice(i, i + 1000))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of rows)
      if (row.email_match && !oldest.has(row.email_match)) oldest.set(row.email_match, row);
  }
  return oldest;
}

/** Inserts many contacts with multi-row statements. */
export async function insertContacts(
  db: Db,
  contacts: readonly { id: string; row: ContactRow }[],
  now: number,
): Promise<void> {
  for (let i = 0; i < contacts.length; i += 1000) {
    await db
      .insertInto('contacts')
      .values(
        contacts.slice(i, i + 1000).map(({ id, row }) => ({
          id,
          ...row,
          email_match: emailMatch(row.email),
          custom: JSON.stringify(row.custom),
          prefill_allowed: 0,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
}

/** PostgreSQL: refreshes the planner's statistics for contacts after a bulk load (SQLite needs none). */
export async function refreshContactStatistics(db: Db, engine: 'sqlite' | 'postgres') {
  if (engine === 'postgres') await sql`analyze contacts`.execute(db);
}
