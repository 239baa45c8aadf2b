// The only file that touches the event website's tables: events, sessions, passes, registrations, the
// sign-in links and the portal's sessions (migration 024).
import { type Selectable, sql } from 'kysely';
import { afterBound } from '../platform/interactions/after-bound.ts';
import type { SourceBound } from '../platform/interactions/interaction.ts';
import { recordInteraction } from '../platform/interactions/store.ts';
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
  const sessionsOf = await linkedSessions(
    db,
    'event_pass_sessions',
    rows.map((r) => r.id),
  );
  return rows.map((row) => toPass(row, sessionsOf.get(row.id) ?? []));
}

/**
 * The sessions each pass or registration in `ids` opens or holds (a link table's rows, in session-id
 * order), in one query; every id is in the map, with none for those without sessions.
 */
export async function linkedSessions(
  db: Db,
  table: 'event_pass_sessions' | 'event_registration_sessions',
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const byOwner = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byOwner;
  const owner = table === 'event_pass_sessions' ? 'pass_id' : 'registration_id';
  const { rows } = await sql<{ owner: string; session_id: string }>`
    select ${sql.ref(owner)} as owner, session_id from ${sql.table(table)}
    where ${sql.ref(owner)} in (${sql.join([...ids])}) order by session_id`.execute(db);
  for (const link of rows) byOwner.get(link.owner)?.push(link.session_id);
  return byOwner;
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
    .select(['r.id', 'r.status', 'r.created_at', 'e.id as event_id', 'r.offered_at', 'r.offer_expires_at'])
    .where('r.contact_id', '=', contactId)
    .orderBy('e.starts_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    createdAt: num(r.created_at),
    eventId: r.event_id,
    offeredAt: numOrNull(r.offered_at),
    offerExpiresAt: numOrNull(r.offer_expires_at),
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
  const changes = await db
    .selectFrom('event_registration_changes')
    .select(['registration_id', 'event_id', 'change', 'occurred_at'])
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at')
    .execute();
  return { registrations, signIns, sessions, changes };
}

/**
 * Before registrations are deleted (erasure, or a merge's duplicates): the places the rows hold (registered,
 * or a place held on the waitlist) go back to the free places, each event's row locked first.
 */
async function givePlacesBack(
  db: Db,
  which: (q: ReturnType<typeof registrationsQuery>) => ReturnType<typeof registrationsQuery>,
): Promise<void> {
  const rows = await withSessions(db, await which(registrationsQuery(db)).execute());
  for (const row of rows) {
    if (row.status === 'cancelled' || (row.status === 'waitlisted' && row.offeredAt === null)) continue;
    await lockEvent(db, row.eventId);
    const gone = await db
      .deleteFrom('event_registrations')
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) continue;
    await releasePlace(db, 'events', row.eventId);
    if (row.passId) await releasePlace(db, 'event_passes', row.passId);
    for (const id of row.sessionIds) await releasePlace(db, 'event_sessions', id);
  }
}
const registrationsQuery = (db: Db) => db.selectFrom('event_registrations').selectAll();

export async function deleteContactEventRows(db: Db, contactId: string) {
  await givePlacesBack(db, (q) => q.where('contact_id', '=', contactId));
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
  await db.deleteFrom('event_registration_changes').where('contact_id', '=', contactId).execute();
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
  await givePlacesBack(db, (q) => q.where('contact_id', '=', loserId));
  await db.deleteFrom('event_registrations').where('contact_id', '=', loserId).execute();
  // The loser's history follows the winner (a registration the winner had already keeps the winner's).
  await db
    .updateTable('event_registration_changes')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
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
  const sessionsOf = await linkedSessions(
    db,
    'event_registration_sessions',
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    passId: r.pass_id,
    status: r.status,
    createdAt: num(r.created_at),
    cancelledAt: numOrNull(r.cancelled_at),
    sessionIds: sessionsOf.get(r.id) ?? [],
  }));
}

// Registration changes and the waitlist (migration 027, decision 033).

export type RegistrationStatus = 'registered' | 'waitlisted' | 'cancelled';

export interface RegistrationRow {
  id: string;
  eventId: string;
  contactId: string;
  passId: string | null;
  status: RegistrationStatus;
  createdAt: number;
  offeredAt: number | null;
  offerExpiresAt: number | null;
  sessionIds: string[];
}

async function withSessions(
  db: Db,
  rows: Selectable<import('../storage/schema.ts').EventRegistrationsTable>[],
) {
  const sessionsOf = await linkedSessions(
    db,
    'event_registration_sessions',
    rows.map((r) => r.id),
  );
  return rows.map(
    (r): RegistrationRow => ({
      id: r.id,
      eventId: r.event_id,
      contactId: r.contact_id,
      passId: r.pass_id,
      status: r.status,
      createdAt: num(r.created_at),
      offeredAt: numOrNull(r.offered_at),
      offerExpiresAt: numOrNull(r.offer_expires_at),
      sessionIds: sessionsOf.get(r.id) ?? [],
    }),
  );
}

export async function findRegistration(db: Db, id: string): Promise<RegistrationRow | undefined> {
  const rows = await db.selectFrom('event_registrations').selectAll().where('id', '=', id).execute();
  return (await withSessions(db, rows))[0];
}

export async function findRegistrationOf(
  db: Db,
  eventId: string,
  contactId: string,
): Promise<RegistrationRow | undefined> {
  const rows = await db
    .selectFrom('event_registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('contact_id', '=', contactId)
    .execute();
  return (await withSessions(db, rows))[0];
}

/**
 * Locks the event's row for the rest of the transaction (a no-op update): every change of an event's
 * counters or queue takes it first, so they run one at a time per event and never wait on each other
 * in a cycle.
 */
export async function lockEvent(db: Db, eventId: string): Promise<void> {
  await db
    .updateTable('events')
    .set((eb) => ({ taken: eb.ref('taken') }))
    .where('id', '=', eventId)
    .execute();
}

/** Gives one place of an event, pass or session back (a cancellation, a declined or expired offer). */
export async function releasePlace(
  db: Db,
  table: 'events' | 'event_passes' | 'event_sessions',
  id: string,
): Promise<void> {
  await db
    .updateTable(table)
    .set((eb) => ({ taken: eb('taken', '-', 1) }))
    .where('id', '=', id)
    .where('taken', '>', 0)
    .execute();
}

/** Makes a cancelled registration live again (a contact registering anew): its old sessions go. */
export async function reviveRegistration(
  db: Db,
  row: {
    id: string;
    passId: string | null;
    sessionIds: readonly string[];
    status: 'registered' | 'waitlisted';
    createdAt: number;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('event_registrations')
    .set({
      status: row.status,
      pass_id: row.passId,
      created_at: row.createdAt,
      cancelled_at: null,
      offered_at: null,
      offer_expires_at: null,
    })
    .where('id', '=', row.id)
    .where('status', '=', 'cancelled')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db.deleteFrom('event_registration_sessions').where('registration_id', '=', row.id).execute();
  if (row.sessionIds.length > 0)
    await db
      .insertInto('event_registration_sessions')
      .values(row.sessionIds.map((session_id) => ({ registration_id: row.id, session_id })))
      .execute();
  return true;
}

/** Sets the status of a waitlisted row (insertRegistration writes 'registered'). */
export async function markWaitlisted(db: Db, id: string): Promise<void> {
  await db.updateTable('event_registrations').set({ status: 'waitlisted' }).where('id', '=', id).execute();
}

/**
 * A conditional change of one registration: applied only when the row is still as `from` says
 * (status, and which offer it holds: its offered_at, or none), so two nodes never both apply it.
 */
export async function changeRegistration(
  db: Db,
  id: string,
  from: { status: RegistrationStatus; offeredAt?: number | null; expiredBy?: number; liveAt?: number },
  to: {
    status: RegistrationStatus;
    offeredAt: number | null;
    offerExpiresAt: number | null;
    cancelledAt?: number;
  },
): Promise<boolean> {
  let query = db
    .updateTable('event_registrations')
    .set({
      status: to.status,
      offered_at: to.offeredAt,
      offer_expires_at: to.offerExpiresAt,
      ...(to.cancelledAt !== undefined ? { cancelled_at: to.cancelledAt } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from.status);
  if (from.offeredAt === null) query = query.where('offered_at', 'is', null);
  else if (from.offeredAt !== undefined) query = query.where('offered_at', '=', from.offeredAt);
  if (from.expiredBy !== undefined) query = query.where('offer_expires_at', '<=', from.expiredBy);
  if (from.liveAt !== undefined) query = query.where('offer_expires_at', '>', from.liveAt);
  return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
}

/** The event's waitlisted rows no place is held for, first come first served. */
export async function waitingQueue(db: Db, eventId: string, limit: number): Promise<RegistrationRow[]> {
  const rows = await db
    .selectFrom('event_registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('status', '=', 'waitlisted')
    .where('offered_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return withSessions(db, rows);
}

/** The interaction feed's name for registration changes (one item per `event_registration_changes` row). */
export const REGISTRATION_SOURCE = 'event_registration';

/**
 * Stores a change of a registration and logs it as the contact's interaction, in the caller's transaction:
 * the feed's consumers (lead scoring, webhooks) read the log, so a change not logged never scores.
 */
export async function insertRegistrationChange(
  db: Db,
  row: {
    id: string;
    registrationId: string;
    eventId: string;
    contactId: string;
    change: string;
    occurredAt: number;
  },
): Promise<void> {
  await db
    .insertInto('event_registration_changes')
    .values({
      id: row.id,
      registration_id: row.registrationId,
      event_id: row.eventId,
      contact_id: row.contactId,
      change: row.change,
      occurred_at: row.occurredAt,
    })
    .execute();
  await recordInteraction(db, REGISTRATION_SOURCE, row.id);
}

export async function setRegistrationForm(db: Db, eventId: string, formId: string): Promise<void> {
  await db
    .updateTable('events')
    .set({ registration_form_id: formId })
    .where('id', '=', eventId)
    .where('registration_form_id', 'is', null)
    .execute();
}

export async function registrationFormOf(db: Db, eventId: string): Promise<string | null> {
  const row = await db
    .selectFrom('events')
    .select('registration_form_id')
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row?.registration_form_id ?? null;
}

/** How many places are taken per counter (tests and the two-node check compare them with the rows). */
export async function countersOf(db: Db, eventId: string) {
  const event = await db.selectFrom('events').select('taken').where('id', '=', eventId).executeTakeFirst();
  const passes = await db
    .selectFrom('event_passes')
    .select(['id', 'taken'])
    .where('event_id', '=', eventId)
    .execute();
  const sessions = await db
    .selectFrom('event_sessions')
    .select(['id', 'taken'])
    .where('event_id', '=', eventId)
    .execute();
  return {
    event: Number(event?.taken ?? 0),
    passes: Object.fromEntries(passes.map((p) => [p.id, Number(p.taken)])),
    sessions: Object.fromEntries(sessions.map((s) => [s.id, Number(s.taken)])),
  };
}

export type RegistrationChangeRow = Awaited<ReturnType<typeof changesOfContact>>[number];

function changes(db: Db) {
  return db
    .selectFrom('event_registration_changes as c')
    .leftJoin('events as e', 'e.id', 'c.event_id')
    .select([
      'c.id',
      'c.contact_id',
      'c.event_id',
      'c.change',
      'c.occurred_at',
      'c.registration_id',
      'e.texts',
      'e.languages',
    ]);
}

export async function changesOfContact(db: Db, contactId: string, bound: SourceBound | null, limit: number) {
  let query = changes(db).where('c.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('c.occurred_at', 'c.id', bound));
  return query.orderBy('c.occurred_at', 'desc').orderBy('c.id', 'desc').limit(limit).execute();
}

export async function changesByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return changes(db)
    .where('c.id', 'in', [...ids])
    .execute();
}
