import { describe, expect, it } from 'vitest';
import { type DoorFacts, type Verdict, verdictFor, verdictMessage } from './check-in-rules.ts';

const reg = (over: Partial<NonNullable<DoorFacts['registration']>> = {}) => ({
  eventId: 'e1',
  status: 'registered',
  checkedInAt: null,
  ...over,
});

describe('verdictFor', () => {
  it.each<[string, DoorFacts, Verdict]>([
    [
      'no registration (forged, altered, erased)',
      { eventId: 'e1', eventCancelled: false, registration: null },
      'unknown',
    ],
    ['registered, not yet in', { eventId: 'e1', eventCancelled: false, registration: reg() }, 'valid'],
    [
      'registered, in already',
      { eventId: 'e1', eventCancelled: false, registration: reg({ checkedInAt: 5 }) },
      'already_checked_in',
    ],
    [
      'cancelled registration',
      { eventId: 'e1', eventCancelled: false, registration: reg({ status: 'cancelled' }) },
      'cancelled',
    ],
    [
      'cancelled after check-in',
      { eventId: 'e1', eventCancelled: false, registration: reg({ status: 'cancelled', checkedInAt: 5 }) },
      'cancelled',
    ],
    ['the event is cancelled', { eventId: 'e1', eventCancelled: true, registration: reg() }, 'cancelled'],
    [
      'waitlisted',
      { eventId: 'e1', eventCancelled: false, registration: reg({ status: 'waitlisted' }) },
      'waitlisted',
    ],
    ['another event', { eventId: 'e2', eventCancelled: false, registration: reg() }, 'wrong_event'],
    [
      'another event, cancelled there',
      { eventId: 'e2', eventCancelled: false, registration: reg({ status: 'cancelled' }) },
      'wrong_event',
    ],
    [
      'another event, this one cancelled',
      { eventId: 'e2', eventCancelled: true, registration: reg() },
      'wrong_event',
    ],
  ])('%s', (_label, facts, verdict) => {
    expect(verdictFor(facts)).toBe(verdict);
  });
});

describe('verdictMessage', () => {
  it('starts with the word the screen shows, and names the other event', () => {
    expect(verdictMessage('valid', { eventCancelled: false })).toMatch(/^Valid/);
    expect(verdictMessage('already_checked_in', { eventCancelled: false })).toMatch(/^Already checked in/);
    expect(verdictMessage('cancelled', { eventCancelled: true })).toMatch(/event is cancelled/);
    expect(verdictMessage('cancelled', { eventCancelled: false })).toMatch(/registration was cancelled/);
    expect(verdictMessage('wrong_event', { eventCancelled: false, otherEvent: 'Gala' })).toBe(
      'Wrong event: this pass is for "Gala".',
    );
    expect(verdictMessage('unknown', { eventCancelled: false })).toMatch(/^Unknown/);
  });
});
