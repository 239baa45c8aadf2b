// Incremental RFC 4180 CSV parser: feed it text in chunks of any size, get back each record completed so far.
// Memory is bounded by the longest record (capped), never by the file.

export interface CsvRecord {
  cells: string[];
  /** Why the record is malformed, if it is; its cells are then best effort (or empty when too long). */
  problem?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

/** Where the parser is inside the current cell. */
enum At {
  /** Nothing of the cell read yet: a quote here opens a quoted cell. */
  CellStart,
  Unquoted,
  Quoted,
  /** Inside a quoted cell, just after a quote: a second quote is a literal one, anything else closes. */
  QuoteInQuoted,
  /** After a closing quote, before the comma or line end. */
  AfterQuoted,
}

export const DEFAULT_MAX_RECORD_LENGTH = 1_000_000;

export class CsvParser {
  private at = At.CellStart;
  private cells: string[] = [];
  private cell = '';
  private problem: string | undefined;
  /** Characters of the current record so far, to cap it. */
  private length = 0;
  private tooLong = false;
  /** Anything of the current record seen (a trailing line break opens no new record). */
  private started = false;
  /** The last record ended on CR: an LF right after it belongs to the same line break. */
  private skipLf = false;
  private first = true;

  constructor(private readonly maxRecordLength = DEFAULT_MAX_RECORD_LENGTH) {}

  /** Parses a chunk; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let i = 0;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    // Runs of ordinary characters are copied with one slice rather than char by char.
    let runStart = -1;
    const flushRun = (end: number) => {
      if (runStart >= 0) {
        this.append(text.slice(runStart, end));
        runStart = -1;
      }
    };
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.skipLf) {
        this.skipLf = false;
        if (c === LF) continue;
      }
      switch (this.at) {
        case At.CellStart:
        case At.Unquoted:
          if (c === COMMA) {
            flushRun(i);
            this.endCell();
          } else if (c === CR || c === LF) {
            flushRun(i);
            records.push(this.endRecord());
            this.skipLf = c === CR;
          } else if (c === QUOTE && this.at === At.CellStart) {
            this.started = true;
            this.at = At.Quoted;
          } else {
            // A quote inside an unquoted cell (5'11") is kept as written, as most tools do.
            this.started = true;
            this.at = At.Unquoted;
            if (runStart < 0) runStart = i;
          }
          break;
        case At.Quoted:
          if (c === QUOTE) {
            flushRun(i);
            this.at = At.QuoteInQuoted;
          } else if (runStart < 0) runStart = i;
          break;
        case At.QuoteInQuoted:
          if (c === QUOTE) {
            this.append('"');
            this.at = At.Quoted;
          } else {
            // The quote closed the cell; this character follows it.
            this.at = At.AfterQuoted;
            this.afterQuoted(c, i, text, records);
          }
          break;
        case At.AfterQuoted:
          this.afterQuoted(c, i, text, records);
          break;
      }
    }
    flushRun(text.length);
    return records;
  }

  private afterQuoted(c: number, i: number, text: string, records: CsvRecord[]): void {
    if (c === COMMA) this.endCell();
    else if (c === CR || c === LF) {
      records.push(this.endRecord());
      this.skipLf = c === CR;
    } else {
      this.problem ??= 'a quoted cell has text after its closing quote';
      this.append(text[i]!);
    }
  }

  /** Call once the input is over: returns the last record if the file did not end with a line break. */
  end(): CsvRecord[] {
    if (!this.started && this.cells.length === 0) return [];
    if (this.at === At.Quoted)
      this.problem ??= 'the file ends inside a quoted cell (a closing quote is missing)';
    return [this.endRecord()];
  }

  private append(text: string): void {
    this.started = true;
    if (this.grow(text.length)) this.cell += text;
  }

  private endCell(): void {
    this.started = true;
    if (this.grow(1)) this.cells.push(this.cell);
    this.cell = '';
    this.at = At.CellStart;
  }

  /** Counts characters of the record (a separator counts one); false once the record is too long. */
  private grow(n: number): boolean {
    if (this.tooLong) return false;
    this.length += n;
    if (this.length <= this.maxRecordLength) return true;
    // Stop keeping the record but keep reading it, so the next one starts in the right place.
    this.tooLong = true;
    this.cell = '';
    this.cells = [];
    return false;
  }

  private endRecord(): CsvRecord {
    this.endCell();
    const record: CsvRecord = this.tooLong
      ? { cells: [], problem: `the row is longer than ${this.maxRecordLength} characters` }
      : { cells: this.cells, ...(this.problem ? { problem: this.problem } : {}) };
    this.cells = [];
    this.problem = undefined;
    this.length = 0;
    this.tooLong = false;
    this.started = false;
    return record;
  }
}

/** Parses a whole text at once (tests, small inputs). */
export function parseCsv(text: string, maxRecordLength?: number): CsvRecord[] {
  const parser = new CsvParser(maxRecordLength);
  return [...parser.push(text), ...parser.end()];
}
