// Sessions: a random id in the cookie (its SHA-256 in the database, so every node knows it), a fresh id
// at every sign-in (no fixation), idle and absolute timeouts, sign-out here and everywhere.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../lib/errors.ts';
import { sha256Hex } from '../../lib/ids.ts';
import type { Database } from '../../storage/schema.ts';
import { isRole, type Role } from '../scopes.ts';
import { verifyPassword } from '../users/passwords.ts';
import { findUserByEmail } from '../users/store.ts';
import { type SessionTimeouts, sessionEnded } from './session-rules.ts';
import {
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOfUser,
  findSessionWithUser,
  insertSession,
  touchSession,
} from './store.ts';

/** Activity is written at most this often per session (the idle timeout's resolution). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface ActiveSession {
  /** SHA-256 of the cookie value: what sign-out deletes. */
  idHash: string;
  csrfToken: string;
  user: SessionUser;
}

export const WRONG_CREDENTIALS = 'The email or the password is wrong.';

/** The cookie value of a new session: 256 random bits. */
function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export interface SignedIn extends ActiveSession {
  /** The cookie value (shown once; only its hash is stored). */
  sessionId: string;
}

/**
 * Checks the credentials and opens a new session with a new id; the session the browser had before, if
 * any (`previousSessionId`), is deleted, so an id planted before sign-in never becomes a signed-in one.
 */
export async function signIn(
  db: Kysely<Database>,
  credentials: { email: string; password: string },
  timeouts: SessionTimeouts,
  options: { previousSessionId?: string | null; now?: number } = {},
): Promise<SignedIn> {
  const now = options.now ?? Date.now();
  const row = await findUserByEmail(db, credentials.email);
  const matches = await verifyPassword(row?.password_hash ?? null, credentials.password);
  if (!row || !matches) throw new AppError('unauthorized', WRONG_CREDENTIALS);
  // Said only to someone who knows the password: a disabled account is not revealed to a guesser.
  if (row.status !== 'active')
    throw new AppError('forbidden', 'This account is disabled; ask an administrator of this Spoor.');
  return openSession(
    db,
    { id: row.id, email: row.email, name: row.name, role: isRole(row.role) ? row.role : 'analyst' },
    timeouts,
    { ...options, now },
  );
}

/** A new session for `user` (after a sign-in, or an invitation accepted), replacing the browser's old one. */
export async function openSession(
  db: Kysely<Database>,
  user: SessionUser,
  timeouts: SessionTimeouts,
  options: { previousSessionId?: string | null; now?: number } = {},
): Promise<SignedIn> {
  const now = options.now ?? Date.now();
  if (options.previousSessionId) await deleteSession(db, sha256Hex(options.previousSessionId));
  await deleteExpiredSessions(db, now, now - timeouts.idleMs);
  const sessionId = newSessionId();
  const session = {
    id_hash: sha256Hex(sessionId),
    user_id: user.id,
    csrf_token: randomBytes(24).toString('base64url'),
    created_at: now,
    last_seen_at: now,
    expires_at: now + timeouts.absoluteMs,
  };
  await insertSession(db, session);
  return { sessionId, idHash: session.id_hash, csrfToken: session.csrf_token, user };
}

/** The live session a cookie value opens, read from the database on every request; throws 401 otherwise. */
export async function authenticateSession(
  db: Kysely<Database>,
  sessionId: string,
  timeouts: SessionTimeouts,
  now = Date.now(),
): Promise<ActiveSession> {
  const ended = () => new AppError('unauthorized', 'Your session has ended: sign in again.');
  if (sessionId.length > 100) throw ended();
  const idHash = sha256Hex(sessionId);
  const row = await findSessionWithUser(db, idHash);
  if (row?.status !== 'active' || !isRole(row.role)) throw ended();
  const times = {
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
  };
  if (sessionEnded(times, timeouts, now)) {
    await deleteSession(db, idHash).catch(() => {});
    throw ended();
  }
  if (times.lastSeenAt < now - TOUCH_EVERY_MS)
    // Best effort, like an API key's last use: a database that cannot take the write must not refuse a read.
    await touchSession(db, idHash, now, now - TOUCH_EVERY_MS).catch(() => {});
  return {
    idHash,
    csrfToken: row.csrf_token,
    user: { id: row.user_id, email: row.email, name: row.name, role: row.role },
  };
}

export async function signOut(db: Kysely<Database>, session: ActiveSession): Promise<void> {
  await deleteSession(db, session.idHash);
}

export async function signOutEverywhere(db: Kysely<Database>, userId: string): Promise<void> {
  await deleteSessionsOfUser(db, userId);
}
