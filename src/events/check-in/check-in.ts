// Checking in at the door: open the pass code (the seal refuses altered or made-up codes before any read),
// read the registration, decide (check-in-rules.ts), and when valid take the check-in by one conditional
// update. Two scans of one code at once: one wins "valid", the other reads "already checked in".
import { AppError } from '../../lib/errors.ts';
import type { Db } from '../../storage/schema.ts';
import { textIn } from '../event.ts';
import type { Texts } from '../event-rules.ts';
import { findEvent } from '../store.ts';
import { type Verdict, verdictFor, verdictMessage } from './check-in-rules.ts';
import { openPassCode, type PassSecrets } from './pass-code.ts';
import * as store from './store.ts';

export interface CheckInAnswer {
  verdict: Verdict;
  /** The sentence to show, starting with the verdict's word. */
  message: string;
  /** The registration the code names (null: unknown, or another event's). */
  registration: {
    id: string;
    contactId: string;
    name: string;
    email: string | null;
    pass: { id: string; name: string } | null;
    sessions: { id: string; name: string }[];
    checkedInAt: number | null;
    checkedInBy: string | null;
  } | null;
  /** The event the code is for, when it is another one (wrong_event). */
  otherEvent: { id: string; name: string } | null;
}

const nameIn = (texts: Texts, languages: readonly string[]) =>
  textIn(texts, languages[0] ?? '', languages[0] ?? '').name;

export async function checkIn(
  db: Db,
  secrets: PassSecrets,
  input: { eventId: string; code: string; by: string },
  now = Date.now(),
): Promise<CheckInAnswer> {
  const event = await findEvent(db, input.eventId);
  if (!event) throw new AppError('not_found', `No event with id "${input.eventId.slice(0, 64)}".`);
  const registrationId = await openPassCode(secrets, input.code);
  let row = registrationId ? await store.findDoorRow(db, registrationId) : undefined;
  const eventCancelled = event.status === 'cancelled';
  const decide = () => verdictFor({ eventId: event.id, eventCancelled, registration: row ?? null });
  let verdict = decide();
  if (verdict === 'valid' && row) {
    const won = await store.takeCheckIn(db, { registrationId: row.id, eventId: event.id, by: input.by, now });
    // Lost to another scan (or a cancellation) in between: answer what the row says now.
    row = await store.findDoorRow(db, row.id);
    verdict = won ? 'valid' : decide();
  }
  if (!row || verdict === 'unknown')
    return {
      verdict: 'unknown',
      message: verdictMessage('unknown', { eventCancelled }),
      registration: null,
      otherEvent: null,
    };
  if (verdict === 'wrong_event') {
    const other = await findEvent(db, row.eventId);
    const otherName = other ? nameIn(other.texts, other.languages) : '';
    return {
      verdict,
      message: verdictMessage(verdict, { eventCancelled, otherEvent: otherName }),
      registration: null,
      otherEvent: { id: row.eventId, name: otherName },
    };
  }
  const sessions = await store.sessionsOfRegistration(db, row.id);
  return {
    verdict,
    message: verdictMessage(verdict, { eventCancelled }),
    registration: {
      id: row.id,
      contactId: row.contactId,
      name:
        [row.firstName, row.lastName].filter(Boolean).join(' ') || row.email || 'A contact without a name',
      email: row.email,
      pass:
        row.passId && row.passTexts ? { id: row.passId, name: nameIn(row.passTexts, event.languages) } : null,
      sessions: sessions.map((s) => ({ id: s.id, name: nameIn(s.texts, event.languages) })),
      checkedInAt: row.checkedInAt,
      checkedInBy: row.checkedInBy
        ? ((await store.actorName(db, row.checkedInBy)) ?? 'someone since removed')
        : null,
    },
    otherEvent: null,
  };
}

/** The check-in page's figures: the counts and the latest check-ins, with who checked each in. */
export async function checkInOverview(db: Db, eventId: string, limit = 20) {
  const event = await findEvent(db, eventId);
  if (!event) throw new AppError('not_found', `No event with id "${eventId.slice(0, 64)}".`);
  const counts = await store.checkInCounts(db, eventId);
  const latest = await store.latestCheckIns(db, eventId, limit);
  const names = new Map<string, string | null>();
  for (const by of new Set(latest.map((l) => l.checkedInBy).filter((b): b is string => b !== null)))
    names.set(by, await store.actorName(db, by));
  return {
    ...counts,
    latest: latest.map((l) => ({
      registrationId: l.registrationId,
      contactId: l.contactId,
      name: [l.firstName, l.lastName].filter(Boolean).join(' ') || l.email || 'A contact without a name',
      checkedInAt: l.checkedInAt,
      checkedInBy: l.checkedInBy ? (names.get(l.checkedInBy) ?? 'someone since removed') : null,
    })),
  };
}
