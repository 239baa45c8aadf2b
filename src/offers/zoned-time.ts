// Local date-times in a named time zone, as a marketer gives an offer's start and end ("2026-12-24T09:00"
// in "Europe/Paris"), turned into instants. Pure; the zone rules are the runtime's (Intl, IANA data).
//
// A local time that does not exist (the hour skipped when clocks go forward) moves forward by the gap; one
// that happens twice (clocks go back) is the earlier. These are the choices of Temporal's `compatible`
// disambiguation, which calendars use too.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return null;
    }
    if (formatters.size > 1_000) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's canonical name, or null when the runtime knows no such zone. */
export function knownTimeZone(timeZone: string): string | null {
  // Names only (IANA): a bare offset has no rules for summer time, which is what a zone is for.
  if (typeof timeZone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone)) return null;
  return formatterOf(timeZone)?.resolvedOptions().timeZone ?? null;
}

/** Milliseconds the zone is ahead of UTC at `instant`. */
function offsetAt(instant: number, formatter: Intl.DateTimeFormat): number {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day']!,
    parts['hour']!,
    parts['minute']!,
    parts['second']!,
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export interface LocalDateTime {
  /** As given, seconds included when given: "2026-12-24T09:00". */
  text: string;
  /** The wall-clock reading as if it were UTC. */
  wall: number;
}

/** A local date-time "YYYY-MM-DDTHH:MM[:SS]" (no offset: the time zone says it), or null. */
export function parseLocal(text: string): LocalDateTime | null {
  const match = LOCAL.exec(typeof text === 'string' ? text.trim() : '');
  if (!match) return null;
  const [year, month, day, hour, minute, second = '0'] = match
    .slice(1)
    .map((v) => Number(v ?? 0)) as number[];
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, Number(second));
  const back = new Date(wall);
  // Date.UTC rolls 31 February over into March: a date that does not exist is refused instead.
  if (back.getUTCMonth() !== month! - 1 || back.getUTCDate() !== day! || hour! > 23 || minute! > 59)
    return null;
  if (Number(second) > 59) return null;
  return { text: text.trim(), wall };
}

/** The instant a wall-clock reading names in `timeZone` (gaps forward, overlaps the earlier). */
export function instantOf(local: LocalDateTime, timeZone: string): number {
  const formatter = formatterOf(timeZone);
  if (!formatter) throw new Error(`Unknown time zone ${timeZone}`);
  const candidates: number[] = [];
  // The offsets in force a day either side cover any transition near this time.
  for (const offset of new Set([
    offsetAt(local.wall - DAY_MS, formatter),
    offsetAt(local.wall + DAY_MS, formatter),
  ])) {
    const instant = local.wall - offset;
    if (offsetAt(instant, formatter) === offset) candidates.push(instant);
  }
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: read with the offset before the transition, it lands as far past the gap as it was in it.
  return local.wall - offsetAt(local.wall - DAY_MS, formatter);
}

/** The local wall-clock reading of an instant in a zone, "YYYY-MM-DDTHH:MM". */
export function localOf(instant: number, timeZone: string): string {
  const formatter = formatterOf(timeZone);
  if (!formatter) throw new Error(`Unknown time zone ${timeZone}`);
  return new Date(instant + offsetAt(instant, formatter)).toISOString().slice(0, 16);
}
