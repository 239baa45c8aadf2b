import { describe, expect, it } from 'vitest';
import type { EventRecord, PassRecord, SessionRecord } from './event.ts';
import { fullPart, registrationProblem } from './registration-rules.ts';

const NOW = Date.parse('2027-09-01T00:00:00Z');
const event: EventRecord = {
  id: 'e1',
  slug: 'e',
  status: 'published',
  timeZone: 'UTC',
  startsAt: Date.parse('2027-09-14T09:00:00Z'),
  endsAt: Date.parse('2027-09-14T18:00:00Z'),
  venue: null,
  onlineUrl: null,
  languages: ['en'],
  texts: { en: { name: 'E', description: null } },
  capacity: 10,
  taken: 0,
  registrationOpensAt: null,
  registrationClosesAt: null,
  websiteId: null,
  createdAt: 0,
  updatedAt: 0,
  publishedAt: 0,
  cancelledAt: null,
};
const session = (id: string): SessionRecord => ({
  id,
  eventId: 'e1',
  startsAt: event.startsAt,
  endsAt: event.endsAt,
  room: null,
  speakers: [],
  texts: { en: { name: id, description: null } },
  capacity: null,
  taken: 0,
});
const sessions = [session('s1'), session('s2')];
const passes: PassRecord[] = [
  { id: 'p1', eventId: 'e1', texts: {}, capacity: 5, taken: 0, sessionIds: ['s1'] },
  { id: 'p2', eventId: 'e1', texts: {}, capacity: null, taken: 0, sessionIds: [] },
];

describe('registration rules', () => {
  it.each<[string, Partial<EventRecord>, string | null, string[], RegExp | null]>([
    ['a pass and a session it opens', {}, 'p1', ['s1'], null],
    ['a pass opening the whole event, any session', {}, 'p2', ['s1', 's2'], null],
    ['a draft', { status: 'draft' }, 'p1', [], /not published/],
    ['a cancelled event', { status: 'cancelled' }, 'p1', [], /cancelled/],
    ['before registration opens', { registrationOpensAt: NOW + 1 }, 'p1', [], /not opened yet/],
    ['after registration closes', { registrationClosesAt: NOW }, 'p1', [], /closed/],
    ['after the event ended', { endsAt: NOW - 1 }, 'p1', [], /closed/],
    ['a pass of another event', {}, 'px', [], /not a pass of this event/],
    ['no pass where there are passes', {}, null, [], /Choose a pass/],
    ['a session of another event', {}, 'p2', ['sx'], /not a session of this event/],
    ['a session not in the pass', {}, 'p1', ['s2'], /not one the pass opens/],
  ])('%s', (_case, change, passId, sessionIds, problem) => {
    const found = registrationProblem({ ...event, ...change }, passes, sessions, { passId, sessionIds }, NOW);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it('takes no pass when the event has none', () => {
    expect(registrationProblem(event, [], sessions, { passId: null, sessionIds: ['s1'] }, NOW)).toBeNull();
  });
});

describe('fullPart', () => {
  const ev = (capacity: number | null, taken: number) => ({ capacity, taken });
  const passes = [
    { id: 'p1', capacity: 2, taken: 2 },
    { id: 'p2', capacity: null, taken: 9 },
  ];
  const sessions = [
    { id: 's1', capacity: 1, taken: 0 },
    { id: 's2', capacity: 1, taken: 1 },
  ];
  it.each([
    [ev(null, 100), null, [], null],
    [ev(10, 10), null, [], 'event'],
    [ev(10, 11), 'p2', [], 'event'],
    [ev(10, 3), 'p1', [], 'pass'],
    [ev(10, 3), 'p2', ['s1'], null],
    [ev(10, 3), 'p2', ['s2', 's1'], 's2'],
    [ev(10, 3), null, ['s1'], null],
  ] as const)('event %o, pass %s, sessions %o: %s', (event, passId, sessionIds, expected) => {
    expect(fullPart(event, passes, sessions, { passId, sessionIds })).toBe(expected);
  });
});
