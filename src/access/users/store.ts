// Storage for users, invitations and password resets (the only file that touches those tables).
import type { Kysely } from 'kysely';
import type { Database, InvitationsTable, UsersTable } from '../../storage/schema.ts';

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'status',
  'password_hash',
  'created_at',
  'updated_at',
] as const;

export type UserRow = Pick<UsersTable, (typeof USER_COLUMNS)[number]>;

/** The unique form of an address: trimmed, lower case. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export async function insertUser(db: Kysely<Database>, row: UsersTable): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
}

export async function listUserRows(db: Kysely<Database>): Promise<UserRow[]> {
  return db.selectFrom('users').select(USER_COLUMNS).orderBy('created_at').orderBy('id').execute();
}

export async function updateUserRow(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Pick<UsersTable, 'name' | 'role' | 'status' | 'password_hash'>>,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countActiveAdministrators(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'administrator')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertInvitation(db: Kysely<Database>, row: InvitationsTable): Promise<void> {
  await db.insertInto('invitations').values(row).execute();
}

export async function findInvitation(db: Kysely<Database>, id: string) {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listInvitationRows(db: Kysely<Database>) {
  return db.selectFrom('invitations').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Marks an invitation used; false when it was used already (the one acceptance that wins sets it). */
export async function claimInvitation(
  db: Kysely<Database>,
  id: string,
  userId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: now, user_id: userId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertPasswordReset(
  db: Kysely<Database>,
  row: { id: string; user_id: string; created_at: number; expires_at: number },
): Promise<void> {
  await db
    .insertInto('password_resets')
    .values({ ...row, used_at: null })
    .execute();
}

export async function findPasswordReset(db: Kysely<Database>, id: string) {
  return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks a reset used; false when it was used already. */
export async function claimPasswordReset(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
