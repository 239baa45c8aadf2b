// Storage for websites.
import type { Kysely, Selectable } from 'kysely';
import type { Database, WebsitesTable } from '../storage/schema.ts';
import type { Website, WebsiteSettings } from './website.ts';

function toWebsite(row: Selectable<WebsitesTable>): Website {
  return {
    id: row.id,
    name: row.name,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    visitTimeoutMinutes: row.visit_timeout_minutes,
    visitorCookieDays: row.visitor_cookie_days,
    gpcMode: row.gpc_mode,
    retentionDays: row.retention_days,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export async function insertWebsite(
  db: Kysely<Database>,
  id: string,
  settings: WebsiteSettings,
  now: number,
) {
  await db
    .insertInto('websites')
    .values({
      id,
      name: settings.name,
      allowed_origins: JSON.stringify(settings.allowedOrigins),
      visit_timeout_minutes: settings.visitTimeoutMinutes,
      visitor_cookie_days: settings.visitorCookieDays,
      gpc_mode: settings.gpcMode,
      retention_days: settings.retentionDays,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateWebsite(
  db: Kysely<Database>,
  id: string,
  settings: WebsiteSettings,
  now: number,
) {
  const result = await db
    .updateTable('websites')
    .set({
      name: settings.name,
      allowed_origins: JSON.stringify(settings.allowedOrigins),
      visit_timeout_minutes: settings.visitTimeoutMinutes,
      visitor_cookie_days: settings.visitorCookieDays,
      gpc_mode: settings.gpcMode,
      retention_days: settings.retentionDays,
      updated_at: now,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findWebsite(db: Kysely<Database>, id: string): Promise<Website | undefined> {
  const row = await db.selectFrom('websites').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toWebsite(row) : undefined;
}

export async function listWebsites(db: Kysely<Database>): Promise<Website[]> {
  const rows = await db.selectFrom('websites').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toWebsite);
}

export async function countWebsites(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('websites')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Websites with a retention period (privacy's retention pass walks them). */
export async function websitesWithRetention(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('websites')
    .select(['id', 'retention_days'])
    .where('retention_days', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, retentionDays: Number(row.retention_days) }));
}
