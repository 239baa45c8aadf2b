// Registering and changing websites: validation of settings beyond their JSON shape, and the snippets.
import type { Kysely } from 'kysely';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Database } from '../storage/schema.ts';
import { checkOriginPattern } from './origin-rules.ts';
import { findWebsite, insertWebsite, updateWebsite } from './store.ts';
import { WEBSITE_DEFAULTS, type Website, type WebsiteSettings } from './website.ts';

export type WebsiteInput = Partial<WebsiteSettings>;

function checkSettings(settings: WebsiteSettings): WebsiteSettings {
  const problems = settings.allowedOrigins.map(checkOriginPattern).filter((p): p is string => p !== null);
  if (problems.length > 0) {
    throw new AppError('bad_request', `allowedOrigins: ${problems.join('; ')}.`);
  }
  const name = settings.name.trim();
  if (!name) throw new AppError('bad_request', 'name must not be empty.');
  return { ...settings, name, allowedOrigins: settings.allowedOrigins.map((o) => o.replace(/\/+$/, '')) };
}

/** `id` is for Spoor's own demo website (a fixed, documented id); every other website gets a random one. */
export async function registerWebsite(
  db: Kysely<Database>,
  input: WebsiteInput,
  id: string = newId(),
): Promise<Website> {
  if (!input.name) throw new AppError('bad_request', 'name is required.');
  if (!input.allowedOrigins || input.allowedOrigins.length === 0) {
    throw new AppError('bad_request', 'allowedOrigins is required: the origins whose pages may send events.');
  }
  const settings = checkSettings({ ...WEBSITE_DEFAULTS, ...input } as WebsiteSettings);
  await insertWebsite(db, id, settings, Date.now());
  return (await findWebsite(db, id))!;
}

export async function changeWebsite(db: Kysely<Database>, id: string, input: WebsiteInput): Promise<Website> {
  const current = await getWebsite(db, id);
  const { id: _id, createdAt: _c, updatedAt: _u, ...currentSettings } = current;
  const settings = checkSettings({ ...currentSettings, ...input });
  await updateWebsite(db, id, settings, Date.now());
  return (await findWebsite(db, id))!;
}

export async function getWebsite(db: Kysely<Database>, id: string): Promise<Website> {
  const website = await findWebsite(db, id);
  if (!website) throw new AppError('not_found', `No website with id "${id}".`);
  return website;
}

export interface Snippets {
  thirdParty: string;
  firstParty: string;
  outboundMarketingCompatible: string;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The HTML a marketer pastes into their pages. */
export function snippetsFor(website: Website, publicUrl: string): Snippets {
  const id = escapeAttribute(website.id);
  const host = escapeAttribute(new URL(publicUrl).host);
  return {
    thirdParty: `<script async src="${escapeAttribute(publicUrl)}/s/${id}.js"></script>`,
    firstParty: `<!-- proxy /spoor/ on your site to ${escapeAttribute(publicUrl)}/ (see docs/tracking.md) -->\n<script async src="/spoor/s/${id}.js"></script>`,
    outboundMarketingCompatible: `<div class="d365-mkt-config" style="display:none" data-website-id="${id}" data-hostname="${host}"></div>\n<script async src="${escapeAttribute(publicUrl)}/spoor.js"></script>`,
  };
}
