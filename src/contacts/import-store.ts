// Storage for CSV imports and their progress (contact_imports), read by the dashboard while a file streams.
import type { Selectable } from 'kysely';
import type { ContactImportStatus, ContactImportsTable, Db } from '../storage/schema.ts';

export type ImportRow = Selectable<ContactImportsTable>;

export async function insertImport(db: Db, row: ContactImportsTable): Promise<void> {
  await db.insertInto('contact_imports').values(row).execute();
}

export async function findImport(db: Db, id: string): Promise<ImportRow | undefined> {
  return db.selectFrom('contact_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Moves a waiting import to running; false when it was not waiting (its file came already). */
export async function startImport(db: Db, id: string, bytesTotal: number | null, now: number) {
  const result = await db
    .updateTable('contact_imports')
    .set({ status: 'running', bytes_total: bytesTotal, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordImportProgress(
  db: Db,
  id: string,
  progress: {
    bytesRead: number;
    summary: string;
    now: number;
    finished?: { status: Exclude<ContactImportStatus, 'waiting' | 'running'>; error: string | null };
  },
): Promise<void> {
  await db
    .updateTable('contact_imports')
    .set({
      bytes_read: progress.bytesRead,
      summary: progress.summary,
      updated_at: progress.now,
      ...(progress.finished
        ? { status: progress.finished.status, error: progress.finished.error, finished_at: progress.now }
        : {}),
    })
    .where('id', '=', id)
    .execute();
}
