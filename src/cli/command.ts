// The shape of a CLI command and the one argument parser (node:util parseArgs, strict): --help is
// answered before anything else runs, unknown options and extra arguments are refused.
import { type ParseArgsConfig, parseArgs } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Command {
  /** As typed after "spoor", e.g. "api-keys create". */
  name: string;
  summary: string;
  /** The full --help text (usage line first). */
  help: string;
  options?: Options;
  /** How many positional arguments the command takes. */
  positionals?: { min: number; max: number };
  /** Returns the exit code. */
  run(values: Values, positionals: string[]): Promise<number>;
}

/** A failure to report as one line (exit 1), or misuse (exit 2, with a pointer to --help). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Whether the arguments ask for help (before any "--", which ends the options). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export function parseCommandArgs(
  command: Command,
  args: string[],
): { values: Values; positionals: string[] } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: dashedIdsAsPositionals(command, args),
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    }) as {
      values: Values;
      positionals: string[];
    };
  } catch (error) {
    throw usageError(command, (error as Error).message);
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length > max)
    throw usageError(command, `Unexpected argument "${parsed.positionals[max]}".`);
  if (parsed.positionals.length < min) throw usageError(command, 'Missing an argument.');
  return parsed;
}

/** The shape of Spoor's ids (src/lib/ids.ts): 22 characters of base64url. */
const GENERATED_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * One id in 64 starts with "-", and parseArgs would read it as an unknown option ("spoor api-keys
 * revoke -Xq…" refused as misuse). An argument shaped like an id that is no option this command
 * declares, and no option's value, is moved after "--", where parseArgs reads it as a positional.
 * Every command takes at most one positional, so no order among positionals is lost.
 */
export function dashedIdsAsPositionals(command: Command, args: readonly string[]): string[] {
  const options = command.options ?? {};
  const takesValue = (arg: string) =>
    Object.entries(options).some(
      ([name, option]) =>
        option.type === 'string' &&
        (arg === `--${name}` || (option.short !== undefined && arg === `-${option.short}`)),
    );
  const end = args.indexOf('--');
  const head = end === -1 ? args : args.slice(0, end);
  const tail = end === -1 ? [] : args.slice(end + 1);
  const ids = head.filter(
    (arg, i) => arg.startsWith('-') && GENERATED_ID.test(arg) && !(i > 0 && takesValue(head[i - 1]!)),
  );
  if (ids.length === 0) return [...args];
  return [...head.filter((arg) => !ids.includes(arg)), '--', ...ids, ...tail];
}

function usageError(command: Command, message: string): CliError {
  return new CliError(`spoor ${command.name}: ${message}\nRun "spoor ${command.name} --help" for usage.`, 2);
}

/** One value of a string option that may be given once. */
export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a string option that may be repeated. */
export function stringsOption(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
