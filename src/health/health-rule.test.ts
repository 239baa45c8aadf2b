import { describe, expect, it } from 'vitest';
import { type DatabaseCheck, healthOf } from './health-rule.ts';

const answers: DatabaseCheck = { answers: true };
const noFailures = { count: 0, reason: null, windowMs: 10_000 };

describe('healthOf', () => {
  it.each([
    ['database answers, writes succeed', answers, noFailures, 200, null],
    [
      'database answers, writes failing (disk full)',
      answers,
      { count: 12, reason: 'database or disk is full', windowMs: 10_000 },
      503,
      'Writes are failing: database or disk is full (12 failures in the last 10 s).',
    ],
    [
      'one failure',
      answers,
      { count: 1, reason: 'the connection to the database was lost', windowMs: 10_000 },
      503,
      'Writes are failing: the connection to the database was lost (1 failure in the last 10 s).',
    ],
    [
      'database not answering',
      { answers: false, reason: 'the database is shutting down' } as DatabaseCheck,
      noFailures,
      503,
      'The database is not answering: the database is shutting down.',
    ],
    [
      'not answering wins over write failures',
      { answers: false, reason: 'the database refuses or drops connections' } as DatabaseCheck,
      { count: 3, reason: 'the database is shutting down', windowMs: 10_000 },
      503,
      'The database is not answering: the database refuses or drops connections.',
    ],
  ])('%s → %i', (_name, database, writes, status, message) => {
    const health = healthOf(database, writes);
    expect(health.status).toBe(status);
    if (message === null) expect(health.body).toEqual({ ok: true });
    else expect(health.body).toEqual({ ok: false, error: 'unavailable', message });
  });
});
