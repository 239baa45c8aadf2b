// Incremental CSV reading on top of the csv-parse library: feed text in chunks of any size, get back each
// record completed so far, each with the problem that makes it malformed, if any. Memory is bounded by the
// longest record (capped), never by the file.
import { type CastingContext, type Options, Parser } from 'csv-parse';

export interface CsvRecord {
  cells: string[];
  /** Why the record is malformed, if it is; its cells are then best effort (or empty when too long). */
  problem?: string;
}

export const DEFAULT_MAX_RECORD_LENGTH = 1_000_000;

const TEXT_AFTER_QUOTE = 'a quoted cell has text after its closing quote';
const UNCLOSED_QUOTE = 'the file ends inside a quoted cell (a closing quote is missing)';
const QUOTE = 0x22;
/** Text handed to csv-parse at a time, so an overlong record is noticed before it grows much past the cap. */
const SLICE = 65_536;

/**
 * The part of csv-parse's core this module drives. Its stream API ends asynchronously and stops at the
 * first error; the core (what its stream and sync APIs both call) parses synchronously and leaves the record
 * in progress readable, which is how an overlong record is dropped while reading goes on (csv-parse's own
 * max_record_size loses the rest of the chunk when it skips) and how an unclosed quote keeps its cells.
 */
interface ParserCore {
  parse(
    buf: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): (Error & { code?: string }) | undefined;
  state: { record: string[]; field: { length: number; reset(): void; toString(encoding: string): string } };
  info: { bytes: number };
}

/**
 * csv-parse with the leniency a spreadsheet export needs: any of the three line breaks (even mixed), a quote
 * inside an unquoted cell kept as written (5'11"), rows of any width (the import says which are too wide),
 * blank lines kept (row numbers point into the file), a UTF-8 byte order mark dropped. relax_quotes also
 * reads a quoted cell with text after its closing quote, which we report (see checkCell).
 */
const OPTIONS: Options = {
  bom: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: false,
};

export class CsvParser {
  private readonly core: ParserCore;
  private records: CsvRecord[] = [];
  /** Input bytes from the start of the current record on (to read a suspect record again), and where they start. */
  private pending: Buffer[] = [];
  private pendingStart = 0;
  private recordStart = 0;
  private tooLong = false;
  private lineBreakLast = false;
  /** Checked mode (one suspect record read again): csv-parse calls checkCell for each cell. */
  private problem: string | undefined;
  private cellStart = 0;

  constructor(
    private readonly maxRecordLength = DEFAULT_MAX_RECORD_LENGTH,
    private readonly checked = false,
  ) {
    // A casting hook costs csv-parse an object per cell (40 times slower), so only the checked mode has one.
    const cast = checked
      ? (value: string, context: CastingContext) => this.checkCell(value, context)
      : undefined;
    this.core = (new Parser({ ...OPTIONS, ...(cast ? { cast } : {}) }) as unknown as { api: ParserCore }).api;
  }

  /** Parses a chunk; returns the records it completed. */
  push(text: string): CsvRecord[] {
    if (text.length > 0) this.lineBreakLast = /[\r\n]$/.test(text);
    for (let at = 0; at < text.length; at += SLICE) {
      const buf = Buffer.from(text.slice(at, at + SLICE));
      if (!this.tooLong) this.pending.push(buf);
      this.run(buf, false);
      // A record still open: a UTF-8 byte is at most one UTF-16 character, three at most make one, so past
      // three times the cap it is surely too long. Stop keeping it but keep reading it, so the next one
      // starts in the right place.
      const held = this.pendingStart + this.pendingLength() - this.recordStart;
      if (!this.checked && (this.tooLong || held > 3 * this.maxRecordLength)) {
        this.tooLong = true;
        this.pending = [];
        this.core.state.field.reset();
        this.core.state.record.length = 0;
      }
    }
    return this.take();
  }

  /**
   * The input stops early (a size limit): returns the records whose line break was read. csv-parse holds a
   * chunk's last byte back (a line break or quote could be the first of two); a record cut short is dropped.
   */
  stop(): CsvRecord[] {
    if (this.lineBreakLast)
      this.core.parse(
        undefined,
        true,
        (cells) => this.emit(cells, this.core.info.bytes),
        () => {},
      );
    return this.take();
  }

  /** Call once the input is over: returns the last record if the file did not end with a line break. */
  end(): CsvRecord[] {
    this.run(undefined, true);
    return this.take();
  }

  private run(buf: Buffer | undefined, end: boolean): void {
    const error = this.core.parse(
      buf,
      end,
      (cells) => this.emit(cells, this.core.info.bytes),
      () => {},
    );
    if (!error) {
      this.dropRead();
      return;
    }
    // Only the end of the file can find a quote never closed; the rest of the file is that cell.
    if (error.code !== 'CSV_QUOTE_NOT_CLOSED') throw error;
    const { state } = this.core;
    this.problem ??= UNCLOSED_QUOTE;
    this.emit([...state.record, state.field.toString('utf8')], Number.POSITIVE_INFINITY);
  }

  /** Takes a record csv-parse completed, which ends before input byte recordEnd. */
  private emit(cells: string[], recordEnd: number): void {
    let record: CsvRecord = { cells, ...(this.problem ? { problem: this.problem } : {}) };
    // relax_quotes keeps a quoted cell with text after its closing quote as `"text"rest`; an unquoted cell
    // never starts with a quote, so only a record with a cell starting with one is read again, checked.
    if (!this.checked && !this.tooLong && cells.some((cell) => cell.charCodeAt(0) === QUOTE)) {
      const raw = Buffer.concat(this.pending).subarray(
        this.recordStart - this.pendingStart,
        recordEnd - this.pendingStart,
      );
      const again = new CsvParser(this.maxRecordLength, true);
      record = again.push(raw.toString('utf8'))[0] ?? again.end()[0] ?? record;
    }
    const length = record.cells.reduce((sum, cell) => sum + cell.length + 1, -1);
    this.records.push(
      this.tooLong || length > this.maxRecordLength
        ? { cells: [], problem: `the row is longer than ${this.maxRecordLength} characters` }
        : record,
    );
    this.tooLong = false;
    this.problem = undefined;
    this.recordStart = recordEnd;
    this.cellStart = recordEnd;
  }

  /** Forgets input before the record in progress. */
  private dropRead(): void {
    while (this.pending.length > 0 && this.pendingStart + this.pending[0]!.length <= this.recordStart) {
      this.pendingStart += this.pending.shift()!.length;
    }
    if (this.pending.length === 0) this.pendingStart = this.recordStart;
  }

  private pendingLength(): number {
    return this.pending.reduce((sum, buf) => sum + buf.length, 0);
  }

  /**
   * A well-formed quoted cell spans its text plus one byte per (doubled) quote plus the two around it.
   * relax_quotes keeps text after the closing quote as `"` + text + `"` + rest, so the bytes beyond the
   * value are the doubled quotes inside the text, which tells which quote closed it.
   */
  private checkCell(value: string, context: CastingContext): string {
    const start = this.cellStart;
    this.cellStart = context.bytes + 1; // past the comma (a line break resets it in emit)
    if (!context.quoting) return value;
    const extra = context.bytes - start - Buffer.byteLength(value);
    if (extra === countQuotes(value) + 2) return value;
    this.problem ??= TEXT_AFTER_QUOTE;
    let closing = 1;
    for (let doubled = 0; doubled <= extra; closing++) if (value.charCodeAt(closing) === QUOTE) doubled++;
    return value.slice(1, closing - 1) + value.slice(closing);
  }

  private take(): CsvRecord[] {
    const records = this.records;
    this.records = [];
    return records;
  }
}

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/** Parses a whole text at once (tests, small inputs). */
export function parseCsv(text: string, maxRecordLength?: number): CsvRecord[] {
  const parser = new CsvParser(maxRecordLength);
  return [...parser.push(text), ...parser.end()];
}
