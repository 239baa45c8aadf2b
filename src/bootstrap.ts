// First-start set-up: an admin API key when there is none, and the demo website.
import type { Kysely } from 'kysely';
import { createApiKey } from './access/api-keys.ts';
import { countApiKeys, insertApiKey } from './access/store.ts';
import type { Config } from './config.ts';
import { newId, sha256Hex } from './lib/ids.ts';
import type { Database } from './storage/schema.ts';
import { registerWebsite } from './websites/manage-websites.ts';
import { findWebsite } from './websites/store.ts';

export interface BootstrapResult {
  /** Only when this start created it: shown once, stored hashed. */
  newApiKey: string | null;
  demoWebsiteId: string | undefined;
}

const DEMO_SETTING = 'demo_website_id';

export async function bootstrap(db: Kysely<Database>, config: Config): Promise<BootstrapResult> {
  let newApiKey: string | null = null;
  if ((await countApiKeys(db)) === 0) {
    if (config.bootstrapApiKey) {
      await insertApiKey(db, newId(), 'bootstrap', sha256Hex(config.bootstrapApiKey), Date.now());
    } else {
      newApiKey = await createApiKey(db, 'admin (first start)');
    }
  }
  return { newApiKey, demoWebsiteId: config.demo ? await ensureDemoWebsite(db, config) : undefined };
}

async function ensureDemoWebsite(db: Kysely<Database>, config: Config): Promise<string> {
  const setting = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', DEMO_SETTING)
    .executeTakeFirst();
  if (setting && (await findWebsite(db, setting.value))) return setting.value;
  const origins = new Set([
    new URL(config.publicUrl).origin,
    `http://localhost:${config.port}`,
    `http://127.0.0.1:${config.port}`,
  ]);
  const website = await registerWebsite(db, { name: 'Demo shop', allowedOrigins: [...origins] });
  await db
    .insertInto('settings')
    .values({ key: DEMO_SETTING, value: website.id })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: website.id }))
    .execute();
  return website.id;
}
