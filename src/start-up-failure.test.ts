import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.ts';
import {
  databaseFailure,
  describeDatabase,
  listenFailure,
  startupFailureMessage,
} from './start-up-failure.ts';

describe('start-up failure messages', () => {
  it.each([
    ['sqlite:./data/spoor.db', 'the SQLite database ./data/spoor.db'],
    ['postgres://spoor:secret@db.internal:5433/spoor', 'PostgreSQL at db.internal:5433/spoor'],
    ['postgresql://db.internal', 'PostgreSQL at db.internal'],
    ['postgres://[bad', 'the PostgreSQL database in DATABASE_URL'],
  ])('names %s without its password', (url, described) => {
    expect(describeDatabase(url)).toBe(described);
  });

  it.each([
    [
      { code: 'EADDRINUSE', message: 'listen EADDRINUSE' },
      /the port is already in use .*set PORT to a free port/,
    ],
    [{ code: 'EACCES', message: 'listen EACCES' }, /permission denied .*Set PORT to a port above 1023/],
    [{ code: 'EADDRNOTAVAIL', message: 'x' }, /10\.9\.9\.9 is not an address of this machine\. Check HOST/],
    [{ code: 'EOTHER', message: 'something\n  else' }, /^Cannot listen on 10\.9\.9\.9:80: something else$/],
  ])('explains a listener failure %o', (error, message) => {
    expect(listenFailure('PORT', '10.9.9.9', 80, error).message).toMatch(message);
  });

  it('names the metrics setting for the metrics listener', () => {
    expect(listenFailure('SPOOR_METRICS_PORT', '127.0.0.1', 9100, { code: 'EADDRINUSE' }).message).toContain(
      'set SPOOR_METRICS_PORT',
    );
  });

  it('says why the database cannot be used, on one line', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(databaseFailure('postgres://u:pw@127.0.0.1:5432/spoor', refused).message).toBe(
      'Cannot use PostgreSQL at 127.0.0.1:5432/spoor: the database refuses or drops connections (connect ECONNREFUSED 127.0.0.1:5432). Check DATABASE_URL and that the database is running.',
    );
    const other = new Error('password authentication failed for user "u"\nmore');
    expect(databaseFailure('postgres://u:pw@h/db', other).message).toBe(
      'Cannot use PostgreSQL at h/db: password authentication failed for user "u" more. Check DATABASE_URL and that the database is running.',
    );
  });

  it('gives every failure one line', () => {
    expect(startupFailureMessage(new ConfigError('PORT must be a whole number.'))).toBe(
      'Configuration error: PORT must be a whole number.',
    );
    expect(startupFailureMessage(new Error('boom\n    at x (y.js:1:1)'))).toBe(
      'Spoor could not start: boom at x (y.js:1:1)',
    );
  });
});
