// Invitations, the first administrator's link and password resets: each a sealed link (src/platform/seal.ts)
// naming one row, valid until the seal's expiry and used once (the row is claimed by the use that wins).
import type { Kysely } from 'kysely';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Database } from '../../storage/schema.ts';
import { isRole, type Role } from '../scopes.ts';
import { createUser, setPassword, type User, validEmail } from './manage-users.ts';
import { passwordProblem } from './passwords.ts';
import {
  claimInvitation,
  claimPasswordReset,
  countUsers,
  findInvitation,
  findPasswordReset,
  findUserByEmail,
  findUserById,
  insertInvitation,
  insertPasswordReset,
} from './store.ts';

/** What a link needs of the install's secrets: the seal, and opening with a re-read of rotated keys. */
export type LinkSecrets = Pick<InstallSecrets, 'seal' | 'open'>;

const INVITATION_DAYS = 7;
const FIRST_ADMINISTRATOR_HOURS = 24;
const RESET_MINUTES = 60;

export interface Invitation {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  invitedBy: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
}

type InvitationRow = NonNullable<Awaited<ReturnType<typeof findInvitation>>>;

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: isRole(row.role) ? row.role : 'analyst',
    invitedBy: row.invited_by,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
  };
}

const LINK_UNUSABLE =
  'This link cannot be used: it was already used, it expired, or it was copied incompletely. Ask for a new one.';

/** An invitation for `email` with `role`; returns it and the sealed token for its link. */
export async function createInvitation(
  db: Kysely<Database>,
  secrets: LinkSecrets,
  input: { email: string; role: Role; name?: string | undefined; invitedBy: string | null },
  now = Date.now(),
): Promise<{ invitation: Invitation; token: string }> {
  const email = validEmail(input.email);
  if (await findUserByEmail(db, email))
    throw new AppError('conflict', `A user with the email ${email} exists already.`);
  const lifetimeMs = INVITATION_DAYS * 86_400_000;
  const row = {
    id: newId(),
    email,
    name: input.name?.trim() || null,
    role: input.role,
    invited_by: input.invitedBy,
    created_at: now,
    expires_at: now + lifetimeMs,
    accepted_at: null,
    user_id: null,
  };
  await insertInvitation(db, row);
  return { invitation: toInvitation(row), token: secrets.seal.sealText('account invitation', [row.id], now) };
}

/**
 * The first administrator's link, while the install has no user: an invitation without an email (the
 * person who opens it types theirs), printed at start instead of mailed. Null once a user exists.
 */
export async function firstAdministratorToken(
  db: Kysely<Database>,
  secrets: LinkSecrets,
  now = Date.now(),
): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const row = {
    id: newId(),
    email: '',
    name: null,
    role: 'administrator',
    invited_by: null,
    created_at: now,
    expires_at: now + FIRST_ADMINISTRATOR_HOURS * 3_600_000,
    accepted_at: null,
    user_id: null,
  };
  await insertInvitation(db, row);
  return secrets.seal.sealText('first administrator', [row.id], now);
}

/** The open invitation a token names (either purpose), or a 404 with a sentence for the person. */
export async function openInvitation(
  db: Kysely<Database>,
  secrets: LinkSecrets,
  token: string,
  now = Date.now(),
): Promise<Invitation> {
  for (const purpose of ['account invitation', 'first administrator'] as const) {
    const opened = await secrets.open(purpose, token, now);
    if (!opened.ok) continue;
    const row = await findInvitation(db, opened.value[0] as string);
    if (!row || row.accepted_at !== null || Number(row.expires_at) <= now) break;
    // The first administrator's link works only while there is no user.
    if (purpose === 'first administrator' && (await countUsers(db)) > 0) break;
    return toInvitation(row);
  }
  throw new AppError('not_found', LINK_UNUSABLE);
}

/** Makes the invited user (with the password they chose) and uses the invitation up. */
export async function acceptInvitation(
  db: Kysely<Database>,
  secrets: LinkSecrets,
  token: string,
  input: { email?: string | undefined; name?: string | undefined; password: string },
  now = Date.now(),
): Promise<User> {
  const invitation = await openInvitation(db, secrets, token, now);
  // The first administrator's link names no address: the person gives theirs.
  const email = invitation.email || input.email || '';
  const user = await createUser(
    db,
    {
      email,
      name: input.name || invitation.name || undefined,
      role: invitation.role,
      password: input.password,
    },
    now,
  );
  // The user's unique email already stops a second acceptance; the claim records which one used the link.
  await claimInvitation(db, invitation.id, user.id, now);
  return user;
}

/** A reset link for an active user; returns the token (for the email), never shown to an administrator. */
export async function createPasswordReset(
  db: Kysely<Database>,
  secrets: LinkSecrets,
  userId: string,
  now = Date.now(),
): Promise<string> {
  const id = newId();
  await insertPasswordReset(db, {
    id,
    user_id: userId,
    created_at: now,
    expires_at: now + RESET_MINUTES * 60_000,
  });
  return secrets.seal.sealText('password reset', [id], now);
}

/** The user a reset token is for, while it is unused and unexpired; 404 otherwise. */
export async function openPasswordReset(
  db: Kysely<Database>,
  secrets: LinkSecrets,
  token: string,
  now = Date.now(),
): Promise<{ resetId: string; user: { id: string; email: string } }> {
  const opened = await secrets.open('password reset', token, now);
  const row = opened.ok ? await findPasswordReset(db, opened.value[0] as string) : undefined;
  const user = row ? await findUserById(db, row.user_id) : undefined;
  if (!row || !user || row.used_at !== null || Number(row.expires_at) <= now || user.status !== 'active')
    throw new AppError('not_found', LINK_UNUSABLE);
  return { resetId: row.id, user: { id: user.id, email: user.email } };
}

/** Sets the new password (which signs the user out everywhere) and uses the link up. */
export async function completePasswordReset(
  db: Kysely<Database>,
  secrets: LinkSecrets,
  token: string,
  password: string,
  now = Date.now(),
): Promise<{ id: string; email: string }> {
  const { resetId, user } = await openPasswordReset(db, secrets, token, now);
  // A password that cannot be used is refused before the link is used up.
  const problem = passwordProblem(password);
  if (problem) throw new AppError('unprocessable', problem, { fields: { password: problem } });
  if (!(await claimPasswordReset(db, resetId, now))) throw new AppError('not_found', LINK_UNUSABLE);
  await setPassword(db, user.id, password, now);
  return user;
}
