// The only file that touches the check-in columns of event_registrations (migration 028): reading a
// registration as the door needs it, taking the check-in by one conditional update, the latest check-ins
// and the counts for the check-in page, and the check-ins as interactions in a contact's timeline.
import { afterBound } from '../../platform/interactions/after-bound.ts';
import type { SourceBound } from '../../platform/interactions/interaction.ts';
import { recordInteraction } from '../../platform/interactions/store.ts';
import type { Db } from '../../storage/schema.ts';
import type { Texts } from '../event-rules.ts';

/** The interaction feed's name for check-ins (one item per registration: its id). */
export const CHECK_IN_SOURCE = 'event_check_ins';

const numOrNull = (value: number | string | null) => (value === null ? null : Number(value));

export interface DoorRow {
  id: string;
  eventId: string;
  status: string;
  checkedInAt: number | null;
  checkedInBy: string | null;
  contactId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  passId: string | null;
  passTexts: Texts | null;
}

/** A registration with what the door shows of it (its contact's name, its pass). */
export async function findDoorRow(db: Db, registrationId: string): Promise<DoorRow | undefined> {
  const row = await db
    .selectFrom('event_registrations as r')
    .leftJoin('contacts as c', 'c.id', 'r.contact_id')
    .leftJoin('event_passes as p', 'p.id', 'r.pass_id')
    .select([
      'r.id',
      'r.event_id',
      'r.status',
      'r.checked_in_at',
      'r.checked_in_by',
      'r.contact_id',
      'r.pass_id',
      'c.first_name',
      'c.last_name',
      'c.email',
      'p.texts as pass_texts',
    ])
    .where('r.id', '=', registrationId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      eventId: row.event_id,
      status: row.status,
      checkedInAt: numOrNull(row.checked_in_at),
      checkedInBy: row.checked_in_by,
      contactId: row.contact_id,
      firstName: row.first_name,
      lastName: row.last_name,
      email: row.email,
      passId: row.pass_id,
      passTexts: row.pass_texts ? (JSON.parse(row.pass_texts) as Texts) : null,
    }
  );
}

/** The sessions of a registration, with their texts, by start. */
export async function sessionsOfRegistration(db: Db, registrationId: string) {
  const rows = await db
    .selectFrom('event_registration_sessions as rs')
    .innerJoin('event_sessions as s', 's.id', 'rs.session_id')
    .select(['s.id', 's.texts', 's.starts_at'])
    .where('rs.registration_id', '=', registrationId)
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({ id: r.id, texts: JSON.parse(r.texts) as Texts, startsAt: Number(r.starts_at) }));
}

/**
 * Checks a registration in, once: one conditional update (`checked_in_at IS NULL`, still registered, this
 * event's), logged in the interaction feed in the same transaction. True for the one request that wins.
 */
export async function takeCheckIn(
  db: Db,
  input: { registrationId: string; eventId: string; by: string; now: number },
): Promise<boolean> {
  const work = async (tx: Db) => {
    const result = await tx
      .updateTable('event_registrations')
      .set({ checked_in_at: input.now, checked_in_by: input.by })
      .where('id', '=', input.registrationId)
      .where('event_id', '=', input.eventId)
      .where('status', '=', 'registered')
      .where('checked_in_at', 'is', null)
      .executeTakeFirst();
    const won = Number(result.numUpdatedRows) > 0;
    if (won) await recordInteraction(tx, CHECK_IN_SOURCE, input.registrationId);
    return won;
  };
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** Who checked someone in, as a person would read it: the user's name or email, or the API key's name. */
export async function actorName(db: Db, actorId: string): Promise<string | null> {
  const user = await db
    .selectFrom('users')
    .select(['name', 'email'])
    .where('id', '=', actorId)
    .executeTakeFirst();
  if (user) return user.name || user.email;
  const key = await db.selectFrom('api_keys').select('name').where('id', '=', actorId).executeTakeFirst();
  return key ? `API key "${key.name}"` : null;
}

/** The event's registrations that hold a place, and how many of them are checked in. */
export async function checkInCounts(db: Db, eventId: string) {
  const row = await db
    .selectFrom('event_registrations')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('registered'),
      eb.fn.count<number | string>('checked_in_at').as('checked_in'),
    ])
    .where('event_id', '=', eventId)
    .where('status', '=', 'registered')
    .executeTakeFirst();
  return { registered: Number(row?.registered ?? 0), checkedIn: Number(row?.checked_in ?? 0) };
}

/** The latest check-ins of an event, the newest first. */
export async function latestCheckIns(db: Db, eventId: string, limit: number) {
  const rows = await db
    .selectFrom('event_registrations as r')
    .leftJoin('contacts as c', 'c.id', 'r.contact_id')
    .select([
      'r.id',
      'r.contact_id',
      'r.checked_in_at',
      'r.checked_in_by',
      'c.first_name',
      'c.last_name',
      'c.email',
    ])
    .where('r.event_id', '=', eventId)
    .where('r.checked_in_at', 'is not', null)
    .orderBy('r.checked_in_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    registrationId: r.id,
    contactId: r.contact_id,
    checkedInAt: Number(r.checked_in_at),
    checkedInBy: r.checked_in_by,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
  }));
}

// The interaction feed: a check-in is an item of its registration (id = the registration's).

function checkIns(db: Db) {
  return db
    .selectFrom('event_registrations as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .select(['r.id', 'r.contact_id', 'r.checked_in_at', 'r.event_id', 'e.texts', 'e.languages'])
    .where('r.checked_in_at', 'is not', null);
}
export type CheckInItemRow = Awaited<ReturnType<typeof checkInsOfContact>>[number];

export async function checkInsOfContact(db: Db, contactId: string, bound: SourceBound | null, limit: number) {
  let query = checkIns(db).where('r.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('r.checked_in_at', 'r.id', bound));
  return query.orderBy('r.checked_in_at', 'desc').orderBy('r.id', 'desc').limit(limit).execute();
}

export async function checkInsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return checkIns(db)
    .where('r.id', 'in', [...ids])
    .execute();
}
