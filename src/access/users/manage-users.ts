// Users: making them, reading them, changing role, name and status (disabling signs them out everywhere).
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../contacts/contact-rules.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Database } from '../../storage/schema.ts';
import { isRole, type Role } from '../scopes.ts';
import { deleteSessionsOfUser } from '../sessions/store.ts';
import { hashPassword } from './passwords.ts';
import {
  countActiveAdministrators,
  emailKey,
  findUserByEmail,
  findUserById,
  insertUser,
  listUserRows,
  type UserRow,
  updateUserRow,
} from './store.ts';

export type UserStatus = 'active' | 'disabled';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  createdAt: number;
  updatedAt: number;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: isRole(row.role) ? row.role : 'analyst',
    status: row.status === 'active' ? 'active' : 'disabled',
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * The address as given (trimmed), checked by the one rule contacts use too, or a 422 naming the field. A looser rule let through addresses the mail server then refused (a 503 for bad input).
 */
export function validEmail(email: string): string {
  if (!normalizeEmail(email))
    throw new AppError('unprocessable', `"${email.trim().slice(0, 80)}" is not an email address.`, {
      fields: { email: 'Not an email address.' },
    });
  return email.trim();
}

export interface NewUser {
  email: string;
  name?: string | undefined;
  role: Role;
  password: string;
}

export async function createUser(db: Kysely<Database>, input: NewUser, now = Date.now()): Promise<User> {
  const email = validEmail(input.email);
  if (await findUserByEmail(db, email))
    throw new AppError('conflict', `A user with the email ${email} exists already.`);
  const row = {
    id: newId(),
    email,
    email_key: emailKey(email),
    name: input.name?.trim() || email.split('@')[0] || email,
    role: input.role,
    password_hash: await hashPassword(input.password),
    status: 'active',
    created_at: now,
    updated_at: now,
  };
  await insertUser(db, row);
  return toUser(row);
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return (await listUserRows(db)).map(toUser);
}

export async function getUser(db: Kysely<Database>, id: string): Promise<User> {
  const row = await findUserById(db, id);
  if (!row) throw new AppError('not_found', `No user has the id ${id}.`);
  return toUser(row);
}

/** A user by id or by email (the CLI takes either). */
export async function findUser(db: Kysely<Database>, idOrEmail: string): Promise<User> {
  const row = (await findUserById(db, idOrEmail)) ?? (await findUserByEmail(db, idOrEmail));
  if (!row) throw new AppError('not_found', `No user has the id or email "${idOrEmail}".`);
  return toUser(row);
}

export interface UserChanges {
  name?: string | undefined;
  role?: Role | undefined;
  disabled?: boolean | undefined;
}

/**
 * Changes a user. Refuses to leave the install without an active administrator (the last one cannot be
 * disabled or demoted). Disabling deletes the user's sessions; every node also checks the status on each
 * request, so a session is refused at once even where it was just read.
 */
export async function changeUser(
  db: Kysely<Database>,
  id: string,
  changes: UserChanges,
  now = Date.now(),
): Promise<User> {
  const user = await getUser(db, id);
  const status: UserStatus | undefined =
    changes.disabled === undefined ? undefined : changes.disabled ? 'disabled' : 'active';
  const losesAdministrator =
    user.role === 'administrator' &&
    user.status === 'active' &&
    ((changes.role !== undefined && changes.role !== 'administrator') || status === 'disabled');
  if (losesAdministrator && (await countActiveAdministrators(db)) <= 1)
    throw new AppError(
      'conflict',
      `${user.email} is the only active administrator: make another user an administrator first.`,
    );
  const name = changes.name?.trim();
  await updateUserRow(
    db,
    id,
    {
      ...(name ? { name } : {}),
      ...(changes.role ? { role: changes.role } : {}),
      ...(status ? { status } : {}),
    },
    now,
  );
  if (status === 'disabled') await deleteSessionsOfUser(db, id);
  return getUser(db, id);
}

/** Sets a new password and ends every session the user had (a reset means the old one may be known). */
export async function setPassword(
  db: Kysely<Database>,
  id: string,
  password: string,
  now = Date.now(),
): Promise<void> {
  const hash = await hashPassword(password);
  if (!(await updateUserRow(db, id, { password_hash: hash }, now)))
    throw new AppError('not_found', `No user has the id ${id}.`);
  await deleteSessionsOfUser(db, id);
}
