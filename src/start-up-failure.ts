// Why Spoor could not start, as one line a person can act on (the setting to change, never a stack
// trace or a password): a bad setting, a database that cannot be reached, a port already in use.
import { ConfigError } from './config.ts';
import { unavailableReason } from './storage/unavailable.ts';

/** A start-up step failed for a reason the message fully explains. */
export class StartupFailure extends Error {}

/** The database DATABASE_URL names, for a message: never its password (nor its user name). */
export function describeDatabase(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) return `the SQLite database ${databaseUrl.slice('sqlite:'.length)}`;
  try {
    const url = new URL(databaseUrl);
    return `PostgreSQL at ${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return 'the PostgreSQL database in DATABASE_URL';
  }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

export function databaseFailure(databaseUrl: string, error: unknown): StartupFailure {
  const message = oneLine((error as Error | undefined)?.message || String(error));
  const reason = unavailableReason(error);
  return new StartupFailure(
    `Cannot use ${describeDatabase(databaseUrl)}: ${reason ? `${reason} (${message})` : message}. Check DATABASE_URL and that the database is running.`,
  );
}

/** A listener that could not start; `setting` is the variable that chooses its port. */
export function listenFailure(
  setting: 'PORT' | 'SPOOR_METRICS_PORT' | 'SPOOR_BOUNCE_SMTP_PORT',
  host: string,
  port: number,
  error: unknown,
): StartupFailure {
  const at = `${host}:${port}`;
  switch ((error as { code?: string }).code) {
    case 'EADDRINUSE':
      return new StartupFailure(
        `Cannot listen on ${at}: the port is already in use (another process, perhaps another Spoor, listens there). Stop it or set ${setting} to a free port.`,
      );
    case 'EACCES':
      return new StartupFailure(
        `Cannot listen on ${at}: permission denied (ports below 1024 need privileges). Set ${setting} to a port above 1023 and put a reverse proxy in front.`,
      );
    case 'EADDRNOTAVAIL':
      return new StartupFailure(
        `Cannot listen on ${at}: ${host} is not an address of this machine. Check ${setting === 'PORT' ? 'HOST' : 'SPOOR_METRICS_HOST'}.`,
      );
    default:
      return new StartupFailure(`Cannot listen on ${at}: ${oneLine((error as Error).message)}`);
  }
}

/** The one line printed before exiting. */
export function startupFailureMessage(error: unknown): string {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  if (error instanceof StartupFailure) return error.message;
  return `Spoor could not start: ${oneLine((error as Error | undefined)?.message || String(error))}`;
}
