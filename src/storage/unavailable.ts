// Which storage errors mean "the database cannot take writes right now" (connection lost, server
// stopping, disk full, I/O error) rather than "this request is wrong": those are answered 503 (retry
// later), counted by write health, and never blamed on one job of a batch.
import { AppError } from '../lib/errors.ts';

/** PostgreSQL SQLSTATE codes (and classes) that say the server, not the statement, is the problem. */
const POSTGRES_STATES: [prefix: string, reason: string][] = [
  ['08', 'the connection to the database was lost'], // connection exception
  ['57P01', 'the database is shutting down'], // admin_shutdown (pg_terminate_backend, fast stop)
  ['57P02', 'the database is shutting down'], // crash_shutdown (immediate stop)
  ['57P03', 'the database is not accepting connections yet'], // cannot_connect_now
  ['53100', 'the database disk is full'], // disk_full
  ['53', 'the database is out of resources'], // insufficient resources (memory, connections)
  ['58', 'the database reported an I/O error'], // system error
];

/** SQLite result codes (better-sqlite3 puts them in `code`, extended codes included). */
const SQLITE_CODES: [prefix: string, reason: string][] = [
  ['SQLITE_FULL', 'database or disk is full'],
  ['SQLITE_IOERR', 'disk I/O error'],
  ['SQLITE_CANTOPEN', 'the database file cannot be opened'],
  ['SQLITE_READONLY', 'the database file is read-only'],
  ['SQLITE_NOMEM', 'out of memory'],
  ['SQLITE_BUSY', 'the database is locked by another writer'],
];

/** Node socket errors met while connecting to, or talking with, PostgreSQL. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages of node-postgres (pg, pg-pool) for a connection that is gone or never came. */
const PG_MESSAGES: [pattern: RegExp, reason: string][] = [
  [/^Connection terminated due to connection timeout/, 'the database is not answering'],
  [/timeout exceeded when trying to connect/i, 'the database is not answering'],
  [/^Connection terminated/, 'the connection to the database was lost'],
  [
    /Client has encountered a connection error and is not queryable/,
    'the connection to the database was lost',
  ],
  [/The SQLite writer thread stopped/, 'the SQLite writer stopped'],
  [/The SQLite reader thread stopped/, 'the SQLite reader stopped'],
];

/**
 * Why the database cannot be used right now, in words a person can read (never a host name or a
 * path), or null when the error is about something else.
 */
export function unavailableReason(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const state = POSTGRES_STATES.find(([prefix]) => code.startsWith(prefix));
      if (state) return state[1];
    }
    const sqlite = SQLITE_CODES.find(([prefix]) => code.startsWith(prefix));
    if (sqlite) return sqlite[1];
    if (SOCKET_CODES.has(code)) return 'the database refuses or drops connections';
  }
  if (typeof message === 'string') {
    const known = PG_MESSAGES.find(([pattern]) => pattern.test(message));
    if (known) return known[1];
  }
  // Node reports a failed connection to a host with several addresses as an AggregateError.
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const reason = unavailableReason(inner);
      if (reason) return reason;
    }
  }
  return null;
}

export const isUnavailable = (error: unknown): boolean => unavailableReason(error) !== null;

/** Seconds a client is asked to wait (Retry-After) before trying again while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/** What a request gets when the database is unavailable: a 503 that says why, in plain words. */
export class DatabaseUnavailable extends AppError {
  constructor(readonly reason: string) {
    super(
      'unavailable',
      `The database is unavailable right now (${reason}); nothing was recorded. Try again in a moment.`,
    );
  }
}

/** The error a request gets when `error` means the database is unavailable, or null for any other. */
export function unavailableError(error: unknown): DatabaseUnavailable | null {
  // An error with an HTTP status is the request's own (a client that hung up mid-body is an
  // ECONNRESET with status 400): never the database's.
  if (error instanceof AppError || (error as { statusCode?: unknown } | null)?.statusCode !== undefined)
    return null;
  const reason = unavailableReason(error);
  return reason ? new DatabaseUnavailable(reason) : null;
}
