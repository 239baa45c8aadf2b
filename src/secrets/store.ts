// Storage for install-wide settings and secrets: one row each in `settings`, shared by every node.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

/** The stored value of a secret, creating it from `make()` if no node has yet (first writer wins). */
export async function readOrCreateSetting(
  db: Kysely<Database>,
  key: string,
  make: () => string,
): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value: make() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return row.value;
}

export async function writeSetting(db: Kysely<Database>, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The stored value of a setting, or undefined when no node has made it yet. */
export async function readSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}
