// Finds the contact a submission belongs to under a form's duplicate-detection rule, or creates one;
// merges contacts the submission proves to be one person (the oldest keeps its id).

import type { Selectable } from 'kysely';
import { type ContactValues, STANDARD_FIELDS, type StandardField } from '../contacts/contact.ts';
import { applyValues, ContactValidationError, EMPTY_ROW } from '../contacts/manage-contacts.ts';
import { contactMatches, type MatchField, matchKey } from '../contacts/match-rules.ts';
import {
  contactRowOf,
  findContactsByColumn,
  findContactsByEmail,
  getContactRow,
  insertContact,
  listCustomFields,
  type StandardColumn,
  updateContactRow,
} from '../contacts/store.ts';
import { newId } from '../lib/ids.ts';
import type { Engine } from '../storage/database.ts';
import type { ContactsTable, Db } from '../storage/schema.ts';
import { mergeContacts } from './merge-contacts.ts';
import { lockMatchKey } from './store.ts';

export interface MatchOutcome {
  contactId: string;
  outcome: 'created' | 'updated';
  /** Contacts merged into the winner by this submission. */
  merged: string[];
}

const COLUMN: Record<StandardField, StandardColumn> = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  company: 'company',
  phone: 'phone',
  jobTitle: 'job_title',
  country: 'country',
};

/** Form values (keyed by field key) as contact values: standard fields, the rest custom. */
export function toContactValues(values: Record<string, string | null>): ContactValues {
  const contact: ContactValues = { custom: {} };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) continue; // a blank on a form never erases what we know
    if ((STANDARD_FIELDS as readonly string[]).includes(key)) contact[key as StandardField] = value;
    else contact.custom![key] = value;
  }
  return contact;
}

function comparable(row: Selectable<ContactsTable>): Record<string, unknown> {
  const values: Record<string, unknown> = { ...JSON.parse(row.custom) };
  for (const field of STANDARD_FIELDS) values[field] = row[COLUMN[field]];
  return values;
}

async function candidates(db: Db, rule: readonly MatchField[], values: Record<string, string | null>) {
  if (rule.includes('email') && values['email']) return findContactsByEmail(db, values['email']);
  // Narrow by the first standard field of the rule; rules over custom fields alone scan all contacts.
  const standard = rule.find((f): f is StandardField => (STANDARD_FIELDS as readonly string[]).includes(f));
  const value = standard ? values[standard] : null;
  return findContactsByColumn(db, standard ? COLUMN[standard] : 'email', standard && value ? value : null);
}

export interface MatchRequest {
  rule: readonly MatchField[];
  onMatch: 'update' | 'create';
  values: Record<string, string | null>;
  /** The contact the submitting browser already belongs to, if any. */
  browserContactId: string | null;
  now: number;
}

export async function matchOrCreateContact(
  db: Db,
  engine: Engine,
  request: MatchRequest,
): Promise<MatchOutcome> {
  const definitions = await listCustomFields(db);
  const contactValues = toContactValues(request.values);
  const applied = applyValues(EMPTY_ROW, contactValues, definitions);
  if ('problems' in applied) throw new ContactValidationError(applied.problems);

  const key = request.onMatch === 'update' ? matchKey(request.rule, request.values) : null;
  if (key === null) {
    const id = newId();
    await insertContact(db, id, applied.row, request.now);
    return { contactId: id, outcome: 'created', merged: [] };
  }

  await lockMatchKey(db, engine, key);
  const matches = (await candidates(db, request.rule, request.values)).filter((row) =>
    contactMatches(request.rule, request.values, comparable(row)),
  );
  if (matches.length === 0) {
    const id = newId();
    await insertContact(db, id, applied.row, request.now);
    return { contactId: id, outcome: 'created', merged: [] };
  }

  // Matches come oldest first: the oldest contact keeps its id; the others are the same person.
  const [winner, ...duplicates] = matches as [Selectable<ContactsTable>, ...Selectable<ContactsTable>[]];
  const merged: string[] = [];
  for (const loser of duplicates) {
    await mergeContacts(db, engine, {
      winnerId: winner.id,
      loserId: loser.id,
      reason: 'duplicate-detection',
      now: request.now,
    });
    merged.push(loser.id);
  }
  // The browser already belongs to another contact with the same email address: one person, two records.
  const sameEmail = request.values['email']?.toLowerCase();
  if (request.browserContactId && request.browserContactId !== winner.id && sameEmail) {
    const browserContact = (await findContactsByEmail(db, sameEmail)).find(
      (c) => c.id === request.browserContactId,
    );
    if (browserContact) {
      const [older, newer] =
        Number(browserContact.created_at) < Number(winner.created_at)
          ? [browserContact, winner]
          : [winner, browserContact];
      await mergeContacts(db, engine, {
        winnerId: older.id,
        loserId: newer.id,
        reason: 'same-browser-same-email',
        now: request.now,
      });
      merged.push(newer.id);
      return updateWith(db, older.id, contactValues, definitions, request.now, merged);
    }
  }
  return updateWith(db, winner.id, contactValues, definitions, request.now, merged);
}

async function updateWith(
  db: Db,
  contactId: string,
  values: ContactValues,
  definitions: Awaited<ReturnType<typeof listCustomFields>>,
  now: number,
  merged: string[],
): Promise<MatchOutcome> {
  const current = await getContactRow(db, contactId);
  const applied = applyValues(contactRowOf(current), values, definitions);
  if ('problems' in applied) throw new ContactValidationError(applied.problems);
  await updateContactRow(db, contactId, applied.row, now);
  return { contactId, outcome: 'updated', merged };
}
