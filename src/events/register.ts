// Registering a contact for an event, with a pass and sessions: capacity exact across nodes. In one
// transaction, each place is taken by one conditional update of its counter (event, pass, each session:
// `taken = taken + 1 where taken < capacity`), so two nodes on one PostgreSQL can never go past a
// capacity: the row lock of the update makes the second wait and re-check. Any one full undoes it all.
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { uniqueViolationColumns } from '../lib/unique-violation.ts';
import { enqueueJob } from '../platform/jobs/store.ts';
import type { Db } from '../storage/schema.ts';
import { enqueueRegistrationMail } from './calendar/mail.ts';
import { type RegistrationAsk, registrationProblem } from './registration-rules.ts';
import * as store from './store.ts';
import { recordChange, takePlaces, WAITLIST_MAIL_JOB } from './waitlist.ts';

export interface Registration {
  id: string;
  eventId: string;
  contactId: string;
  passId: string | null;
  sessionIds: string[];
  createdAt: number;
  /** 'waitlisted' when full and the person asked to wait (`waitlist`). */
  status: 'registered' | 'waitlisted';
}

export async function registerContact(
  db: Db,
  input: RegistrationAsk & {
    eventId: string;
    contactId: string;
    waitlist?: boolean;
    language?: string | null;
  },
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
  if (input.language && !event.languages.includes(input.language))
    throw new AppError(
      'unprocessable',
      `The language must be one of the event's: ${event.languages.join(', ')}.`,
    );
  if (!(await store.contactExists(db, input.contactId)))
    throw new AppError('unprocessable', `No contact with id "${input.contactId.slice(0, 64)}".`);
  const registered = () =>
    new AppError('conflict', 'This contact is registered for this event already.', { already: 'registered' });
  const work = async (tx: Db): Promise<Registration> => {
    // The event's row first: counters and queue of one event change one at a time (waitlist.ts).
    await store.lockEvent(tx, event.id);
    const earlier = await store.findRegistrationOf(tx, event.id, input.contactId);
    if (earlier && earlier.status !== 'cancelled')
      throw earlier.status === 'waitlisted'
        ? new AppError('conflict', 'This contact is on the waitlist for this event already.', {
            already: 'waitlisted',
          })
        : registered();
    const full = await takePlaces(tx, { eventId: event.id, passId: input.passId, sessionIds });
    if (full !== null && !input.waitlist) {
      const what =
        full === 'event'
          ? 'This event'
          : full === 'pass'
            ? 'This pass'
            : `The session "${sessions.find((s) => s.id === full)?.texts[event.languages[0] ?? '']?.name ?? full}"`;
      throw new AppError('conflict', `${what} is full; no place was taken.`, { full });
    }
    const status = full === null ? 'registered' : 'waitlisted';
    const registration = {
      id: earlier?.id ?? newId(),
      eventId: event.id,
      contactId: input.contactId,
      passId: input.passId,
      sessionIds,
      createdAt: now,
      status,
    } as const;
    if (earlier) {
      if (!(await store.reviveRegistration(tx, registration))) throw registered();
    } else {
      await store.insertRegistration(tx, registration);
      if (status === 'waitlisted') await store.markWaitlisted(tx, registration.id);
    }
    await recordChange(tx, registration, status, now);
    if (status === 'registered')
      await enqueueRegistrationMail(tx, registration.id, 'request', { language: input.language }, now);
    if (status === 'waitlisted')
      await enqueueJob(
        tx,
        {
          kind: WAITLIST_MAIL_JOB,
          key: `${registration.id}.joined.${now}`,
          payload: { registrationId: registration.id },
        },
        now,
      );
    return registration;
  };
  try {
    return await (db.isTransaction ? work(db) : db.transaction().execute(work));
  } catch (error) {
    if (uniqueViolationColumns(error) !== null) throw registered();
    throw error;
  }
}
