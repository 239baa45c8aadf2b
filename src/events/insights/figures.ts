// What each figure of an event's insights counts, as pure rules: a registration's status and whether it
// checked in decide which figures it is in; no-shows exist only once the event has ended; days are the
// event's own (its time zone), so "registrations on 14 September" means the organiser's 14 September.
import type { RegistrationStatus } from '../../storage/schema.ts';
import { wallTimeAt } from '../zoned-time.ts';

export const REGISTRANT_FIGURES = ['registered', 'waitlisted', 'cancelled', 'checked_in', 'no_show'] as const;
export type RegistrantFigure = (typeof REGISTRANT_FIGURES)[number];

export const FIGURE_LABELS: Record<RegistrantFigure, string> = {
  registered: 'Registered',
  waitlisted: 'Waitlisted',
  cancelled: 'Cancelled',
  checked_in: 'Checked in',
  no_show: 'No-shows',
};

/** How many registrations of one status, checked in or not (one row of the store's tallies). */
export interface Tally {
  status: RegistrationStatus;
  checkedIn: boolean;
  count: number;
}

export interface Figures {
  /** Holding a place (checked in or not). */
  registered: number;
  waitlisted: number;
  cancelled: number;
  /** Registered and checked in at the door. */
  checkedIn: number;
  /** Registered and not checked in, once the event has ended; null before. */
  noShows: number | null;
}

export function figuresOf(tallies: readonly Tally[], ended: boolean): Figures {
  const sum = (keep: (t: Tally) => boolean) => tallies.filter(keep).reduce((n, t) => n + t.count, 0);
  const registered = sum((t) => t.status === 'registered');
  const checkedIn = sum((t) => t.status === 'registered' && t.checkedIn);
  return {
    registered,
    waitlisted: sum((t) => t.status === 'waitlisted'),
    cancelled: sum((t) => t.status === 'cancelled'),
    checkedIn,
    noShows: ended ? registered - checkedIn : null,
  };
}

/** The rows behind a figure: a status, and for check-in figures whether the row checked in. */
export interface FigureRows {
  status: RegistrationStatus;
  checkedIn?: boolean;
}

/** The rows behind `figure`, or the sentence refusing it (no-shows before the event has ended). */
export function rowsOf(figure: RegistrantFigure, ended: boolean): FigureRows | string {
  switch (figure) {
    case 'checked_in':
      return { status: 'registered', checkedIn: true };
    case 'no_show':
      return ended
        ? { status: 'registered', checkedIn: false }
        : 'The event has not ended yet: no one is a no-show before it has.';
    default:
      return { status: figure };
  }
}

/** Places still free under a capacity (null: no limit); never below zero. */
export const placesLeft = (capacity: number | null, taken: number): number | null =>
  capacity === null ? null : Math.max(0, capacity - taken);

/** The store groups times in 15-minute slots: every zone's offset today is a whole number of them. */
export const SLOT_MS = 15 * 60_000;

/** `2027-09-14`: the day an instant falls on in `timeZone`. */
export function dayIn(instant: number, timeZone: string): string {
  const w = wallTimeAt(instant, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

export type Series = 'registrations' | 'cancellations' | 'checkIns';
export type DayCounts = { day: string } & Record<Series, number>;

/** Counts per 15-minute slot (slot = instant / SLOT_MS) summed per day in the zone, days with any, oldest first. */
export function perDay(
  slots: Record<Series, readonly { slot: number; count: number }[]>,
  timeZone: string,
): DayCounts[] {
  const days = new Map<string, DayCounts>();
  for (const series of ['registrations', 'cancellations', 'checkIns'] as const)
    for (const { slot, count } of slots[series]) {
      const day = dayIn(slot * SLOT_MS, timeZone);
      const counts = days.get(day) ?? { day, registrations: 0, cancellations: 0, checkIns: 0 };
      counts[series] += count;
      days.set(day, counts);
    }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}
