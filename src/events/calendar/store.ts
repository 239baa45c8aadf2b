// The calendar's reads and writes of the event tables (migration 029): an event's sequence, a
// registration's language and the last invitation sent for it.
import type { Db } from '../../storage/schema.ts';
import type { InvitationMethod } from './invitation.ts';

export interface InvitationRow {
  id: string;
  eventId: string;
  contactId: string;
  passId: string | null;
  status: string;
  language: string | null;
  lastMethod: InvitationMethod | null;
  lastSequence: number | null;
  sessionIds: string[];
}

export async function findInvitationRow(db: Db, registrationId: string): Promise<InvitationRow | undefined> {
  const row = await db
    .selectFrom('event_registrations')
    .select([
      'id',
      'event_id',
      'contact_id',
      'pass_id',
      'status',
      'language',
      'invitation_method',
      'invitation_sequence',
    ])
    .where('id', '=', registrationId)
    .executeTakeFirst();
  if (!row) return undefined;
  const sessions = await db
    .selectFrom('event_registration_sessions')
    .select('session_id')
    .where('registration_id', '=', registrationId)
    .execute();
  return {
    id: row.id,
    eventId: row.event_id,
    contactId: row.contact_id,
    passId: row.pass_id,
    status: row.status,
    language: row.language ?? null,
    lastMethod: (row.invitation_method as InvitationMethod | null | undefined) ?? null,
    lastSequence: row.invitation_sequence == null ? null : Number(row.invitation_sequence),
    sessionIds: sessions.map((s) => s.session_id),
  };
}

export async function eventSequence(db: Db, eventId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select('calendar_sequence')
    .where('id', '=', eventId)
    .executeTakeFirst();
  return Number(row?.calendar_sequence ?? 0);
}

/** Raises the event's SEQUENCE (its times or place changed, or it is cancelled). */
export async function raiseEventSequence(db: Db, eventId: string): Promise<void> {
  await db
    .updateTable('events')
    .set((eb) => ({ calendar_sequence: eb('calendar_sequence', '+', 1) }))
    .where('id', '=', eventId)
    .execute();
}

export async function setRegistrationLanguage(db: Db, registrationId: string, language: string) {
  await db.updateTable('event_registrations').set({ language }).where('id', '=', registrationId).execute();
}

/** Records the invitation sent, so a retry of the job does not send it again. */
export async function markInvitationSent(
  db: Db,
  registrationId: string,
  method: InvitationMethod,
  sequence: number,
): Promise<void> {
  await db
    .updateTable('event_registrations')
    .set({ invitation_method: method, invitation_sequence: sequence })
    .where('id', '=', registrationId)
    .execute();
}

/** The registrations of an event that hold or are due an invitation (an event change tells them). */
export async function registrationsToTell(db: Db, eventId: string, afterId: string, limit: number) {
  const rows = await db
    .selectFrom('event_registrations')
    .select('id')
    .where('event_id', '=', eventId)
    .where('id', '>', afterId)
    .where((eb) => eb.or([eb('status', '=', 'registered'), eb('invitation_method', '=', 'request')]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
