// Storage for sessions (only the SHA-256 of a session's cookie value is kept).
import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from '../../storage/schema.ts';

export async function insertSession(db: Kysely<Database>, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/**
 * A session with its user, read on every request made with the cookie: the user's status comes from the
 * database each time, so disabling a user counts at once on every node (no per-node cache to invalidate).
 */
export async function findSessionWithUser(db: Kysely<Database>, idHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id_hash',
      'sessions.csrf_token',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.id as user_id',
      'users.email',
      'users.name',
      'users.role',
      'users.status',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
}

/** Records activity unless some was recorded since `notBefore` (one write a minute per session in use). */
export async function touchSession(db: Kysely<Database>, idHash: string, now: number, notBefore: number) {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id_hash', '=', idHash)
    .where('last_seen_at', '<', notBefore)
    .execute();
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteSessionsOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Removes sessions past either timeout (kept tidy at sign-in; an expired row is refused anyway). */
export async function deleteExpiredSessions(
  db: Kysely<Database>,
  now: number,
  idleBefore: number,
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
    .execute();
}
