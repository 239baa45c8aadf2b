// Storage for the audit log (one row per change someone made, or was refused).
import type { Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../../storage/schema.ts';

export async function insertAuditEntry(db: Kysely<Database>, row: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** Newest first, `limit` rows strictly older than the cursor (at, id). */
export async function listAuditRows(
  db: Kysely<Database>,
  options: { limit: number; before?: { at: number; id: string } | undefined },
) {
  let query = db.selectFrom('audit_log').selectAll();
  const before = options.before;
  if (before)
    query = query.where((eb) =>
      eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
    );
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}
