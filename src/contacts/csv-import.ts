// Imports contacts from a CSV stream in batches: maps the header to fields, validates every row, matches
// existing contacts by email, and reports each rejected row with its reason. Memory stays bounded.

import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Storage } from '../storage/database.ts';
import { lockMatchKeys } from '../storage/match-key-locks.ts';
import type { Db } from '../storage/schema.ts';
import type { ContactValues, CustomFieldDefinition, StandardField } from './contact.ts';
import { normalizeEmail } from './contact-rules.ts';
import { CsvParser, type CsvRecord } from './csv-parse.ts';
import { applyValues, EMPTY_ROW } from './manage-contacts.ts';
import { MATCH_PRESETS, matchKey } from './match-rules.ts';
import {
  type ContactRow,
  findOldestContactsByEmail,
  insertContacts,
  refreshContactStatistics,
  updateContactRow,
} from './store.ts';

export interface ImportOptions {
  /** What a row whose email matches an existing contact does. */
  onDuplicate: 'update' | 'skip';
  /** Columns that are neither a standard nor a custom field: refuse the file, or ignore them. */
  unknownColumns: 'refuse' | 'ignore';
  /** The body's charset (Content-Type parameter); UTF-8 when absent. */
  charset?: string;
  /** Bytes the body may have; beyond, the import stops with payload_too_large. */
  maxBytes: number;
  /** Rows written per transaction. */
  batchSize?: number;
  /**
   * Runs in each batch's transaction with every contact the batch's rows name (created, updated or
   * skipped), e.g. to put them on a list: the contacts and what follows from them commit together.
   */
  afterBatch?: (trx: Db, contactIds: readonly string[], now: number) => Promise<void>;
  /** Told what the import did so far after each piece of the body (to show progress). */
  onProgress?: (summary: ImportSummary, bytesRead: number) => Promise<void>;
}

export interface RowError {
  /** 1-based record number after the header (blank lines count, so it points into the file). */
  row: number;
  reason: string;
}

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  errors: RowError[];
  /** More rows were rejected than `errors` lists; the counts are still exact. */
  errorsTruncated: boolean;
  /** Header names left out because of unknownColumns=ignore. */
  ignoredColumns: string[];
}

export const MAX_LISTED_ERRORS = 1000;
const DEFAULT_BATCH_SIZE = 500;

/** A column's destination: a standard field, a custom field, or nothing. */
export type ColumnTarget = { standard: StandardField } | { custom: string } | null;

export interface ColumnMap {
  targets: ColumnTarget[];
  /** The header as written, to name columns in reasons. */
  names: string[];
  /** The email column's name as written. */
  emailName: string;
  ignored: string[];
}

// Header spellings, compared lower-cased without spaces, '-', '_' and '.'.
const ALIASES: Record<string, StandardField> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  firstname: 'firstName',
  givenname: 'firstName',
  forename: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  company: 'company',
  companyname: 'company',
  organization: 'company',
  organisation: 'company',
  phone: 'phone',
  phonenumber: 'phone',
  telephone: 'phone',
  jobtitle: 'jobTitle',
  position: 'jobTitle',
  country: 'country',
};

const squash = (name: string) => name.toLowerCase().replace(/[\s\-_.]+/g, '');

/** Maps header cells to fields; throws bad_request for a header the import cannot use. */
export function mapColumns(
  header: CsvRecord,
  definitions: readonly CustomFieldDefinition[],
  unknownColumns: ImportOptions['unknownColumns'],
): ColumnMap {
  if (header.problem) throw new AppError('bad_request', `The header row is malformed: ${header.problem}.`);
  const names = header.cells.map((cell) => cell.trim());
  if (names.some((name) => name.includes('\uFFFD')))
    throw new AppError(
      'bad_request',
      'The header row is not valid text in the declared charset (UTF-8 by default).',
    );
  const unknown: string[] = [];
  const seen = new Map<string, string>();
  const targets = names.map((name): ColumnTarget => {
    if (name === '') return null; // spreadsheets add unnamed trailing columns
    // A custom field's exact key wins over an alias (a field defined as "position" gets its column); a
    // looser spelling of a key ("First met" for first_met) comes after the aliases.
    const exact = definitions.find((d) => d.key === name.toLowerCase());
    const standard = ALIASES[squash(name)];
    const loose = definitions.find((d) => squash(d.key) === squash(name));
    const custom = exact ?? (standard ? undefined : loose);
    const target: ColumnTarget = custom ? { custom: custom.key } : standard ? { standard } : null;
    if (!target) {
      unknown.push(name);
      return null;
    }
    const key = 'standard' in target ? target.standard : `custom.${target.custom}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new AppError('bad_request', `The columns "${earlier}" and "${name}" are the same field.`);
    seen.set(key, name);
    return target;
  });
  if (unknown.length > 0 && unknownColumns === 'refuse') {
    throw new AppError(
      'bad_request',
      `Unknown columns: ${unknown.map((n) => `"${n}"`).join(', ')}. Rename them, define them as contact fields ` +
        '(POST /api/contact-fields), or pass unknownColumns=ignore.',
      { unknownColumns: unknown },
    );
  }
  const emailName = seen.get('email');
  if (emailName === undefined)
    throw new AppError('bad_request', 'The CSV has no email column; contacts are matched by email.');
  return { targets, names, emailName, ignored: unknown };
}

/** A row ready to write: its values (non-empty cells only) and the email it matches on. */
export interface ParsedRow {
  row: number;
  values: ContactValues;
  match: string;
}

/**
 * Turns a data record into values, or a reason to reject it. Empty cells are left out, so they never
 * clear a field of an existing contact. The values are checked as for a new contact.
 */
export function readRow(
  record: CsvRecord,
  row: number,
  columns: ColumnMap,
  definitions: readonly CustomFieldDefinition[],
): ParsedRow | RowError | 'blank' {
  if (record.cells.every((cell) => cell.trim() === '') && !record.problem) return 'blank';
  const reasons: string[] = [];
  if (record.problem) reasons.push(record.problem);
  const extra = record.cells.slice(columns.targets.length).filter((cell) => cell.trim() !== '');
  if (extra.length > 0)
    reasons.push(`the row has ${record.cells.length} cells but the header has ${columns.targets.length}`);
  if (record.cells.some((cell) => cell.includes('\uFFFD')))
    reasons.push('the row is not valid text in the declared charset (UTF-8 by default)');
  // PostgreSQL cannot store NUL; both engines refuse the row alike (as every other input refuses NUL).
  if (record.cells.some((cell) => cell.includes('\u0000')))
    reasons.push('the row holds a NUL character (U+0000)');
  if (reasons.length > 0) return { row, reason: reasons.join('; ') };

  const values: ContactValues = {};
  const custom: Record<string, string> = {};
  const nameOf = new Map<string, string>();
  columns.targets.forEach((target, i) => {
    const cell = record.cells[i];
    if (!target || cell === undefined || cell.trim() === '') return;
    if ('standard' in target) {
      values[target.standard] = cell;
      nameOf.set(target.standard, columns.names[i]!);
    } else {
      custom[target.custom] = cell;
      nameOf.set(target.custom, columns.names[i]!);
    }
  });
  if (Object.keys(custom).length > 0) values.custom = custom;
  if (values.email === undefined) reasons.push(`${columns.emailName} is required`);
  const checked = applyValues(EMPTY_ROW, values, definitions);
  if ('problems' in checked)
    reasons.push(...checked.problems.map((p) => `${nameOf.get(p.field) ?? p.field} ${p.message}`));
  if (reasons.length > 0) return { row, reason: reasons.join('; ') };
  return { row, values, match: normalizeEmail(values.email!)!.match };
}

export interface BatchCounts {
  created: number;
  updated: number;
  skipped: number;
}

/**
 * Writes a batch in one transaction. Rows are applied in file order as if each earlier row were already
 * stored: the oldest contact with the email wins, and a later row with the same email finds the contact an
 * earlier row created. A matched contact keeps its stored email spelling.
 */
export async function writeBatch(
  storage: Pick<Storage, 'db' | 'engine'>,
  rows: readonly ParsedRow[],
  definitions: readonly CustomFieldDefinition[],
  onDuplicate: ImportOptions['onDuplicate'],
  afterBatch?: ImportOptions['afterBatch'],
): Promise<BatchCounts> {
  return storage.db.transaction().execute(async (trx) => {
    const counts: BatchCounts = { created: 0, updated: 0, skipped: 0 };
    const emails = [...new Set(rows.map((r) => r.match))];
    // The locks forms take under the default (email) rule, so a submission and an import of one address
    // cannot both create a contact.
    await lockMatchKeys(
      trx,
      storage.engine,
      emails.map((email) => matchKey(MATCH_PRESETS.email, { email })!),
    );
    const stored = await findOldestContactsByEmail(trx, emails);
    const touched = new Map<string, { id: string; row: ContactRow; isNew: boolean; changed: boolean }>();
    for (const parsed of rows) {
      let target = touched.get(parsed.match);
      if (!target) {
        const found = stored.get(parsed.match);
        if (found) {
          target = { id: found.id, row: toContactRow(found), isNew: false, changed: false };
          touched.set(parsed.match, target);
        }
      }
      if (target && onDuplicate === 'skip') {
        counts.skipped += 1;
        continue;
      }
      const { email: _keep, ...rest } = parsed.values;
      const result = applyValues(target?.row ?? EMPTY_ROW, target ? rest : parsed.values, definitions);
      // readRow checked these values already; a problem here is a bug, not bad input.
      if ('problems' in result) throw new Error(`Row ${parsed.row} failed validation twice.`);
      if (target) {
        target.changed ||= JSON.stringify(result.row) !== JSON.stringify(target.row);
        target.row = result.row;
        counts.updated += 1;
      } else {
        touched.set(parsed.match, { id: newId(), row: result.row, isNew: true, changed: true });
        counts.created += 1;
      }
    }
    const now = Date.now();
    const fresh = [...touched.values()].filter((t) => t.isNew);
    await insertContacts(trx, fresh, now);
    for (const t of touched.values())
      if (!t.isNew && t.changed) await updateContactRow(trx, t.id, t.row, now);
    if (afterBatch)
      await afterBatch(
        trx,
        [...touched.values()].map((t) => t.id),
        now,
      );
    return counts;
  });
}

function toContactRow(stored: Omit<ContactRow, 'custom'> & { custom: string }): ContactRow {
  return {
    email: stored.email,
    first_name: stored.first_name,
    last_name: stored.last_name,
    company: stored.company,
    phone: stored.phone,
    job_title: stored.job_title,
    country: stored.country,
    custom: JSON.parse(stored.custom),
  };
}

export const describeBytes = (n: number) => (n >= 1048576 ? `${n / 1048576} MiB` : `${n} bytes`);

function openDecoder(charset: string | undefined): TextDecoder {
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    throw new AppError('bad_request', `The charset "${charset}" is not supported; send UTF-8.`);
  }
}

/**
 * Imports a CSV body. Reading pauses while a batch is written, so a large file flows through in
 * pieces. Batches already written stay written if a later part of the import fails.
 */
export async function importContacts(
  storage: Pick<Storage, 'db' | 'engine'>,
  body: AsyncIterable<Uint8Array | string>,
  definitions: readonly CustomFieldDefinition[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const decoder = openDecoder(options.charset);
  const parser = new CsvParser();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const summary: ImportSummary = {
    rows: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    rejected: 0,
    errors: [],
    errorsTruncated: false,
    ignoredColumns: [],
  };
  let columns: ColumnMap | undefined;
  let recordNumber = 0;
  let batch: ParsedRow[] = [];
  let createdAtLastAnalysis = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const counts = await writeBatch(storage, batch, definitions, options.onDuplicate, options.afterBatch);
    summary.created += counts.created;
    summary.updated += counts.updated;
    summary.skipped += counts.skipped;
    batch = [];
    // A fast-growing table outruns PostgreSQL's statistics and the email lookup turns into a full scan;
    // refreshing them each time the import doubles what it added keeps the lookup on its index.
    if (summary.created - createdAtLastAnalysis >= Math.max(10_000, createdAtLastAnalysis)) {
      createdAtLastAnalysis = summary.created;
      await refreshContactStatistics(storage.db, storage.engine);
    }
  };
  const take = async (records: CsvRecord[]) => {
    for (const record of records) {
      if (!columns) {
        columns = mapColumns(record, definitions, options.unknownColumns);
        summary.ignoredColumns = columns.ignored;
        continue;
      }
      recordNumber += 1;
      const parsed = readRow(record, recordNumber, columns, definitions);
      if (parsed === 'blank') continue;
      summary.rows += 1;
      if ('reason' in parsed) {
        summary.rejected += 1;
        if (summary.errors.length < MAX_LISTED_ERRORS) summary.errors.push(parsed);
        else summary.errorsTruncated = true;
        continue;
      }
      batch.push(parsed);
      if (batch.length >= batchSize) await flush();
    }
  };

  let bytes = 0;
  for await (const chunk of body) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (bytes > options.maxBytes) {
      // Rows already read are complete; write them so the summary says exactly what was stored.
      await take(parser.stop());
      await flush();
      throw new AppError(
        'payload_too_large',
        `The CSV is larger than ${describeBytes(options.maxBytes)}; the import stopped there ` +
          '(details.imported says what was stored).',
        { imported: summary },
      );
    }
    await take(parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })));
    await options.onProgress?.(summary, bytes);
  }
  await take(parser.push(decoder.decode()));
  await take(parser.end());
  if (!columns)
    throw new AppError('bad_request', 'The CSV is empty: send a header row and then the contacts.');
  await flush();
  return summary;
}
