// Times of the event website: stored as instants (ms), entered and shown as wall-clock times in the
// event's IANA time zone. Pure: Intl's time-zone data does the arithmetic, so clock changes are right.

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The zone's canonical IANA name (`asia/tokyo` → `Asia/Tokyo`), or null for a zone Intl does not know. */
export function canonicalTimeZone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The wall-clock time at `instant` in `timeZone`. */
export function wallTimeAt(instant: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(new Date(instant)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 0,
    day: parts['day'] ?? 0,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Minutes the zone is ahead of UTC at `instant` (Paris in summer: 120). */
export function offsetMinutesAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return Math.round((asUtc(wallTimeAt(whole, timeZone)) - whole) / 60_000);
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

export type TimeProblem = 'malformed' | 'nonexistent';

/**
 * The instant a time names: with `Z` or an offset it is that instant; without, a wall-clock time in
 * `timeZone`. A wall time the clocks skip (spring forward) is 'nonexistent'; one they pass twice (fall
 * back) is the earlier of the two.
 */
export function instantOf(text: string, timeZone: string): number | TimeProblem {
  const m = TIME.exec(text);
  if (!m) return 'malformed';
  const wall: WallTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
  };
  const local = asUtc(wall);
  const back = new Date(local);
  if (
    wall.month < 1 ||
    wall.hour > 23 ||
    wall.minute > 59 ||
    wall.second > 59 ||
    back.getUTCMonth() !== wall.month - 1 ||
    back.getUTCDate() !== wall.day
  )
    return 'malformed';
  const zone = m[7];
  if (zone === 'Z') return local;
  if (zone) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [h, mm] = zone.slice(1).split(':').map(Number) as [number, number];
    if (h > 23 || mm > 59) return 'malformed';
    return local - sign * (h * 60 + mm) * 60_000;
  }
  // The offsets in force half a day either side cover any clock change near this time.
  const candidates = [...new Set([-12, 12].map((h) => offsetMinutesAt(local + h * 3_600_000, timeZone)))]
    .map((offset) => local - offset * 60_000)
    .filter((instant) => asUtc(wallTimeAt(instant, timeZone)) === local)
    .sort((a, b) => a - b);
  return candidates[0] ?? 'nonexistent';
}

const two = (n: number) => String(n).padStart(2, '0');

/** `+02:00`, `-05:00`, `+05:45`. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** RFC 3339 with the zone's offset at that instant: `2026-09-14T09:00:00+02:00`. */
export function zonedIso(instant: number, timeZone: string): string {
  const w = wallTimeAt(instant, timeZone);
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}:${two(w.second)}${offsetText(offsetMinutesAt(instant, timeZone))}`;
}

/** The wall time as an `<input type="datetime-local">` value: `2026-09-14T09:00`. */
export function wallInputValue(instant: number, timeZone: string): string {
  return zonedIso(instant, timeZone).slice(0, 16);
}

/** The zone as a person reads it beside a time: `Europe/Paris (UTC+02:00)`. */
export function zoneLabel(instant: number, timeZone: string): string {
  return `${timeZone} (UTC${offsetText(offsetMinutesAt(instant, timeZone))})`;
}

/** A day and time in the visitor's language, in the event's zone: `Monday 14 September 2026, 09:00`. */
export function formatWhen(instant: number, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language, {
    timeZone,
    hourCycle: 'h23',
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(instant));
}

/** Only the time of day (for an end on the same day): `17:00`. */
export function formatTime(instant: number, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language, {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(instant));
}

/** A start and end: the end's time only when both fall on one day in the zone. */
export function formatSpan(start: number, end: number, timeZone: string, language: string): string {
  const a = wallTimeAt(start, timeZone);
  const b = wallTimeAt(end, timeZone);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  const until = sameDay ? formatTime(end, timeZone, language) : formatWhen(end, timeZone, language);
  return `${formatWhen(start, timeZone, language)} – ${until}`;
}
