import { describe, expect, it } from 'vitest';
import { unavailableError, unavailableReason } from './unavailable.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('unavailableReason', () => {
  it.each([
    ['pg_terminate_backend / fast stop', withCode('57P01'), 'the database is shutting down'],
    ['immediate stop', withCode('57P02'), 'the database is shutting down'],
    ['starting up', withCode('57P03'), 'the database is not accepting connections yet'],
    ['connection exception class', withCode('08006'), 'the connection to the database was lost'],
    ['PostgreSQL disk full', withCode('53100'), 'the database disk is full'],
    ['too many connections', withCode('53300'), 'the database is out of resources'],
    ['I/O error', withCode('58030'), 'the database reported an I/O error'],
    ['SQLite full', withCode('SQLITE_FULL'), 'database or disk is full'],
    ['SQLite extended I/O code', withCode('SQLITE_IOERR_WRITE'), 'disk I/O error'],
    ['SQLite read-only', withCode('SQLITE_READONLY_DBMOVED'), 'the database file is read-only'],
    ['refused', withCode('ECONNREFUSED'), 'the database refuses or drops connections'],
    ['reset', withCode('ECONNRESET'), 'the database refuses or drops connections'],
    [
      'lost mid-query',
      new Error('Connection terminated unexpectedly'),
      'the connection to the database was lost',
    ],
    [
      'connect timeout',
      new Error('Connection terminated due to connection timeout'),
      'the database is not answering',
    ],
    ['pool timeout', new Error('timeout exceeded when trying to connect'), 'the database is not answering'],
    [
      'dead client reused',
      new Error('Client has encountered a connection error and is not queryable'),
      'the connection to the database was lost',
    ],
    [
      'several addresses',
      new AggregateError([withCode('ECONNREFUSED')]),
      'the database refuses or drops connections',
    ],
    [
      'writer thread gone',
      new Error('The SQLite writer thread stopped (exit code 1).'),
      'the SQLite writer stopped',
    ],
  ])('%s → %s', (_name, error, reason) => {
    expect(unavailableReason(error)).toBe(reason);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['invalid text', withCode('22021')],
    ['SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a plain error', new Error('boom')],
    ['not an error', 'Connection terminated unexpectedly'],
    ['null', null],
  ])('%s → not an outage', (_name, error) => {
    expect(unavailableReason(error)).toBeNull();
  });

  it('a request answers 503 for an outage, but a client that hung up is not one', () => {
    expect(unavailableError(withCode('57P01'))?.message).toBe(
      'The database is unavailable right now (the database is shutting down); nothing was recorded. Try again in a moment.',
    );
    expect(
      unavailableError(Object.assign(withCode('ECONNRESET', 'aborted'), { statusCode: 400 })),
    ).toBeNull();
    expect(unavailableError(new Error('boom'))).toBeNull();
  });
});
