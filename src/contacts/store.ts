// Storage for contacts and custom field definitions.
import { PostgresAdapter, type RawBuilder, type Selectable, sql, type Updateable } from 'kysely';
import { newId } from '../lib/ids.ts';
import { recordInteractions } from '../platform/interactions/store.ts';
import type {
  ContactChangesTable,
  ContactFieldsTable,
  ContactsTable,
  Db,
  ListMemberStatus,
} from '../storage/schema.ts';
import { changedFields } from './changed-fields.ts';
import type { Contact, CustomFieldDefinition, CustomValue, EmailPermissions } from './contact.ts';
import { PREFIX_END, type SearchTerm } from './search-terms.ts';

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

/** Runs `work` in a transaction, or in the caller's when it already has one. */
function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** The feed source of contact changes (contact-change-interactions.ts). */
export const CONTACT_CHANGE_SOURCE = 'contact_change';

export type ContactChange = 'created' | 'updated' | 'merged' | 'erased';

/**
 * Logs contact changes as feed items (the webhooks' outbox, decision 037), in the caller's transaction,
 * which is the one that wrote the change.
 */
export async function recordContactChanges(
  tx: Db,
  changes: readonly {
    contactId: string;
    change: ContactChange;
    otherContactId?: string;
    fields?: string[];
  }[],
  now: number,
): Promise<void> {
  if (changes.length === 0) return;
  const rows = changes.map((c) => ({
    id: newId(),
    contact_id: c.contactId,
    change: c.change,
    other_contact_id: c.otherContactId ?? null,
    fields: c.fields ? JSON.stringify(c.fields) : null,
    occurred_at: now,
  }));
  for (let i = 0; i < rows.length; i += 1000)
    await tx
      .insertInto('contact_changes')
      .values(rows.slice(i, i + 1000))
      .execute();
  await recordInteractions(
    tx,
    CONTACT_CHANGE_SOURCE,
    rows.map((r) => r.id),
  );
}

export type ContactChangeRow = Selectable<ContactChangesTable>;

export async function contactChangesByIds(db: Db, ids: readonly string[]): Promise<ContactChangeRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('contact_changes')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

/**
 * Updates a contact's values; a change of any of them is logged (contact.updated), none is not.
 * `alsoChanged`: fields the same write changed elsewhere (its email permissions), named in the same entry.
 */
export async function updateContactRow(
  db: Db,
  id: string,
  row: ContactRow,
  now: number,
  alsoChanged: readonly string[] = [],
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const before = await tx.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    await tx
      .updateTable('contacts')
      .set({
        ...row,
        email_match: emailMatch(row.email),
        custom: JSON.stringify(row.custom),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (!before) return;
    const fields = [...changedFields(contactRowOf(before), row), ...alsoChanged];
    if (fields.length > 0)
      await recordContactChanges(tx, [{ contactId: id, change: 'updated', fields }], now);
  });
}

/** Sets whether forms may prefill the contact's values; a change is logged (contact.updated). */
export async function setPrefillAllowed(db: Db, id: string, allowed: boolean): Promise<void> {
  await inTransaction(db, async (tx) => {
    const before = await tx
      .selectFrom('contacts')
      .select('prefill_allowed')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before || Number(before.prefill_allowed) === (allowed ? 1 : 0)) return;
    await tx
      .updateTable('contacts')
      .set({ prefill_allowed: allowed ? 1 : 0 })
      .where('id', '=', id)
      .execute();
    await recordContactChanges(
      tx,
      [{ contactId: id, change: 'updated', fields: ['prefillAllowed'] }],
      Date.now(),
    );
  });
}

/**
 * Sets the email permissions given (absent ones stay as they are); returns the API names of those that
 * changed, for the caller's contact.updated entry (a CRM must hear that a contact stopped email).
 */
export async function setEmailPermissions(
  db: Db,
  id: string,
  permissions: EmailPermissions,
): Promise<string[]> {
  const values: { email_tracking?: number | null; do_not_email?: number } = {};
  if (permissions.emailTracking !== undefined)
    values.email_tracking = permissions.emailTracking === null ? null : permissions.emailTracking ? 1 : 0;
  if (permissions.doNotEmail !== undefined) values.do_not_email = permissions.doNotEmail ? 1 : 0;
  if (Object.keys(values).length === 0) return [];
  const before = await db
    .selectFrom('contacts')
    .select(['email_tracking', 'do_not_email'])
    .where('id', '=', id)
    .executeTakeFirst();
  await db.updateTable('contacts').set(values).where('id', '=', id).execute();
  if (!before) return [];
  const changed: string[] = [];
  const tracking = (value: number | null) => (value === null ? null : Number(value));
  if ('email_tracking' in values && tracking(before.email_tracking) !== values.email_tracking)
    changed.push('emailTracking');
  if ('do_not_email' in values && Number(before.do_not_email) !== values.do_not_email)
    changed.push('doNotEmail');
  return changed;
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

export interface ContactFilters {
  /** On this list (any status, or `listStatus`). */
  listId?: string;
  listStatus?: ListMemberStatus;
  /** Had a visit as themselves (an identified browser) that started at or after this instant. */
  visitedSince?: number;
  /** A bounce on a send, or the address suppressed. */
  bounced?: boolean;
  /** Unsubscribed from at least one list. */
  unsubscribed?: boolean;
}

export interface ContactPageQuery {
  terms: readonly SearchTerm[];
  filters: ContactFilters;
  order: 'oldest' | 'newest';
  limit: number;
  /** Position after the previous page's last contact. */
  after?: { createdAt: number; id: string };
}

// The indexed expressions of migration 014-contacts-dashboard, written exactly as indexed (an index on
// an expression serves only that expression). PostgreSQL compares them in "C" so prefix ranges are exact.
const SEARCHED = {
  sqlite: {
    email: 'email_match',
    domain: "substr(email_match, instr(email_match, '@') + 1)",
    firstName: 'lower(first_name)',
    lastName: 'lower(last_name)',
    company: 'lower(company)',
  },
  postgres: {
    email: '(email_match collate "C")',
    domain: '(split_part(email_match, \'@\', 2) collate "C")',
    firstName: '(lower(first_name) collate "C")',
    lastName: '(lower(last_name) collate "C")',
    company: '(lower(company) collate "C")',
  },
} as const;

const engineOf = (db: Db) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite');

/**
 * A term as SQL: one BETWEEN per indexed expression (ORed), each a range scan of its index. With
 * `indexed` false each expression gets SQLite's unary `+`, which keeps the planner off its index (same
 * values, same result) so the term is only checked on the rows another index brings.
 */
function termCondition(engine: 'sqlite' | 'postgres', term: SearchTerm, indexed = true): RawBuilder<unknown> {
  const e = SEARCHED[engine];
  const as = (expression: string) => sql.raw(indexed ? expression : `+${expression}`);
  const range = (expression: string, from: string) =>
    sql`${as(expression)} between ${from} and ${from + PREFIX_END}`;
  // Names are lower-cased by the database on both sides (SQLite: ASCII only; PostgreSQL: every letter),
  // as the index was; addresses were lower-cased when stored.
  const named = (expression: string) =>
    sql`${as(expression)} between lower(${term.value}) and lower(${term.value}) || ${PREFIX_END}`;
  if (term.kind === 'domain') return range(e.domain, term.value);
  if (term.kind === 'email') return range(e.email, term.value);
  const lower = term.value.toLowerCase();
  return sql`(${sql.join(
    [range(e.email, lower), range(e.domain, lower), named(e.firstName), named(e.lastName), named(e.company)],
    sql` or `,
  )})`;
}

/** Matches counted per search term (SQLite) before choosing how to read a page; see searchPlan. */
export const SEARCH_WALK_CAP = 5000;

/**
 * Which term's index ranges drive a SQLite search: the rarest one, or none (walk contacts_by_created).
 *
 * Why two plans: SQLite keeps no statistics, so for a search it reads the ranges of one term's indexes,
 * collects every match and sorts them for the page. For a rare prefix that is a few rows; for a common
 * one ("ann": 125,000 of 1,000,000 contacts, "@gmail.com": 300,000) it is most of the cost, and more
 * with a second word or a filter checked on each match. So each term's matches are counted up to `cap`
 * (LIMIT: at most `cap` index entries each). If one term stays under it, that term's ranges drive
 * (the others only filter) and at most `cap` rows are sorted. If every term reaches it, the page is
 * read by walking contacts_by_created in page order with the terms as filters: every term matches at
 * least `cap` contacts, so a page is usually found within a few hundred rows (a conjunction of common
 * terms that is itself rare walks further: the cost then grows with the rows walked, not the matches).
 * Both plans return the same rows in the same order. PostgreSQL has statistics and picks its own plan.
 */
export async function searchPlan(
  db: Db,
  terms: readonly SearchTerm[],
  cap: number,
): Promise<{ driving: number | undefined }> {
  let driving: number | undefined;
  let fewest = cap;
  for (const [i, term] of terms.entries()) {
    const matches = db
      .selectFrom('contacts')
      .select(sql.lit(1).as('one'))
      .where(termCondition('sqlite', term) as never)
      .limit(cap);
    const row = await db
      .selectFrom(matches.as('m'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(row.n) < fewest) [driving, fewest] = [i, Number(row.n)];
  }
  return { driving };
}
/**
 * A page of contacts: search terms and filters, in creation order. Every condition is an index range or
 * an indexed lookup per contact (list membership by its key, a contact's visits, bounces, unsubscribes).
 */
export async function pageContacts(db: Db, query: ContactPageQuery, walkCap = SEARCH_WALK_CAP) {
  const engine = engineOf(db);
  const { filters, terms } = query;
  // SQLite: only the driving term (if any) may use its indexes; PostgreSQL: every term may.
  const driving =
    engine === 'sqlite' && terms.length > 0 ? (await searchPlan(db, terms, walkCap)).driving : undefined;
  let q = db.selectFrom('contacts').selectAll('contacts');
  for (const [i, term] of terms.entries())
    q = q.where(termCondition(engine, term, engine === 'postgres' || i === driving) as never);
  if (filters.listId !== undefined) {
    const { listId, listStatus } = filters;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('list_members as m')
          .select(sql.lit(1).as('one'))
          .whereRef('m.contact_id', '=', 'contacts.id')
          .where('m.list_id', '=', listId)
          .$if(listStatus !== undefined, (sub) => sub.where('m.status', '=', listStatus!)),
      ),
    );
  }
  if (filters.unsubscribed)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('list_members as u')
          .select(sql.lit(1).as('one'))
          .whereRef('u.contact_id', '=', 'contacts.id')
          .where('u.status', '=', 'unsubscribed'),
      ),
    );
  if (filters.visitedSince !== undefined) {
    const since = filters.visitedSince;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('visits as v')
          .select(sql.lit(1).as('one'))
          .whereRef('v.contact_id', '=', 'contacts.id')
          .where('v.started_at', '>=', since),
      ),
    );
  }
  if (filters.bounced)
    q = q.where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('send_recipients as r')
            .select(sql.lit(1).as('one'))
            .whereRef('r.contact_id', '=', 'contacts.id')
            .where('r.status', 'in', ['hard_bounce', 'soft_bounce']),
        ),
        eb.exists(
          eb
            .selectFrom('email_suppressions as s')
            .select(sql.lit(1).as('one'))
            .whereRef('s.email_match', '=', 'contacts.email_match'),
        ),
      ]),
    );
  const newest = query.order === 'newest';
  if (query.after) {
    const { createdAt, id } = query.after;
    const beyond = newest ? '<' : '>';
    q = q.where((eb) =>
      eb.or([
        eb('contacts.created_at', beyond, createdAt),
        eb.and([eb('contacts.created_at', '=', createdAt), eb('contacts.id', beyond, id)]),
      ]),
    );
  }
  const direction = newest ? 'desc' : 'asc';
  return q
    .orderBy('contacts.created_at', direction)
    .orderBy('contacts.id', direction)
    .limit(query.limit)
    .execute();
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

/** Changes a custom field's label; false when no field has that key. */
export async function updateCustomFieldLabel(db: Db, key: string, label: string): Promise<boolean> {
  const result = await db
    .updateTable('contact_fields')
    .set({ label })
    .where('key', '=', key)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a custom field's definition; false when no field has that key. */
export async function deleteCustomField(db: Db, key: string): Promise<boolean> {
  const result = await db.deleteFrom('contact_fields').where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Takes one custom key out of every contact's values (JSON null values too); returns how many contacts
 * held it. Leaves updated_at alone: the contact's own data did not change, the install's fields did.
 */
export async function clearCustomValues(db: Db, key: string): Promise<number> {
  const result =
    engineOf(db) === 'postgres'
      ? await sql`update contacts set custom = (custom::jsonb - ${key})::text
          where jsonb_exists(custom::jsonb, ${key})`.execute(db)
      : await sql`update contacts set custom = json_remove(custom, ${`$."${key}"`})
          where json_type(custom, ${`$."${key}"`}) is not null`.execute(db);
  return Number(result.numAffectedRows ?? 0);
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
  await inTransaction(db, async (tx) => {
    for (let i = 0; i < contacts.length; i += 1000) {
      await tx
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
    await recordContactChanges(
      tx,
      contacts.map(({ id }) => ({ contactId: id, change: 'created' as const })),
      now,
    );
  });
}

/** PostgreSQL: refreshes the planner's statistics for contacts after a bulk load (SQLite needs none). */
export async function refreshContactStatistics(db: Db, engine: 'sqlite' | 'postgres') {
  if (engine === 'postgres') await sql`analyze contacts`.execute(db);
}

/** Which of these ids are contacts (one may have been erased or merged away since it was read). */
export async function existingContactIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('contacts')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}
