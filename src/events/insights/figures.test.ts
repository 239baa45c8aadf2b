import { describe, expect, it } from 'vitest';
import { dayIn, figuresOf, perDay, placesLeft, rowsOf, SLOT_MS, type Tally } from './figures.ts';

const tallies: Tally[] = [
  { status: 'registered', checkedIn: true, count: 3 },
  { status: 'registered', checkedIn: false, count: 4 },
  { status: 'waitlisted', checkedIn: false, count: 2 },
  { status: 'cancelled', checkedIn: false, count: 5 },
];

describe('event figures', () => {
  it.each([
    [false, { registered: 7, waitlisted: 2, cancelled: 5, checkedIn: 3, noShows: null }],
    [true, { registered: 7, waitlisted: 2, cancelled: 5, checkedIn: 3, noShows: 4 }],
  ])('ended %s', (ended, figures) => expect(figuresOf(tallies, ended)).toEqual(figures));

  it.each([
    ['registered', false, { status: 'registered' }],
    ['waitlisted', false, { status: 'waitlisted' }],
    ['cancelled', true, { status: 'cancelled' }],
    ['checked_in', false, { status: 'registered', checkedIn: true }],
    ['no_show', true, { status: 'registered', checkedIn: false }],
    ['no_show', false, 'The event has not ended yet: no one is a no-show before it has.'],
  ] as const)('%s (ended %s)', (figure, ended, rows) => expect(rowsOf(figure, ended)).toEqual(rows));

  it.each([
    [null, 5, null],
    [10, 4, 6],
    [10, 10, 0],
    [3, 4, 0],
  ])('places left under %s with %s taken: %s', (capacity, taken, left) =>
    expect(placesLeft(capacity, taken)).toBe(left),
  );

  it.each([
    [Date.UTC(2027, 8, 13, 22, 30), 'Europe/Paris', '2027-09-14'],
    [Date.UTC(2027, 8, 13, 21, 59), 'Europe/Paris', '2027-09-13'],
    [Date.UTC(2027, 8, 14, 3, 0), 'America/New_York', '2027-09-13'],
    [Date.UTC(2027, 8, 13, 18, 15), 'Asia/Kathmandu', '2027-09-14'],
    [Date.UTC(2027, 8, 13, 18, 14), 'Asia/Kathmandu', '2027-09-13'],
  ])('%s in %s is on %s', (instant, zone, day) => expect(dayIn(instant, zone)).toBe(day));

  it('sums slots per day in the zone, days with activity only, oldest first', () => {
    const slot = (utc: number) => Math.floor(utc / SLOT_MS);
    expect(
      perDay(
        {
          registrations: [
            { slot: slot(Date.UTC(2027, 8, 13, 22, 0)), count: 2 },
            { slot: slot(Date.UTC(2027, 8, 10, 9, 0)), count: 1 },
            { slot: slot(Date.UTC(2027, 8, 13, 21, 45)), count: 4 },
          ],
          cancellations: [{ slot: slot(Date.UTC(2027, 8, 14, 8, 0)), count: 1 }],
          checkIns: [{ slot: slot(Date.UTC(2027, 8, 14, 7, 0)), count: 3 }],
        },
        'Europe/Paris',
      ),
    ).toEqual([
      { day: '2027-09-10', registrations: 1, cancellations: 0, checkIns: 0 },
      { day: '2027-09-13', registrations: 4, cancellations: 0, checkIns: 0 },
      { day: '2027-09-14', registrations: 2, cancellations: 1, checkIns: 3 },
    ]);
  });
});
