import { describe, expect, it } from 'vitest';
import { instantOf, knownTimeZone, localOf, parseLocal } from './zoned-time.ts';

const at = (local: string, zone: string) => new Date(instantOf(parseLocal(local)!, zone)).toISOString();

describe('local times in a time zone', () => {
  it.each([
    // zone, local, instant
    ['UTC', '2026-06-01T00:00', '2026-06-01T00:00:00.000Z'],
    ['Europe/Paris', '2026-12-24T09:00', '2026-12-24T08:00:00.000Z'],
    ['Europe/Paris', '2026-07-14T09:00', '2026-07-14T07:00:00.000Z'],
    ['America/New_York', '2026-11-27T00:00', '2026-11-27T05:00:00.000Z'],
    ['Asia/Kolkata', '2026-01-01T00:00', '2025-12-31T18:30:00.000Z'],
    ['Pacific/Kiritimati', '2026-01-01T00:00', '2025-12-31T10:00:00.000Z'],
    ['Australia/Lord_Howe', '2026-01-01T12:00', '2026-01-01T01:00:00.000Z'],
    ['Europe/Paris', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z'], // skipped hour: moved past the gap (03:30 +02)
    ['Europe/Paris', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z'], // repeated hour: the earlier
    ['America/New_York', '2026-03-08T02:15', '2026-03-08T07:15:00.000Z'], // skipped: 03:15 EDT
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'], // repeated: 01:30 EDT
    ['Europe/Paris', '2026-12-24T09:00:30', '2026-12-24T08:00:30.000Z'],
  ])('%s %s is %s', (zone, local, instant) => {
    expect(at(local, zone)).toBe(instant);
  });

  it.each([
    '2026-02-30T10:00',
    '2026-13-01T10:00',
    '2026-12-24 09:00',
    '2026-12-24T24:00',
    '2026-12-24T09:60',
    '2026-12-24T09:00Z',
    '2026-12-24T09:00+01:00',
    '24/12/2026 09:00',
    '',
  ])('refuses %j', (text) => {
    expect(parseLocal(text)).toBeNull();
  });

  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['utc', 'UTC'],
    ['Mars/Olympus_Mons', null],
    ['', null],
    ['+01:00', null],
    ['Etc/GMT-3', 'Etc/GMT-3'],
  ])('zone %j is known as %j', (zone, known) => {
    expect(knownTimeZone(zone)).toBe(known);
  });

  it('reads an instant back in its zone', () => {
    expect(localOf(Date.parse('2026-12-24T08:00:00Z'), 'Europe/Paris')).toBe('2026-12-24T09:00');
    expect(localOf(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Paris')).toBe('2026-03-29T03:30');
  });
});
