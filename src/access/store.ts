// Storage for API keys (only their SHA-256 is kept).
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export async function insertApiKey(
  db: Kysely<Database>,
  id: string,
  name: string,
  keyHash: string,
  now: number,
) {
  await db.insertInto('api_keys').values({ id, name, key_hash: keyHash, created_at: now }).execute();
}

export async function findApiKeyByHash(db: Kysely<Database>, keyHash: string) {
  return db.selectFrom('api_keys').select(['id', 'name']).where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function countApiKeys(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
