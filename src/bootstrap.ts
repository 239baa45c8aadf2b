// First-start set-up: an admin API key when there is none, a link to create the first administrator while
// there is no user, and the demo website.
import type { Kysely } from 'kysely';
import { createApiKey } from './access/api-keys.ts';
import { countApiKeys, insertApiKey } from './access/store.ts';
import { firstAdministratorToken } from './access/users/account-links.ts';
import { acceptLink } from './access/users/account-page-routes.ts';
import type { Config } from './config.ts';
import { DEMO_PAGE_SLUG } from './demo/routes.ts';
import { defineForm } from './forms/manage-forms.ts';
import { findFormByPageSlug } from './forms/store.ts';
import { newId, sha256Hex } from './lib/ids.ts';
import { loadInstallSecrets } from './secrets/install-secrets.ts';
import { readSetting, writeSetting } from './secrets/store.ts';
import type { Database } from './storage/schema.ts';
import { registerWebsite } from './websites/manage-websites.ts';
import { findWebsite } from './websites/store.ts';

export interface BootstrapResult {
  /** Only when this start created it: shown once, stored hashed. */
  newApiKey: string | null;
  /**
   * While the install has no user: a link (single use, 24 hours) to create the first administrator in the
   * browser. A new one at each start until someone has used one.
   */
  firstAdministratorLink: string | null;
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
  const secrets = await loadInstallSecrets(db, config.tokenKeys);
  const token = await firstAdministratorToken(db, secrets);
  return {
    newApiKey,
    firstAdministratorLink: token === null ? null : acceptLink(config.publicUrl, token),
    demoWebsiteId: config.demo ? await ensureDemoWebsite(db, config) : undefined,
  };
}

/**
 * The demo website's id: fixed, so that the README's tour and the demo page can print commands that work
 * as pasted. Databases whose demo website was made before it was fixed keep theirs (the setting below).
 */
export const DEMO_WEBSITE_ID = 'demo';

async function ensureDemoWebsite(db: Kysely<Database>, config: Config): Promise<string> {
  const setting = await readSetting(db, DEMO_SETTING);
  if (setting !== undefined && (await findWebsite(db, setting))) return setting;
  if (!(await findWebsite(db, DEMO_WEBSITE_ID))) {
    const origins = new Set([
      new URL(config.publicUrl).origin,
      `http://localhost:${config.port}`,
      `http://127.0.0.1:${config.port}`,
    ]);
    await registerWebsite(db, { name: 'Demo shop', allowedOrigins: [...origins] }, DEMO_WEBSITE_ID).catch(
      async (error: unknown) => {
        // Another node starting on the same database registered it first.
        if (!(await findWebsite(db, DEMO_WEBSITE_ID))) throw error;
      },
    );
  }
  await writeSetting(db, DEMO_SETTING, DEMO_WEBSITE_ID);
  await ensureDemoForm(db, DEMO_WEBSITE_ID);
  return DEMO_WEBSITE_ID;
}

/** A hosted marketing page with a sign-up form, so the tour can show identity end to end. */
async function ensureDemoForm(db: Kysely<Database>, websiteId: string): Promise<void> {
  if (await findFormByPageSlug(db, DEMO_PAGE_SLUG)) return;
  await defineForm(db, {
    name: 'Demo sign-up',
    websiteId,
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true, prefill: true },
      { key: 'firstName', type: 'text', label: 'First name', prefill: true },
      { key: 'company', type: 'text', label: 'Company' },
      { key: 'consent_news', type: 'consent', label: 'Send me the newsletter' },
    ],
    prefill: true,
    afterSubmit: {
      kind: 'message',
      text: 'Thanks — you are signed up. Your earlier visits are now part of your history.',
    },
    page: {
      slug: DEMO_PAGE_SLUG,
      title: 'Sign up for the demo newsletter',
      intro: 'One email a month. Unsubscribe any time.',
    },
  }).catch(async (error: unknown) => {
    // Another node starting on the same database defined it first (the slug is unique).
    if (!(await findFormByPageSlug(db, DEMO_PAGE_SLUG))) throw error;
  });
}
