import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  formatSpan,
  instantOf,
  offsetMinutesAt,
  zonedIso,
  zoneLabel,
} from './zoned-time.ts';

describe('time zones', () => {
  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['asia/tokyo', 'Asia/Tokyo'],
    ['UTC', 'UTC'],
    ['america/new_york', 'America/New_York'],
    ['Mars/Olympus', null],
    ['', null],
    ['Europe/Paris; drop table', null],
    ['+02:00', null],
  ])('%j is %j', (given, canonical) => {
    expect(canonicalTimeZone(given)).toBe(canonical);
  });

  it.each([
    // wall time, zone, instant (UTC)
    ['2027-09-14T09:00', 'Europe/Paris', '2027-09-14T07:00:00.000Z'],
    ['2027-01-14T09:00', 'Europe/Paris', '2027-01-14T08:00:00.000Z'],
    ['2027-09-14T09:00', 'Asia/Tokyo', '2027-09-14T00:00:00.000Z'],
    ['2027-09-14T09:00', 'America/New_York', '2027-09-14T13:00:00.000Z'],
    ['2027-09-14T09:00', 'Asia/Kathmandu', '2027-09-14T03:15:00.000Z'],
    ['2027-09-14T09:00:30', 'UTC', '2027-09-14T09:00:30.000Z'],
    // With an offset or Z the zone does not matter.
    ['2027-09-14T09:00+02:00', 'Asia/Tokyo', '2027-09-14T07:00:00.000Z'],
    ['2027-09-14T09:00Z', 'Europe/Paris', '2027-09-14T09:00:00.000Z'],
    // Fall back in Paris (31 Oct 2027): 02:30 happens twice; the earlier (summer time) is taken.
    ['2027-10-31T02:30', 'Europe/Paris', '2027-10-31T00:30:00.000Z'],
    ['2027-10-31T03:30', 'Europe/Paris', '2027-10-31T02:30:00.000Z'],
  ])('%s in %s is %s', (text, zone, iso) => {
    expect(new Date(instantOf(text, zone) as number).toISOString()).toBe(iso);
  });

  it.each([
    ['2027-03-28T02:30', 'Europe/Paris', 'nonexistent'],
    ['2027-03-14T02:30', 'America/New_York', 'nonexistent'],
    ['2027-02-30T10:00', 'UTC', 'malformed'],
    ['2027-09-14 09:00', 'UTC', 'malformed'],
    ['2027-09-14T24:00', 'UTC', 'malformed'],
    ['tomorrow', 'UTC', 'malformed'],
    ['2027-09-14T09:00+25:00', 'UTC', 'malformed'],
  ])('%s in %s is %s', (text, zone, problem) => {
    expect(instantOf(text, zone)).toBe(problem);
  });

  it('shows an instant with the offset in force then, and names the zone', () => {
    const summer = Date.parse('2027-09-14T07:00:00Z');
    const winter = Date.parse('2027-12-14T08:00:00Z');
    expect(zonedIso(summer, 'Europe/Paris')).toBe('2027-09-14T09:00:00+02:00');
    expect(zonedIso(winter, 'Europe/Paris')).toBe('2027-12-14T09:00:00+01:00');
    expect(zonedIso(summer, 'America/St_Johns')).toBe('2027-09-14T04:30:00-02:30');
    expect(offsetMinutesAt(summer, 'Asia/Kathmandu')).toBe(345);
    expect(zoneLabel(summer, 'Europe/Paris')).toBe('Europe/Paris (UTC+02:00)');
    expect(zoneLabel(summer, 'UTC')).toBe('UTC (UTC+00:00)');
  });

  // ICU's punctuation differs between Node versions: the parts a reader needs are checked, not commas.
  it.each([
    ['en-GB', 'Europe/Paris', ['Tuesday', '14 September 2027', '09:00 – 18:00'], ['Wednesday']],
    ['fr', 'Europe/Paris', ['mardi', '14 septembre 2027', '09:00 – 18:00'], ['mercredi']],
    ['en-GB', 'Asia/Tokyo', ['Tuesday', '16:00 – Wednesday', '15 September 2027', '01:00'], []],
    ['en-GB', 'America/New_York', ['Tuesday', '03:00 – 12:00'], []],
  ])('a span in %s and %s reads %j', (language, zone, parts, absent) => {
    const start = Date.parse('2027-09-14T07:00:00Z');
    const text = formatSpan(start, start + 9 * 3_600_000, zone as string, language as string);
    for (const part of parts as string[]) expect(text).toContain(part);
    for (const part of absent as string[]) expect(text).not.toContain(part);
  });
});
