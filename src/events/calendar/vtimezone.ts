// The VTIMEZONE of an IANA zone, made from the tz data Intl carries (the same the pages use), for the
// years an event spans: one component for the offset in force on 1 January of the first year, then one
// per change of the clocks until the end of the last year, each with its exact moment (no RRULE to get
// wrong: a zone's rules change, its past and announced transitions are what the data says). A change to
// a larger offset is DAYLIGHT, to a smaller one STANDARD.
import { offsetMinutesAt, offsetText, wallTimeAt } from '../zoned-time.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

export interface Transition {
  /** The first instant of the new offset. */
  at: number;
  from: number;
  to: number;
}

/** The clock changes of `timeZone` in [from, to), found day by day then to the minute. */
export function transitions(timeZone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  let before = offsetMinutesAt(from, timeZone);
  for (let day = from; day < to; day += DAY) {
    const next = Math.min(day + DAY, to);
    const after = offsetMinutesAt(next, timeZone);
    if (after === before) continue;
    // The offset changed within (day, next]: find its first minute.
    let low = day;
    let high = next;
    while (high - low > MINUTE) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
      if (offsetMinutesAt(middle, timeZone) === before) low = middle;
      else high = middle;
    }
    found.push({ at: high, from: before, to: offsetMinutesAt(high, timeZone) });
    before = after;
  }
  return found;
}

const two = (n: number) => String(n).padStart(2, '0');

/** A wall time written from an instant and an offset (VTIMEZONE DTSTARTs are local times). */
function localAt(instant: number, offsetMinutes: number): string {
  const d = new Date(instant + offsetMinutes * MINUTE);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

const icalOffset = (minutes: number) => offsetText(minutes).replace(':', '');

function component(kind: 'STANDARD' | 'DAYLIGHT', start: string, from: number, to: number): string[] {
  return [
    `BEGIN:${kind}`,
    `DTSTART:${start}`,
    `TZOFFSETFROM:${icalOffset(from)}`,
    `TZOFFSETTO:${icalOffset(to)}`,
    `TZNAME:UTC${offsetText(to)}`,
    `END:${kind}`,
  ];
}

/** The VTIMEZONE lines for `timeZone` covering the years from `start` to `end` (in that zone). */
export function vtimezoneLines(timeZone: string, start: number, end: number): string[] {
  const firstYear = wallTimeAt(start, timeZone).year;
  const lastYear = wallTimeAt(end, timeZone).year;
  // From a day before 1 January in the zone (no zone is a day ahead of UTC) to the end of the last year.
  const from = Date.UTC(firstYear, 0, 1) - DAY;
  const to = Date.UTC(lastYear + 1, 0, 1) + DAY;
  const changes = transitions(timeZone, from, to);
  const initial = offsetMinutesAt(from, timeZone);
  const lowest = Math.min(initial, ...changes.map((c) => c.to));
  const lines = [
    'BEGIN:VTIMEZONE',
    `TZID:${timeZone}`,
    ...component(initial > lowest ? 'DAYLIGHT' : 'STANDARD', localAt(from, initial), initial, initial),
  ];
  for (const change of changes)
    lines.push(
      ...component(
        change.to > change.from ? 'DAYLIGHT' : 'STANDARD',
        localAt(change.at, change.from),
        change.from,
        change.to,
      ),
    );
  lines.push('END:VTIMEZONE');
  return lines;
}
