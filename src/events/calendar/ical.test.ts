import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { instantOf } from '../zoned-time.ts';
import { type CalendarEntry, escapeText, foldLine, localStamp, utcStamp, writeCalendar } from './ical.ts';
import { dueInvitation, organizerOf } from './invitation.ts';
import { changeMatters } from './mail.ts';
import { transitions, vtimezoneLines } from './vtimezone.ts';

const at = (text: string, zone: string) => instantOf(text, zone) as number;
const octets = (s: string) => new TextEncoder().encode(s).length;

describe('escapeText', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b; c', 'a\\, b\\; c'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines', 'two\\nlines'],
    ['crlf\r\nand\rcr', 'crlf\\nand\\ncr'],
    ['\\,', '\\\\\\,'],
  ])('%j → %j', (input, expected) => expect(escapeText(input)).toBe(expected));
});

describe('foldLine', () => {
  it.each([
    ['short', 10],
    ['exactly 75', 75],
    ['76 ascii', 76],
    ['long ascii', 300],
  ])('%s: every line at most 75 octets, unfolding gives it back', (_name, length) => {
    const line = `DESCRIPTION:${'x'.repeat(Math.max(0, length - 12))}`;
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) expect(octets(part)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(folded.includes('\r\n')).toBe(octets(line) > 75);
  });

  it.each([
    ['accents', 'é'],
    ['CJK (3 octets)', '東'],
    ['emoji (4 octets)', '🎉'],
  ])('never splits a UTF-8 character: %s', (_name, char) => {
    const line = `SUMMARY:${char.repeat(80)}`;
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      expect(part).not.toContain('\uFFFD');
    }
    expect(folded.replace(/\r\n /g, '')).toBe(line);
  });
});

describe('stamps', () => {
  it.each([
    ['2027-09-14T09:00', 'Europe/Paris', '20270914T090000', '20270914T070000Z'],
    ['2027-09-14T09:00', 'America/New_York', '20270914T090000', '20270914T130000Z'],
    ['2027-01-14T09:00', 'America/New_York', '20270114T090000', '20270114T140000Z'],
    ['2027-09-14T09:00', 'Asia/Tokyo', '20270914T090000', '20270914T000000Z'],
    ['2027-09-14T09:00', 'Asia/Kathmandu', '20270914T090000', '20270914T031500Z'],
  ])('%s in %s: local %s, UTC %s', (wall, zone, local, utc) => {
    const instant = at(wall, zone);
    expect(localStamp(instant, zone)).toBe(local);
    expect(utcStamp(instant)).toBe(utc);
  });
});

describe('transitions', () => {
  it.each([
    // zone, year, expected changes [UTC instant, from, to]
    [
      'Europe/Paris',
      2027,
      [
        ['2027-03-28T01:00Z', 60, 120],
        ['2027-10-31T01:00Z', 120, 60],
      ],
    ],
    [
      'America/New_York',
      2027,
      [
        ['2027-03-14T07:00Z', -300, -240],
        ['2027-11-07T06:00Z', -240, -300],
      ],
    ],
    [
      'Australia/Sydney',
      2027,
      [
        ['2027-04-03T16:00Z', 660, 600],
        ['2027-10-02T16:00Z', 600, 660],
      ],
    ],
    ['Asia/Tokyo', 2027, []],
    ['UTC', 2027, []],
  ] as const)('%s in %i', (zone, year, expected) => {
    const found = transitions(zone, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
    expect(found.map((t) => [new Date(t.at).toISOString(), t.from, t.to])).toEqual(
      expected.map(([iso, from, to]) => [iso.replace('Z', ':00.000Z'), from, to]),
    );
  });
});

const ENTRY: CalendarEntry = {
  uid: 'reg-1@spoor.test',
  sequence: 2,
  stamp: Date.UTC(2027, 5, 1, 12, 0, 0),
  start: at('2027-09-14T09:00', 'America/New_York'),
  end: at('2027-09-14T17:30', 'America/New_York'),
  timeZone: 'America/New_York',
  language: 'en',
  summary: 'Summit, day one; "keynotes"',
  description: 'Line one\nLine two, with a comma; and \\ backslash. '.repeat(4),
  location: 'Hall 3, 1 Main St',
  url: 'https://spoor.test/events/summit',
  organizer: { email: 'events@spoor.test', name: 'Spoor: "Events"' },
  attendee: { email: 'ann@example.com', name: 'Ann, A.', partstat: 'ACCEPTED' },
  cancelled: false,
};

function parse(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const vevent = root.getFirstSubcomponent('vevent')!;
  return { root, vevent, event: new ICAL.Event(vevent) };
}

describe('writeCalendar', () => {
  it('writes CRLF lines of at most 75 octets that a real parser reads back', () => {
    const text = writeCalendar('REQUEST', ENTRY);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);
    const { root, vevent, event } = parse(text);
    expect(root.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('reg-1@spoor.test');
    expect(event.sequence).toBe(2);
    expect(event.summary).toBe(ENTRY.summary);
    expect(event.description).toBe(ENTRY.description);
    expect(event.location).toBe(ENTRY.location);
    expect(vevent.getFirstPropertyValue('url')).toBe(ENTRY.url);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const attendee = vevent.getFirstProperty('attendee')!;
    expect(attendee.getFirstValue()).toBe('mailto:ann@example.com');
    expect(attendee.getParameter('cn')).toBe('Ann, A.');
    expect(attendee.getParameter('partstat')).toBe('ACCEPTED');
    expect(vevent.getFirstProperty('organizer')!.getParameter('cn')).toBe('Spoor: Events');
  });

  it.each([
    ['America/New_York', '2027-09-14T09:00', '2027-09-14T17:30', '2027-09-14T13:00:00.000Z', 'EDT summer'],
    ['America/New_York', '2027-01-14T09:00', '2027-01-14T17:30', '2027-01-14T14:00:00.000Z', 'EST winter'],
    ['Asia/Tokyo', '2027-09-14T09:00', '2027-09-14T18:00', '2027-09-14T00:00:00.000Z', 'no DST'],
    ['Europe/Paris', '2027-10-30T20:00', '2027-10-31T10:00', '2027-10-30T18:00:00.000Z', 'across fall back'],
    ['Australia/Sydney', '2027-12-31T20:00', '2028-01-01T02:00', '2027-12-31T09:00:00.000Z', 'across years'],
    ['Asia/Kathmandu', '2027-09-14T09:00', '2027-09-14T10:00', '2027-09-14T03:15:00.000Z', '+05:45'],
  ])('%s %s: wall time with TZID, the VTIMEZONE makes it the right instant (%s)', (zone, s, e, utc) => {
    const entry = { ...ENTRY, timeZone: zone, start: at(s, zone), end: at(e, zone) };
    const text = writeCalendar('REQUEST', entry);
    expect(text).toContain(`DTSTART;TZID=${zone}:${s.replace(/[-:]/g, '')}00`);
    const { event } = parse(text);
    expect(event.startDate.zone?.tzid).toBe(zone);
    expect(event.startDate.toJSDate().toISOString()).toBe(utc);
    expect(event.endDate.toJSDate().getTime()).toBe(entry.end);
  });

  it('CANCEL: same UID, cancelled; PUBLISH names no attendee', () => {
    const cancel = parse(writeCalendar('CANCEL', { ...ENTRY, sequence: 3, cancelled: true }));
    expect(cancel.root.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancel.event.uid).toBe(ENTRY.uid);
    expect(cancel.event.sequence).toBe(3);
    expect(cancel.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    const download = writeCalendar('PUBLISH', ENTRY);
    expect(download).not.toContain('ATTENDEE');
    expect(download).toContain('METHOD:PUBLISH');
  });

  it('a VTIMEZONE for a zone without changes has one STANDARD component', () => {
    const lines = vtimezoneLines('Asia/Tokyo', ENTRY.start, ENTRY.end);
    expect(lines.filter((l) => l.startsWith('BEGIN:')).slice(1)).toEqual(['BEGIN:STANDARD']);
    expect(lines).toContain('TZOFFSETTO:+0900');
  });
});

describe('dueInvitation', () => {
  const base = {
    registrationStatus: 'registered',
    eventStatus: 'published',
    eventSequence: 0,
    lastMethod: null,
    lastSequence: null,
  } as const;
  it.each([
    ['first confirmation', {}, { method: 'request', sequence: 0 }],
    ['first, event already changed twice', { eventSequence: 2 }, { method: 'request', sequence: 2 }],
    ['already sent (a retry)', { lastMethod: 'request', lastSequence: 0 }, null],
    [
      'event changed since',
      { eventSequence: 1, lastMethod: 'request', lastSequence: 0 },
      { method: 'request', sequence: 1 },
    ],
    [
      'registration cancelled',
      { registrationStatus: 'cancelled', lastMethod: 'request', lastSequence: 1, eventSequence: 1 },
      { method: 'cancel', sequence: 2 },
    ],
    [
      'event cancelled (sequence raised)',
      { eventStatus: 'cancelled', eventSequence: 2, lastMethod: 'request', lastSequence: 1 },
      { method: 'cancel', sequence: 2 },
    ],
    ['cancelled, never invited', { registrationStatus: 'cancelled' }, null],
    ['cancel already sent', { registrationStatus: 'cancelled', lastMethod: 'cancel', lastSequence: 2 }, null],
    [
      'registered again after a cancel',
      { lastMethod: 'cancel', lastSequence: 2, eventSequence: 1 },
      { method: 'request', sequence: 3 },
    ],
    ['waitlisted: nothing', { registrationStatus: 'waitlisted' }, null],
  ] as const)('%s', (_name, change, expected) => {
    expect(dueInvitation({ ...base, ...change })).toEqual(expected);
  });
});

describe('changeMatters and organizerOf', () => {
  const event = {
    slug: 's',
    websiteId: null,
    timeZone: 'Europe/Paris',
    startsAt: 1,
    endsAt: 2,
    venue: 'A',
    onlineUrl: null,
    languages: ['en'],
    texts: { en: { name: 'N', description: null } },
    capacity: null,
    registrationOpensAt: null,
    registrationClosesAt: null,
  };
  it.each([
    ['nothing', {}, false],
    ['a text', { texts: { en: { name: 'Other', description: 'x' } } }, false],
    ['the capacity', { capacity: 3 }, false],
    ['the start', { startsAt: 0 }, true],
    ['the end', { endsAt: 3 }, true],
    ['the zone', { timeZone: 'Europe/Berlin' }, true],
    ['the venue', { venue: 'B' }, true],
    ['the online link', { onlineUrl: 'https://x.example' }, true],
  ])('%s changed → %s', (_name, change, expected) => {
    expect(changeMatters(event, { ...event, ...change })).toBe(expected);
  });
  it.each([
    ['Spoor Events <events@spoor.test>', { name: 'Spoor Events', email: 'events@spoor.test' }],
    ['"Acme, Inc." <a@acme.test>', { name: 'Acme, Inc.', email: 'a@acme.test' }],
    ['plain@acme.test', { email: 'plain@acme.test' }],
  ])('%s', (from, expected) => expect(organizerOf(from)).toEqual(expected));
});
