// spoor import: contacts from a CSV file, through the same import as POST /api/contacts/import, with a
// progress bar on a terminal and a summary at the end.
import { createReadStream, statSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { CliError, type Command, stringOption } from './command.ts';

/** Errors listed in the summary; the JSON output has all the import keeps. */
const LISTED_ERRORS = 20;

export const importCsv: Command = {
  name: 'import',
  summary: 'Import contacts from a CSV file (as the API does), with a progress bar.',
  help: `Usage: spoor import <file.csv | -> [options]

Imports contacts from a CSV file (header row first; "-" reads standard input) exactly as
POST /api/contacts/import does: header names, matching by email and what each count means are in
docs/contacts.md. Shows a progress bar on a terminal and prints a summary; rejected rows are
listed with their reasons (the rest of the file is still imported).

Options:
  --on-duplicate <update|skip>     a row whose email matches a contact (default: update)
  --unknown-columns <refuse|ignore> columns that are no contact field (default: refuse)
  --charset <name>                 the file's charset (default: utf-8)
  --json                           print the summary as JSON
  -h, --help                       show this help`,
  options: {
    'on-duplicate': { type: 'string' },
    'unknown-columns': { type: 'string' },
    charset: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run(values, positionals) {
    const onDuplicate = oneOf(stringOption(values, 'on-duplicate') ?? 'update', 'on-duplicate', [
      'update',
      'skip',
    ] as const);
    const unknownColumns = oneOf(stringOption(values, 'unknown-columns') ?? 'refuse', 'unknown-columns', [
      'refuse',
      'ignore',
    ] as const);
    const charset = stringOption(values, 'charset');
    const file = positionals[0] as string;
    const size = file === '-' ? undefined : fileSize(file);
    const { openExistingStorage } = await import('./database.ts');
    const { importContacts } = await import('../contacts/csv-import.ts');
    const { listCustomFields } = await import('../contacts/store.ts');
    const storage = await openExistingStorage(loadConfig(), this.name);
    const progress = progressBar(size);
    try {
      const source = file === '-' ? process.stdin : createReadStream(file);
      const summary = await importContacts(
        storage,
        counted(source, progress.advance),
        await listCustomFields(storage.db),
        {
          onDuplicate,
          unknownColumns,
          maxBytes: Number.MAX_SAFE_INTEGER,
          ...(charset ? { charset } : {}),
        },
      );
      progress.done();
      if (values['json']) {
        console.log(JSON.stringify(summary, null, 2));
        return 0;
      }
      console.log(
        `Imported ${summary.rows} row(s) from ${file === '-' ? 'standard input' : file}: ${summary.created} created, ` +
          `${summary.updated} updated, ${summary.skipped} skipped, ${summary.rejected} rejected.`,
      );
      if (summary.ignoredColumns.length > 0)
        console.log(`Ignored columns: ${summary.ignoredColumns.join(', ')}.`);
      for (const error of summary.errors.slice(0, LISTED_ERRORS))
        console.log(`  row ${error.row}: ${error.reason}`);
      if (summary.rejected > LISTED_ERRORS)
        console.log(
          `  … and ${summary.rejected - LISTED_ERRORS} more rejected row(s) (--json lists up to 1,000).`,
        );
      return 0;
    } catch (error) {
      progress.done();
      if (error instanceof AppError)
        // The API's words name its query parameters; here they are options.
        throw new CliError(
          `The import stopped: ${error.message.replace('pass unknownColumns=ignore', 'pass --unknown-columns ignore')}`,
        );
      throw error;
    } finally {
      await storage.close();
    }
  },
};

function oneOf<T extends string>(value: string, option: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`spoor import: --${option} must be ${allowed.join(' or ')}; got "${value}".`, 2);
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The file's chunks, each counted as it is handed to the import. */
async function* counted(source: AsyncIterable<Buffer>, advance: (bytes: number) => void) {
  for await (const chunk of source) {
    advance(chunk.length);
    yield chunk;
  }
}

/** A bar on standard error when it is a terminal (redrawn at most ten times a second); nothing otherwise. */
function progressBar(total: number | undefined) {
  const tty = process.stderr.isTTY === true;
  let read = 0;
  let drawnAt = 0;
  const draw = () => {
    const mib = (n: number) => `${(n / 1_048_576).toFixed(1)} MiB`;
    if (total === undefined || total === 0) {
      process.stderr.write(`\r${mib(read)} read`);
      return;
    }
    const share = Math.min(1, read / total);
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${mib(read)} / ${mib(total)}`,
    );
  };
  return {
    advance(bytes: number) {
      read += bytes;
      if (!tty) return;
      const now = Date.now();
      if (now - drawnAt >= 100) {
        drawnAt = now;
        draw();
      }
    },
    done() {
      if (!tty || drawnAt === 0) return;
      draw();
      process.stderr.write('\n');
      drawnAt = 0;
    },
  };
}
