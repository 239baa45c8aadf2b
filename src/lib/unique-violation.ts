// Recognises a unique-constraint violation from either engine, so a race between two saves answers 409, not 500.
import { AppError } from './errors.ts';

/** Column names a violation names, e.g. ["page_slug"], or null when the error is not a unique violation. */
export function uniqueViolationColumns(error: unknown): string[] | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, detail } = error as { code?: unknown; message?: unknown; detail?: unknown };
  // PostgreSQL: "Key (page_slug)=(spring) already exists." (the value is left out of the answer).
  if (code === '23505') {
    const columns = typeof detail === 'string' ? /^Key \(([^)]*)\)=/.exec(detail)?.[1] : undefined;
    return columns ? columns.split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : [];
  }
  // SQLite: "UNIQUE constraint failed: forms.page_slug, forms.x".
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const columns = typeof message === 'string' ? /constraint failed: (.*)$/.exec(message)?.[1] : undefined;
    return columns ? columns.split(',').map((c) => c.trim().split('.').pop() as string) : [];
  }
  return null;
}

/** The conflict a unique violation means to a client, or null when the error is something else. */
export function conflictOf(error: unknown): AppError | null {
  const columns = uniqueViolationColumns(error);
  if (columns === null) return null;
  const what = columns.length ? columns.map((c) => c.replaceAll('_', ' ')).join(', ') : 'key';
  return new AppError(
    'conflict',
    `Another record already has this ${what} (it may have been saved at the same moment); change it, or read the existing record, and try again.`,
  );
}
