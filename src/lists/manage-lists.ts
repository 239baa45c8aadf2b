// Managing mailing lists through the API: the lists themselves, adding and removing members, paging
// through them, and a contact's memberships.
import { existingContactIds, findContactRow } from '../contacts/store.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { pageOf } from '../lib/page.ts';
import type { Db, ListMemberStatus } from '../storage/schema.ts';
import type { AddMembersResult, ListMember, MailingList, Membership } from './list.ts';
import {
  allListRows,
  deleteListRows,
  findListRow,
  findMember,
  insertList,
  type ListValues,
  memberCounts,
  membershipsOf,
  pageMembers,
  removeMember,
  subscribeContacts,
  unfinishedSends,
  updateListRow,
} from './store.ts';

/** Contacts one request may add: large enough for a page of a CRM export, small enough for one request. */
export const MAX_MEMBERS_PER_REQUEST = 1000;

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export interface ListInput {
  name: string;
  description?: string | null;
  public?: boolean;
  publicName?: string | null;
  publicDescription?: string | null;
  doubleOptIn?: boolean;
}

function cleanInput(input: ListInput): ListValues {
  const name = input.name.trim();
  if (name === '')
    throw new AppError('unprocessable', 'A list needs a name.', { fields: { name: 'is empty' } });
  return {
    name,
    description: input.description?.trim() || null,
    public: input.public ? 1 : 0,
    public_name: input.publicName?.trim() || null,
    public_description: input.publicDescription?.trim() || null,
    double_opt_in: input.doubleOptIn ? 1 : 0,
  };
}

type ListRow = NonNullable<Awaited<ReturnType<typeof findListRow>>>;

function toList(row: ListRow, counts: MailingList['members'] | undefined): MailingList {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    members: counts ?? { subscribed: 0, unsubscribed: 0 },
    public: Number(row.public) === 1,
    publicName: row.public_name,
    publicDescription: row.public_description,
    doubleOptIn: Number(row.double_opt_in) === 1,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

async function requireList(db: Db, id: string): Promise<ListRow> {
  const row = await findListRow(db, id);
  if (!row) throw new AppError('not_found', `No list with id "${id}".`);
  return row;
}

export async function createList(db: Db, input: ListInput): Promise<MailingList> {
  const id = newId();
  await insertList(db, { id, ...cleanInput(input) }, Date.now());
  return getList(db, id);
}

export async function getList(db: Db, id: string): Promise<MailingList> {
  const row = await requireList(db, id);
  return toList(row, (await memberCounts(db, id)).get(id));
}

export async function listLists(db: Db): Promise<MailingList[]> {
  const counts = await memberCounts(db);
  return (await allListRows(db)).map((row) => toList(row, counts.get(row.id)));
}

/** Changes name and/or description; a field left out stays as it is. */
export async function changeList(db: Db, id: string, input: Partial<ListInput>): Promise<MailingList> {
  const row = await requireList(db, id);
  const kept = <T>(given: T | undefined, stored: T) => (given === undefined ? stored : given);
  const next = cleanInput({
    name: input.name ?? row.name,
    description: kept(input.description, row.description),
    public: kept(input.public, Number(row.public) === 1),
    publicName: kept(input.publicName, row.public_name),
    publicDescription: kept(input.publicDescription, row.public_description),
    doubleOptIn: kept(input.doubleOptIn, Number(row.double_opt_in) === 1),
  });
  await updateListRow(db, id, next, Date.now());
  return getList(db, id);
}

/**
 * Deletes a list and its memberships. Finished sends keep their own recipients, links and counters, so
 * their insights stay whole. A send not yet finished still reads the list (preparing takes recipients from
 * it, delivering checks each one is still subscribed), so while one names it the list cannot go: deleting
 * it would block every recipient not yet sent to as unsubscribed.
 */
export async function deleteList(db: Db, id: string): Promise<{ deletedMemberships: number }> {
  await requireList(db, id);
  return db.transaction().execute(async (tx) => {
    const waiting = (await unfinishedSends(tx)).filter((send) => listIdsOf(send.list_ids).includes(id));
    if (waiting.length > 0) {
      const named = waiting.map((send) => `“${send.subject}” (${send.status})`).join(', ');
      throw new AppError(
        'conflict',
        `This list cannot be deleted while a send to it is under way: ${named}. Wait until it finishes, or cancel it.`,
        { sends: waiting.map((send) => send.id) },
      );
    }
    return { deletedMemberships: await deleteListRows(tx, id) };
  });
}

function listIdsOf(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Adds contacts to a list. A contact who unsubscribed from it earlier stays unsubscribed unless
 * `resubscribe` is set: an admin's bulk add must not undo the person's choice by accident.
 */
export async function addMembers(
  db: Db,
  listId: string,
  request: { contactIds: string[]; resubscribe?: boolean },
): Promise<AddMembersResult> {
  await requireList(db, listId);
  const ids = [...new Set(request.contactIds)];
  if (ids.length === 0) throw new AppError('bad_request', 'contactIds is empty.');
  if (ids.length > MAX_MEMBERS_PER_REQUEST) {
    throw new AppError(
      'payload_too_large',
      `At most ${MAX_MEMBERS_PER_REQUEST} contacts per request; send the rest in further requests.`,
    );
  }
  return db.transaction().execute(async (tx) => {
    const known = await existingContactIds(tx, ids);
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new AppError(
        'unprocessable',
        `No contact with id ${unknown
          .slice(0, 20)
          .map((id) => `"${id}"`)
          .join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}; nothing was added.`,
        { unknownContactIds: unknown },
      );
    }
    return subscribeContacts(tx, listId, ids, {
      source: 'api',
      resubscribe: request.resubscribe ?? false,
      now: Date.now(),
    });
  });
}

/**
 * Takes a contact off a list. A member who unsubscribed stays recorded: deleting the row would let a
 * later bulk add subscribe them again without anyone asking them.
 */
export async function removeListMember(db: Db, listId: string, contactId: string): Promise<void> {
  await requireList(db, listId);
  const member = await findMember(db, listId, contactId);
  if (!member) throw new AppError('not_found', `Contact "${contactId}" is not on this list.`);
  if (member.status === 'unsubscribed') {
    throw new AppError(
      'conflict',
      'This contact unsubscribed from the list; the record is kept so that no later add subscribes them again.',
    );
  }
  await removeMember(db, listId, contactId);
}

export interface MemberPage {
  members: ListMember[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) throw new AppError('bad_request', 'cursor is not one this API returned.');
  return { addedAt: Number(match[1]), contactId: match[2]! };
}

export async function listMembers(
  db: Db,
  listId: string,
  query: { status?: ListMemberStatus; limit: number; cursor?: string },
): Promise<MemberPage> {
  const after = decodeCursor(query.cursor);
  await requireList(db, listId);
  const rows = await pageMembers(db, listId, { status: query.status, limit: query.limit + 1, after });
  const page = pageOf(rows, query.limit, (last) => `${Number(last.added_at)}.${last.contact_id}`);
  return {
    members: page.rows.map((row) => ({
      contactId: row.contact_id,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      status: row.status,
      source: row.source,
      addedAt: iso(row.added_at)!,
      unsubscribedAt: iso(row.unsubscribed_at),
      unsubscribedSendId: row.unsubscribed_send_id,
      unsubscribedSendSubject: row.unsubscribed_send_subject ?? null,
    })),
    nextCursor: page.nextCursor,
  };
}

export async function contactMemberships(db: Db, contactId: string): Promise<Membership[]> {
  if (!(await findContactRow(db, contactId)))
    throw new AppError('not_found', `No contact with id "${contactId}".`);
  return (await membershipsOf(db, contactId)).map((row) => ({
    listId: row.list_id,
    listName: row.name,
    status: row.status,
    source: row.source,
    addedAt: iso(row.added_at)!,
    unsubscribedAt: iso(row.unsubscribed_at),
    unsubscribedSendId: row.unsubscribed_send_id,
  }));
}
