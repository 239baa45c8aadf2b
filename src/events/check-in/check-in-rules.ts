// The door's answer to a scanned or typed pass code: pure, so every case is a row in a table
// (check-in-rules.test.ts). The order matters: a code for another event says which event whatever its
// status; a cancelled or waitlisted registration never admits; a checked-in one says when and by whom.

export type Verdict = 'valid' | 'already_checked_in' | 'cancelled' | 'waitlisted' | 'wrong_event' | 'unknown';

export interface RegistrationAtDoor {
  eventId: string;
  /** 'registered' | 'cancelled' | 'waitlisted' (evreg's waiting list). */
  status: string;
  checkedInAt: number | null;
}

export interface DoorFacts {
  /** The event whose door this is. */
  eventId: string;
  /** Whether that event is cancelled (no one is admitted to a cancelled event). */
  eventCancelled: boolean;
  /** The registration the code names: null when the code is not genuine or names no registration. */
  registration: RegistrationAtDoor | null;
}

/** What the door answers before trying to check in; `valid` means "check in now". */
export function verdictFor(facts: DoorFacts): Verdict {
  const r = facts.registration;
  if (!r) return 'unknown';
  if (r.eventId !== facts.eventId) return 'wrong_event';
  if (facts.eventCancelled || r.status === 'cancelled') return 'cancelled';
  if (r.status !== 'registered') return 'waitlisted';
  return r.checkedInAt === null ? 'valid' : 'already_checked_in';
}

/** The sentence door staff read (with the word, never colour alone). */
export function verdictMessage(verdict: Verdict, facts: { eventCancelled: boolean; otherEvent?: string }) {
  switch (verdict) {
    case 'valid':
      return 'Valid: checked in now.';
    case 'already_checked_in':
      return 'Already checked in: this pass was used before.';
    case 'cancelled':
      return facts.eventCancelled
        ? 'Cancelled: this event is cancelled.'
        : 'Cancelled: this registration was cancelled.';
    case 'waitlisted':
      return 'Waitlisted: this person has no place yet.';
    case 'wrong_event':
      return `Wrong event: this pass is for ${facts.otherEvent ? `"${facts.otherEvent}"` : 'another event'}.`;
    case 'unknown':
      return 'Unknown: not a pass code of this event website (altered, made up or deleted).';
  }
}
