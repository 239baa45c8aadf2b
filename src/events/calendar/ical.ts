// Our own iCalendar writer (RFC 5545), small because what we write is small: one VEVENT in the event's
// time zone, with the VTIMEZONE describing that zone (vtimezone.ts). Pure: the same input gives the same
// bytes. Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); texts are
// escaped; parameter values are quoted. METHOD and the attendee follow iTIP (RFC 5546): REQUEST and CANCEL
// name the organizer and the attendee, PUBLISH (a download) names no attendee.
import { wallTimeAt } from '../zoned-time.ts';
import { vtimezoneLines } from './vtimezone.ts';

export type CalendarMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';

export interface Person {
  email: string;
  name?: string | null;
}

export interface CalendarEntry {
  uid: string;
  sequence: number;
  /** When this copy was written (DTSTAMP). */
  stamp: number;
  start: number;
  end: number;
  /** IANA zone: DTSTART/DTEND are wall times in it, with its VTIMEZONE. */
  timeZone: string;
  /** The language SUMMARY and DESCRIPTION are in (a LANGUAGE parameter). */
  language: string;
  summary: string;
  description?: string | null;
  location?: string | null;
  url?: string | null;
  organizer: Person;
  attendee?: (Person & { partstat: 'ACCEPTED' | 'DECLINED' | 'NEEDS-ACTION' }) | null;
  cancelled: boolean;
}

/** TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and line breaks as `\n`. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * A parameter value: quoted (so `:`, `;` and `,` are safe), with what a quoted value cannot hold removed
 * (double quotes and control characters, RFC 5545 3.1: there is no escape for them).
 */
export function paramValue(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  return `"${value.replace(/["\u0000-\u001f\u007f]/g, '')}"`;
}

const encoder = new TextEncoder();

/** Folds one content line: at most 75 octets a line, continuations starting with a space (3.1). */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  // By code point, so a character's UTF-8 bytes are never split across lines.
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74; // the leading space counts
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const two = (n: number) => String(n).padStart(2, '0');

/** `20270914T070000Z`. */
export function utcStamp(instant: number): string {
  const d = new Date(instant);
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
}

/** The wall time in `timeZone`, as a DATE-TIME with no zone letter: `20270914T090000`. */
export function localStamp(instant: number, timeZone: string): string {
  const w = wallTimeAt(instant, timeZone);
  return `${String(w.year).padStart(4, '0')}${two(w.month)}${two(w.day)}T${two(w.hour)}${two(w.minute)}${two(w.second)}`;
}

const mailto = (email: string) => `mailto:${email.replace(/[\s"<>]/g, '')}`;

function person(property: 'ORGANIZER' | 'ATTENDEE', who: Person, extra: string[] = []): string {
  const cn = who.name?.trim() ? [`CN=${paramValue(who.name.trim())}`] : [];
  return `${[property, ...cn, ...extra].join(';')}:${mailto(who.email)}`;
}

/** A whole VCALENDAR with one VEVENT, CRLF line endings, folded. */
export function writeCalendar(method: CalendarMethod, entry: CalendarEntry): string {
  const zone = entry.timeZone;
  const lang = `LANGUAGE=${entry.language.replace(/[^A-Za-z0-9-]/g, '')}`;
  const event: string[] = [
    'BEGIN:VEVENT',
    `UID:${entry.uid}`,
    `SEQUENCE:${entry.sequence}`,
    `DTSTAMP:${utcStamp(entry.stamp)}`,
    `DTSTART;TZID=${zone}:${localStamp(entry.start, zone)}`,
    `DTEND;TZID=${zone}:${localStamp(entry.end, zone)}`,
    `SUMMARY;${lang}:${escapeText(entry.summary)}`,
  ];
  if (entry.description) event.push(`DESCRIPTION;${lang}:${escapeText(entry.description)}`);
  if (entry.location) event.push(`LOCATION:${escapeText(entry.location)}`);
  if (entry.url) event.push(`URL;VALUE=URI:${entry.url.replace(/[\s"<>]/g, '')}`);
  event.push(person('ORGANIZER', entry.organizer));
  if (entry.attendee && method !== 'PUBLISH')
    event.push(
      person('ATTENDEE', entry.attendee, [
        'CUTYPE=INDIVIDUAL',
        'ROLE=REQ-PARTICIPANT',
        `PARTSTAT=${entry.attendee.partstat}`,
        'RSVP=FALSE',
      ]),
    );
  event.push(`STATUS:${entry.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE', 'END:VEVENT');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Spoor//Event website//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    ...vtimezoneLines(zone, entry.start, entry.end),
    ...event,
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
