// Registering a contact for an event, with a pass and sessions: capacity exact across nodes. In one
// transaction, each place is taken by one conditional update of its counter (event, pass, each session:
// `taken = taken + 1 where taken < capacity`), so two nodes on one PostgreSQL can never go past a
// capacity: the row lock of the update makes the second wait and re-check. Any one full undoes it all.
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { uniqueViolationColumns } from '../lib/unique-violation.ts';
import type { Db } from '../storage/schema.ts';
import { type RegistrationAsk, registrationProblem } from './registration-rules.ts';
import * as store from './store.ts';

export interface Registration {
  id: string;
  eventId: string;
  contactId: string;
  passId: string | null;
  sessionIds: string[];
  createdAt: number;
}

export async function registerContact(
  db: Db,
  input: RegistrationAsk & { eventId: string; contactId: string },
  now = Date.now(),
): Promise<Registration> {
  const event = await store.findEvent(db, input.eventId);
  if (!event) throw new AppError('not_found', `No event with id "${input.eventId.slice(0, 64)}".`);
  // Sorted: every registration takes session rows in one order, so two never wait on each other.
  const sessionIds = [...new Set(input.sessionIds)].sort();
  const passes = await store.listPasses(db, event.id);
  const sessions = await store.listSessions(db, event.id);
  const problem = registrationProblem(event, passes, sessions, { ...input, sessionIds }, now);
  if (problem) throw new AppError('unprocessable', problem);
  if (!(await store.contactExists(db, input.contactId)))
    throw new AppError('unprocessable', `No contact with id "${input.contactId.slice(0, 64)}".`);
  const registration = {
    id: newId(),
    eventId: event.id,
    contactId: input.contactId,
    passId: input.passId,
    sessionIds,
    createdAt: now,
  };
  const work = async (tx: Db) => {
    const full = (what: string) => new AppError('conflict', `${what} is full; no place was taken.`);
    if (!(await store.takePlace(tx, 'events', event.id))) throw full('This event');
    if (input.passId && !(await store.takePlace(tx, 'event_passes', input.passId))) throw full('This pass');
    for (const id of sessionIds)
      if (!(await store.takePlace(tx, 'event_sessions', id)))
        throw full(
          `The session "${sessions.find((s) => s.id === id)?.texts[event.languages[0] ?? '']?.name ?? id}"`,
        );
    await store.insertRegistration(tx, registration);
  };
  try {
    await (db.isTransaction ? work(db) : db.transaction().execute(work));
  } catch (error) {
    if (uniqueViolationColumns(error) !== null)
      throw new AppError('conflict', 'This contact is registered for this event already.');
    throw error;
  }
  return registration;
}
