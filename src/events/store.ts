// The only file that touches the event website's tables: events, sessions, passes, registrations, the
// sign-in links and the portal's sessions (migration 024).
import type { Selectable } from 'kysely';
import type {
  Db,
  EventPassesTable,
  EventSessionsTable,
  EventStatus,
  EventsTable,
} from '../storage/schema.ts';
import type { EventRecord, PassRecord, SessionRecord } from './event.ts';
import type { EventFields, PassFields, SessionFields, Texts } from './event-rules.ts';

const num = (value: number | string) => Number(value);
const numOrNull = (value: number | string | null) => (value === null ? null : Number(value));

function toEvent(row: Selectable<EventsTable>): EventRecord {
  return {
    id: row.id,
    slug: row.slug,
    status: row.status,
    websiteId: row.website_id,
    timeZone: row.time_zone,
    startsAt: num(row.starts_at),
    endsAt: num(row.ends_at),
    venue: row.venue,
    onlineUrl: row.online_url,
    languages: JSON.parse(row.languages) as string[],
    texts: JSON.parse(row.texts) as Texts,
    capacity: row.capacity,
    taken: num(row.taken),
    registrationOpensAt: numOrNull(row.registration_opens_at),
    registrationClosesAt: numOrNull(row.registration_closes_at),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    publishedAt: numOrNull(row.published_at),
    cancelledAt: numOrNull(row.cancelled_at),
  };
}

function eventColumns(fields: EventFields) {
  return {
    slug: fields.slug,
    website_id: fields.websiteId,
    time_zone: fields.timeZone,
    starts_at: fields.startsAt,
    ends_at: fields.endsAt,
    venue: fields.venue,
    online_url: fields.onlineUrl,
    languages: JSON.stringify(fields.languages),
    texts: JSON.stringify(fields.texts),
    capacity: fields.capacity,
    registration_opens_at: fields.registrationOpensAt,
    registration_closes_at: fields.registrationClosesAt,
  };
}

export async function insertEvent(db: Db, id: string, fields: EventFields, now: number): Promise<void> {
  await db
    .insertInto('events')
    .values({ id, status: 'draft', ...eventColumns(fields), created_at: now, updated_at: now })
    .execute();
}

/** Saves a change unless it would put the capacity below the places taken (false then). */
export async function updateEvent(db: Db, id: string, fields: EventFields, now: number): Promise<boolean> {
  let query = db
    .updateTable('events')
    .set({ ...eventColumns(fields), updated_at: now })
    .where('id', '=', id);
  if (fields.capacity !== null) query = query.where('taken', '<=', fields.capacity);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findEvent(db: Db, id: string): Promise<EventRecord | undefined> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toEvent(row);
}

export async function findEventBySlug(db: Db, slug: string): Promise<EventRecord | undefined> {
  const row = await db.selectFrom('events').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toEvent(row);
}

export async function slugTaken(db: Db, slug: string, exceptId?: string): Promise<boolean> {
  let query = db.selectFrom('events').select('id').where('slug', '=', slug);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Every event, the latest start first (the dashboard's list; an install holds hundreds at most). */
export async function listEvents(db: Db, limit = 500): Promise<EventRecord[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .orderBy('starts_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

/** Published events not yet over, the soonest first (the public list). */
export async function listUpcomingPublished(db: Db, now: number, limit = 200): Promise<EventRecord[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('status', '=', 'published')
    .where('ends_at', '>=', now)
    .orderBy('starts_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

/** Moves an event from `from` to `to` unless another request moved it first (false then). */
export async function setEventStatus(
  db: Db,
  id: string,
  from: EventStatus,
  to: EventStatus,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('events')
    .set({
      status: to,
      updated_at: now,
      ...(to === 'published' ? { published_at: now } : {}),
      ...(to === 'cancelled' ? { cancelled_at: now } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function toSession(row: Selectable<EventSessionsTable>): SessionRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    startsAt: num(row.starts_at),
    endsAt: num(row.ends_at),
    room: row.room,
    speakers: JSON.parse(row.speakers) as string[],
    texts: JSON.parse(row.texts) as Texts,
    capacity: row.capacity,
    taken: num(row.taken),
  };
}

const sessionColumns = (fields: SessionFields) => ({
  starts_at: fields.startsAt,
  ends_at: fields.endsAt,
  room: fields.room,
  speakers: JSON.stringify(fields.speakers),
  texts: JSON.stringify(fields.texts),
  capacity: fields.capacity,
});

export async function listSessions(db: Db, eventId: string): Promise<SessionRecord[]> {
  const rows = await db
    .selectFrom('event_sessions')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  return rows.map(toSession);
}

export async function insertSession(
  db: Db,
  id: string,
  eventId: string,
  fields: SessionFields,
  now: number,
): Promise<void> {
  await db
    .insertInto('event_sessions')
    .values({ id, event_id: eventId, ...sessionColumns(fields), created_at: now, updated_at: now })
    .execute();
}

export async function updateSession(
  db: Db,
  id: string,
  fields: SessionFields,
  now: number,
): Promise<boolean> {
  let query = db
    .updateTable('event_sessions')
    .set({ ...sessionColumns(fields), updated_at: now })
    .where('id', '=', id);
  if (fields.capacity !== null) query = query.where('taken', '<=', fields.capacity);
  return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
}

/** Deletes a session no one has a place in (false: not there, or places are taken). */
export async function deleteSession(db: Db, eventId: string, id: string): Promise<boolean> {
  await db.deleteFrom('event_pass_sessions').where('session_id', '=', id).execute();
  const result = await db
    .deleteFrom('event_sessions')
    .where('id', '=', id)
    .where('event_id', '=', eventId)
    .where('taken', '=', 0)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

function toPass(row: Selectable<EventPassesTable>, sessionIds: string[]): PassRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    texts: JSON.parse(row.texts) as Texts,
    capacity: row.capacity,
    taken: num(row.taken),
    sessionIds,
  };
}

export async function listPasses(db: Db, eventId: string): Promise<PassRecord[]> {
  const rows = await db
    .selectFrom('event_passes')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const links = await db
    .selectFrom('event_pass_sessions')
    .select(['pass_id', 'session_id'])
    .where(
      'pass_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((row) =>
    toPass(
      row,
      links.filter((l) => l.pass_id === row.id).map((l) => l.session_id),
    ),
  );
}

async function setPassSessions(db: Db, passId: string, sessionIds: readonly string[]): Promise<void> {
  await db.deleteFrom('event_pass_sessions').where('pass_id', '=', passId).execute();
  if (sessionIds.length > 0)
    await db
      .insertInto('event_pass_sessions')
      .values(sessionIds.map((session_id) => ({ pass_id: passId, session_id })))
      .execute();
}

export async function insertPass(
  db: Db,
  id: string,
  eventId: string,
  fields: PassFields,
  now: number,
): Promise<void> {
  await db
    .insertInto('event_passes')
    .values({
      id,
      event_id: eventId,
      texts: JSON.stringify(fields.texts),
      capacity: fields.capacity,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await setPassSessions(db, id, fields.sessionIds);
}

export async function updatePass(db: Db, id: string, fields: PassFields, now: number): Promise<boolean> {
  let query = db
    .updateTable('event_passes')
    .set({ texts: JSON.stringify(fields.texts), capacity: fields.capacity, updated_at: now })
    .where('id', '=', id);
  if (fields.capacity !== null) query = query.where('taken', '<=', fields.capacity);
  if (Number((await query.executeTakeFirst()).numUpdatedRows) === 0) return false;
  await setPassSessions(db, id, fields.sessionIds);
  return true;
}

export async function deletePass(db: Db, eventId: string, id: string): Promise<boolean> {
  const pass = await db
    .selectFrom('event_passes')
    .select('id')
    .where('id', '=', id)
    .where('event_id', '=', eventId)
    .where('taken', '=', 0)
    .executeTakeFirst();
  if (!pass) return false;
  await db.deleteFrom('event_pass_sessions').where('pass_id', '=', id).execute();
  await db.deleteFrom('event_passes').where('id', '=', id).execute();
  return true;
}

// Sign-in links and portal sessions.

export async function insertSignIn(
  db: Db,
  row: { id: string; contactId: string; email: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('event_sign_ins')
    .values({
      id: row.id,
      contact_id: row.contactId,
      email: row.email,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
    })
    .execute();
}

export async function findSignIn(db: Db, id: string) {
  const row = await db.selectFrom('event_sign_ins').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    row && {
      id: row.id,
      contactId: row.contact_id,
      email: row.email,
      expiresAt: num(row.expires_at),
      mailSentAt: numOrNull(row.mail_sent_at),
      usedAt: numOrNull(row.used_at),
    }
  );
}

export async function markSignInMailSent(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('event_sign_ins').set({ mail_sent_at: now }).where('id', '=', id).execute();
}

/** Uses a sign-in link up: true for the one request that wins, while it is unexpired. */
export async function claimSignIn(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('event_sign_ins')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes sign-in links past their time (used or not): they open nothing any more. */
export async function deleteExpiredSignIns(db: Db, now: number): Promise<number> {
  const result = await db.deleteFrom('event_sign_ins').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertPortalSession(
  db: Db,
  row: { id: string; contactId: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('event_portal_sessions')
    .values({
      id: row.id,
      contact_id: row.contactId,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
    })
    .execute();
}

/** The contact of a portal session still open at `now`. */
export async function findLivePortalSession(db: Db, id: string, now: number) {
  const row = await db
    .selectFrom('event_portal_sessions')
    .select(['id', 'contact_id'])
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && { id: row.id, contactId: row.contact_id };
}

export async function endPortalSession(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('event_portal_sessions')
    .set({ ended_at: now })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

/** A contact's registrations with their events (the portal's page), the soonest event first. */
export async function registrationsOf(db: Db, contactId: string) {
  const rows = await db
    .selectFrom('event_registrations as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .select(['r.id', 'r.status', 'r.created_at', 'e.id as event_id'])
    .where('r.contact_id', '=', contactId)
    .orderBy('e.starts_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    createdAt: num(r.created_at),
    eventId: r.event_id,
  }));
}

// The contact's rows, for the personal-data registry.

export async function contactEventRows(db: Db, contactId: string) {
  const registrations = await db
    .selectFrom('event_registrations')
    .selectAll()
    .where('contact_id', '=', contactId)
    .execute();
  const signIns = await db
    .selectFrom('event_sign_ins')
    .select(['id', 'email', 'created_at', 'used_at'])
    .where('contact_id', '=', contactId)
    .execute();
  const sessions = await db
    .selectFrom('event_portal_sessions')
    .select(['id', 'created_at', 'ended_at'])
    .where('contact_id', '=', contactId)
    .execute();
  return { registrations, signIns, sessions };
}

export async function deleteContactEventRows(db: Db, contactId: string) {
  const registrations = await db
    .deleteFrom('event_registrations')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  const signIns = await db
    .deleteFrom('event_sign_ins')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  const sessions = await db
    .deleteFrom('event_portal_sessions')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return {
    eventRegistrations: Number(registrations.numDeletedRows),
    eventSignIns: Number(signIns.numDeletedRows),
    eventPortalSessions: Number(sessions.numDeletedRows),
  };
}

/** A merge: the loser's sign-ins and sessions become the winner's (registrations come with part 4). */
export async function moveContactEventRows(db: Db, loserId: string, winnerId: string): Promise<void> {
  await db
    .updateTable('event_sign_ins')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  await db
    .updateTable('event_portal_sessions')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
  await db
    .updateTable('event_registrations')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('event_registrations as w')
            .select('w.id')
            .where('w.contact_id', '=', winnerId)
            .whereRef('w.event_id', '=', 'event_registrations.event_id'),
        ),
      ),
    )
    .execute();
  await db.deleteFrom('event_registrations').where('contact_id', '=', loserId).execute();
}

// Registrations (capacity: one conditional update per counter, decision 031).

export async function contactExists(db: Db, contactId: string): Promise<boolean> {
  return (
    (await db.selectFrom('contacts').select('id').where('id', '=', contactId).executeTakeFirst()) !==
    undefined
  );
}

/** Takes one place of an event, pass or session unless it is full: true when taken. */
export async function takePlace(
  db: Db,
  table: 'events' | 'event_passes' | 'event_sessions',
  id: string,
): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set((eb) => ({ taken: eb('taken', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb('capacity', 'is', null), eb('taken', '<', eb.ref('capacity'))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertRegistration(
  db: Db,
  row: {
    id: string;
    eventId: string;
    contactId: string;
    passId: string | null;
    sessionIds: readonly string[];
    createdAt: number;
  },
): Promise<void> {
  await db
    .insertInto('event_registrations')
    .values({
      id: row.id,
      event_id: row.eventId,
      contact_id: row.contactId,
      pass_id: row.passId,
      status: 'registered',
      created_at: row.createdAt,
    })
    .execute();
  if (row.sessionIds.length > 0)
    await db
      .insertInto('event_registration_sessions')
      .values(row.sessionIds.map((session_id) => ({ registration_id: row.id, session_id })))
      .execute();
}

/** An event's registrations, the oldest first, with their sessions. */
export async function listRegistrations(db: Db, eventId: string) {
  const rows = await db
    .selectFrom('event_registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const links =
    rows.length === 0
      ? []
      : await db
          .selectFrom('event_registration_sessions')
          .selectAll()
          .where(
            'registration_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    passId: r.pass_id,
    status: r.status,
    createdAt: num(r.created_at),
    cancelledAt: numOrNull(r.cancelled_at),
    sessionIds: links.filter((l) => l.registration_id === r.id).map((l) => l.session_id),
  }));
}
