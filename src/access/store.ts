// Storage for API keys (only their SHA-256 is kept).
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export async function insertApiKey(
  db: Kysely<Database>,
  id: string,
  name: string,
  keyHash: string,
  now: number,
  scopes = 'full',
) {
  await db.insertInto('api_keys').values({ id, name, key_hash: keyHash, created_at: now, scopes }).execute();
}

/** A key that is not revoked, by its hash: read on every admin request (no cache, so a revocation counts at once). */
export async function findApiKeyByHash(db: Kysely<Database>, keyHash: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'scopes', 'last_used_at'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Records a use unless one was recorded since `notBefore` (the condition keeps it one write a minute). */
export async function touchApiKey(db: Kysely<Database>, id: string, now: number, notBefore: number) {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', notBefore)]))
    .execute();
}

export async function listApiKeyRows(db: Kysely<Database>) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Revokes a key by id; false when there is no such key or it was revoked already. */
export async function revokeApiKeyRow(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countApiKeys(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
