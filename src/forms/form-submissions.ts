// A form's submissions as the dashboard lists them: newest first, with what was submitted, what it did
// (created or updated a contact, or failed and why) and whose it became.
import { AppError } from '../lib/errors.ts';
import { pageOf } from '../lib/page.ts';
import type { Db } from '../storage/schema.ts';
import { findForm, pageSubmissionsOfForm } from './store.ts';

export interface FormSubmission {
  id: string;
  receivedAt: string;
  status: 'pending' | 'processed' | 'failed';
  outcome: 'created' | 'updated' | null;
  contactId: string | null;
  /** Submitted without tracking consent: the browser was not linked. */
  anonymous: boolean;
  values: Record<string, string | null>;
  consents: Record<string, boolean>;
  /** Why processing failed, for a person to read. */
  error: string | null;
}

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) throw new AppError('bad_request', 'cursor is not one this API returned.');
  return { receivedAt: Number(match[1]), id: match[2]! };
}

function payloadOf(payload: string): {
  values: Record<string, string | null>;
  consents: Record<string, boolean>;
} {
  try {
    const parsed = JSON.parse(payload) as {
      values?: Record<string, string | null>;
      consents?: Record<string, boolean>;
    };
    return { values: parsed.values ?? {}, consents: parsed.consents ?? {} };
  } catch {
    return { values: {}, consents: {} };
  }
}

export async function listFormSubmissions(
  db: Db,
  formId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ submissions: FormSubmission[]; nextCursor: string | null }> {
  const before = decodeCursor(query.cursor);
  if (!(await findForm(db, formId))) throw new AppError('not_found', `No form with id "${formId}".`);
  const rows = await pageSubmissionsOfForm(db, formId, {
    limit: query.limit + 1,
    ...(before ? { before } : {}),
  });
  const page = pageOf(rows, query.limit, (last) => `${Number(last.received_at)}.${last.id}`);
  return {
    submissions: page.rows.map((row) => ({
      id: row.id,
      receivedAt: new Date(Number(row.received_at)).toISOString(),
      status: row.status,
      outcome: row.outcome,
      contactId: row.contact_id,
      anonymous: Number(row.anonymous) === 1,
      ...payloadOf(row.payload),
      error: row.error,
    })),
    nextCursor: page.nextCursor,
  };
}
