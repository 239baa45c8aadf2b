// How an import reads to a person: its status (a running import whose node stopped reporting reads as
// interrupted) and how far it got through the file.
import type { ContactImportStatus } from '../storage/schema.ts';

/** An import that reported nothing for this long is no longer running (its node stopped or crashed). */
export const IMPORT_STALL_MS = 5 * 60_000;

export type ImportStatus = ContactImportStatus | 'interrupted';

export function importStatusOf(
  stored: { status: ContactImportStatus; updatedAt: number },
  now: number,
): ImportStatus {
  if (stored.status === 'running' && now - stored.updatedAt > IMPORT_STALL_MS) return 'interrupted';
  return stored.status;
}

/** The share of the file read, 0 to 1; null when the file's size was not declared and it is not done. */
export function importProgressOf(
  status: ImportStatus,
  bytesRead: number,
  bytesTotal: number | null,
): number | null {
  if (status === 'done') return 1;
  if (status === 'waiting') return 0;
  if (bytesTotal === null || bytesTotal <= 0) return null;
  return Math.min(1, bytesRead / bytesTotal);
}
