// Creating, changing, publishing and cancelling events, their sessions and passes: the rules
// (event-rules.ts) over what is stored, one 422 listing every problem, 404 for what is not there.
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Db } from '../storage/schema.ts';
import { findWebsite } from '../websites/store.ts';
import { noteEventChange } from './calendar/mail.ts';
import type { EventWhole } from './event.ts';
import {
  type Checked,
  checkEvent,
  checkPass,
  checkSession,
  type EventAction,
  type EventChange,
  nextStatus,
  type PassChange,
  problemsError,
  type SessionChange,
} from './event-rules.ts';
import * as store from './store.ts';

const FULLER = 'places are already taken beyond it; raise the capacity, or cancel registrations first';

function valid<T>(checked: Checked<T>): T {
  if (checked.problems) throw problemsError(checked.problems);
  return checked.value;
}

async function eventOr404(db: Db, id: string) {
  const event = await store.findEvent(db, id);
  if (!event) throw new AppError('not_found', `No event with id "${id.slice(0, 64)}".`);
  return event;
}

export async function readEvent(db: Db, id: string): Promise<EventWhole> {
  const event = await eventOr404(db, id);
  return { event, sessions: await store.listSessions(db, id), passes: await store.listPasses(db, id) };
}

async function checkWebsite(db: Db, websiteId: string | null | undefined): Promise<void> {
  if (websiteId && !(await findWebsite(db, websiteId)))
    throw problemsError({ websiteId: `No website with id "${websiteId.slice(0, 64)}".` });
}

/** A free slug: the one asked for must be free (409); one made from the name gets a suffix instead. */
async function freeSlug(db: Db, slug: string, asked: boolean, exceptId?: string): Promise<string> {
  if (!(await store.slugTaken(db, slug, exceptId))) return slug;
  if (asked)
    throw new AppError('conflict', `Another event has the address /events/${slug}; choose another slug.`);
  for (let n = 2; n < 100; n += 1) {
    const next = `${slug}-${n}`;
    if (!(await store.slugTaken(db, next, exceptId))) return next;
  }
  return `${slug}-${newId()
    .slice(0, 6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
}

export async function createEvent(db: Db, change: EventChange, now = Date.now()): Promise<EventWhole> {
  const fields = valid(checkEvent(change, undefined));
  await checkWebsite(db, fields.websiteId);
  fields.slug = await freeSlug(db, fields.slug, change.slug !== undefined);
  const id = newId();
  await store.insertEvent(db, id, fields, now);
  return readEvent(db, id);
}

export async function changeEvent(db: Db, id: string, change: EventChange, now = Date.now()) {
  const event = await eventOr404(db, id);
  if (event.status === 'cancelled')
    throw new AppError('conflict', 'This event is cancelled; a cancelled event cannot be changed.');
  const sessions = await store.listSessions(db, id);
  const fields = valid(checkEvent(change, event, sessions));
  await checkWebsite(db, change.websiteId);
  if (change.slug !== undefined) fields.slug = await freeSlug(db, fields.slug, true, id);
  // The change and the invitations it calls for (a raised SEQUENCE, the job) commit together.
  await db.transaction().execute(async (tx) => {
    if (!(await store.updateEvent(tx, id, fields, now)))
      throw problemsError({ capacity: `The capacity cannot be ${fields.capacity}: ${FULLER}.` });
    await noteEventChange(tx, id, { before: event, after: fields }, now);
  });
  return readEvent(db, id);
}

export async function changeEventStatus(db: Db, id: string, action: EventAction, now = Date.now()) {
  const event = await eventOr404(db, id);
  const next = nextStatus(event.status, action);
  if (next !== 'draft' && next !== 'published' && next !== 'cancelled') throw new AppError('conflict', next);
  await db.transaction().execute(async (tx) => {
    if (!(await store.setEventStatus(tx, id, event.status, next, now)))
      throw new AppError('conflict', 'The event changed meanwhile; read it again and retry.');
    if (next === 'cancelled') await noteEventChange(tx, id, 'cancelled', now);
  });
  return readEvent(db, id);
}

async function openEvent(db: Db, eventId: string) {
  const event = await eventOr404(db, eventId);
  if (event.status === 'cancelled')
    throw new AppError('conflict', 'This event is cancelled; its sessions and passes cannot be changed.');
  return event;
}

export async function addSession(db: Db, eventId: string, change: SessionChange, now = Date.now()) {
  const event = await openEvent(db, eventId);
  const fields = valid(checkSession(change, undefined, event));
  const id = newId();
  await store.insertSession(db, id, eventId, fields, now);
  return readEvent(db, eventId);
}

export async function changeSession(
  db: Db,
  eventId: string,
  sessionId: string,
  change: SessionChange,
  now = Date.now(),
) {
  const event = await openEvent(db, eventId);
  const current = (await store.listSessions(db, eventId)).find((s) => s.id === sessionId);
  if (!current) throw new AppError('not_found', `This event has no session "${sessionId.slice(0, 64)}".`);
  const fields = valid(checkSession(change, current, event));
  if (!(await store.updateSession(db, sessionId, fields, now)))
    throw problemsError({ capacity: `The capacity cannot be ${fields.capacity}: ${FULLER}.` });
  return readEvent(db, eventId);
}

export async function removeSession(db: Db, eventId: string, sessionId: string) {
  await openEvent(db, eventId);
  const current = (await store.listSessions(db, eventId)).find((s) => s.id === sessionId);
  if (!current) throw new AppError('not_found', `This event has no session "${sessionId.slice(0, 64)}".`);
  if (!(await store.deleteSession(db, eventId, sessionId)))
    throw new AppError('conflict', 'Places in this session are taken; it cannot be deleted.');
}

export async function addPass(db: Db, eventId: string, change: PassChange, now = Date.now()) {
  const event = await openEvent(db, eventId);
  const sessionIds = (await store.listSessions(db, eventId)).map((s) => s.id);
  const fields = valid(checkPass(change, undefined, event, sessionIds));
  await store.insertPass(db, newId(), eventId, fields, now);
  return readEvent(db, eventId);
}

export async function changePass(
  db: Db,
  eventId: string,
  passId: string,
  change: PassChange,
  now = Date.now(),
) {
  const event = await openEvent(db, eventId);
  const current = (await store.listPasses(db, eventId)).find((p) => p.id === passId);
  if (!current) throw new AppError('not_found', `This event has no pass "${passId.slice(0, 64)}".`);
  const sessionIds = (await store.listSessions(db, eventId)).map((s) => s.id);
  const fields = valid(checkPass(change, current, event, sessionIds));
  if (!(await store.updatePass(db, passId, fields, now)))
    throw problemsError({ capacity: `The capacity cannot be ${fields.capacity}: ${FULLER}.` });
  return readEvent(db, eventId);
}

export async function removePass(db: Db, eventId: string, passId: string) {
  await openEvent(db, eventId);
  const current = (await store.listPasses(db, eventId)).find((p) => p.id === passId);
  if (!current) throw new AppError('not_found', `This event has no pass "${passId.slice(0, 64)}".`);
  if (!(await store.deletePass(db, eventId, passId)))
    throw new AppError('conflict', 'Places with this pass are taken; it cannot be deleted.');
}
