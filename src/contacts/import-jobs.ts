// CSV imports a person can watch: an import is made first (with its options and the list its contacts
// join), then its file streams in through importContacts, which records its progress and per-row errors
// after each piece of the body, so any node can answer "how far is it" while the upload runs.
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Storage } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import { type ImportOptions, type ImportSummary, importContacts } from './csv-import.ts';
import { type ImportStatus, importProgressOf, importStatusOf } from './import-progress.ts';
import {
  findImport,
  type ImportRow,
  insertImport,
  recordImportProgress,
  startImport,
} from './import-store.ts';
import { listCustomFields } from './store.ts';

/** What adding the imported contacts to the list did (as adding members in bulk counts it). */
export interface ListedCounts {
  added: number;
  already: number;
  keptUnsubscribed: number;
  resubscribed: number;
}

/** How an import puts its contacts on a list: given by the wiring, so contacts need not know lists. */
export interface ImportListHooks {
  listExists(db: Db, listId: string): Promise<boolean>;
  subscribe(trx: Db, listId: string, contactIds: readonly string[], now: number): Promise<ListedCounts>;
}

export interface ContactImport {
  id: string;
  status: ImportStatus;
  listId: string | null;
  onDuplicate: ImportOptions['onDuplicate'];
  unknownColumns: ImportOptions['unknownColumns'];
  bytesRead: number;
  bytesTotal: number | null;
  /** 0 to 1; null while the size of the file is unknown. */
  progress: number | null;
  summary: ImportSummary & { listed: ListedCounts | null };
  /** Why the import stopped, for a person to read. */
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const EMPTY_SUMMARY: ImportSummary = {
  rows: 0,
  created: 0,
  updated: 0,
  skipped: 0,
  rejected: 0,
  errors: [],
  errorsTruncated: false,
  ignoredColumns: [],
};

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function toImport(row: ImportRow, now: number): ContactImport {
  const status = importStatusOf({ status: row.status, updatedAt: Number(row.updated_at) }, now);
  const bytesTotal = row.bytes_total === null ? null : Number(row.bytes_total);
  return {
    id: row.id,
    status,
    listId: row.list_id,
    onDuplicate: row.on_duplicate,
    unknownColumns: row.unknown_columns,
    bytesRead: Number(row.bytes_read),
    bytesTotal,
    progress: importProgressOf(status, Number(row.bytes_read), bytesTotal),
    summary: { listed: null, ...JSON.parse(row.summary) },
    error: row.error,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    finishedAt: iso(row.finished_at),
  };
}

export interface NewImport {
  listId?: string | null;
  onDuplicate?: ImportOptions['onDuplicate'];
  unknownColumns?: ImportOptions['unknownColumns'];
}

export async function createImport(db: Db, lists: ImportListHooks, input: NewImport): Promise<ContactImport> {
  const listId = input.listId ?? null;
  if (listId !== null && !(await lists.listExists(db, listId)))
    throw new AppError('unprocessable', `No list with id "${listId}".`, { fields: { listId: 'unknown' } });
  const now = Date.now();
  const id = newId();
  await insertImport(db, {
    id,
    status: 'waiting',
    list_id: listId,
    on_duplicate: input.onDuplicate ?? 'update',
    unknown_columns: input.unknownColumns ?? 'refuse',
    bytes_total: null,
    bytes_read: 0,
    summary: JSON.stringify({ ...EMPTY_SUMMARY, listed: listId === null ? null : zeroListed() }),
    error: null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  });
  return getImport(db, id);
}

const zeroListed = (): ListedCounts => ({ added: 0, already: 0, keptUnsubscribed: 0, resubscribed: 0 });

export async function getImport(db: Db, id: string): Promise<ContactImport> {
  const row = await findImport(db, id);
  if (!row) throw new AppError('not_found', `No import with id "${id}".`);
  return toImport(row, Date.now());
}

/** Progress is written at most this often (and once at the end): enough for a progress bar. */
const PROGRESS_EVERY_MS = 500;

/**
 * Streams an import's file into the contacts, recording progress as it goes and the outcome at the end
 * (also when it fails: what was written stays written, and the summary says what that was).
 */
export async function runImport(
  storage: Storage,
  lists: ImportListHooks,
  id: string,
  file: {
    body: AsyncIterable<Uint8Array | string>;
    bytesTotal: number | null;
    charset?: string;
    maxBytes: number;
  },
): Promise<ContactImport> {
  const row = await findImport(storage.db, id);
  if (!row) throw new AppError('not_found', `No import with id "${id}".`);
  if (!(await startImport(storage.db, id, file.bytesTotal, Date.now())))
    throw new AppError('conflict', 'This import has its file already; make a new import for another file.');
  const listId = row.list_id;
  const listed = listId === null ? null : zeroListed();
  let latest: { summary: ImportSummary; bytesRead: number } = { summary: EMPTY_SUMMARY, bytesRead: 0 };
  let reportedAt = 0;
  let trailing: NodeJS.Timeout | undefined;
  let inflight: Promise<void> = Promise.resolve();
  const report = (finished?: { status: 'done' | 'failed'; error: string | null }) =>
    recordImportProgress(storage.db, id, {
      bytesRead: latest.bytesRead,
      summary: JSON.stringify({ ...latest.summary, listed }),
      now: Date.now(),
      ...(finished ? { finished } : {}),
    });
  try {
    const summary = await importContacts(storage, file.body, await listCustomFields(storage.db), {
      onDuplicate: row.on_duplicate,
      unknownColumns: row.unknown_columns,
      maxBytes: file.maxBytes,
      ...(file.charset ? { charset: file.charset } : {}),
      ...(listId !== null && listed
        ? {
            afterBatch: async (trx, contactIds, now) => {
              const counts = await lists.subscribe(trx, listId, contactIds, now);
              for (const key of Object.keys(listed) as (keyof ListedCounts)[]) listed[key] += counts[key];
            },
          }
        : {}),
      onProgress: async (summary, bytesRead) => {
        latest = { summary, bytesRead };
        const wait = reportedAt + PROGRESS_EVERY_MS - Date.now();
        if (wait <= 0) {
          reportedAt = Date.now();
          await report();
        } else {
          // A body that pauses still shows what it did so far, once the half second is over.
          trailing ??= setTimeout(() => {
            trailing = undefined;
            reportedAt = Date.now();
            inflight = report().catch(() => {});
          }, wait);
        }
      },
    });
    clearTimeout(trailing);
    await inflight;
    latest = { summary, bytesRead: Math.max(latest.bytesRead, file.bytesTotal ?? 0) };
    await report({ status: 'done', error: null });
  } catch (error) {
    clearTimeout(trailing);
    await inflight;
    const imported = error instanceof AppError ? error.details?.['imported'] : undefined;
    if (imported) latest = { ...latest, summary: imported as ImportSummary };
    const message = error instanceof AppError ? error.message : 'The import stopped on an unexpected error.';
    await report({ status: 'failed', error: message }).catch(() => {});
    throw error;
  }
  return getImport(storage.db, id);
}
