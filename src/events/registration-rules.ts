// Whether a registration may be taken: the event open for it, the pass and sessions its own, the sessions
// within the pass. Pure; places are taken by the store's conditional updates (store.ts, takePlace).
import type { EventRecord, PassRecord, SessionRecord } from './event.ts';
import { ENGLISH_PROBLEMS, type RegistrationProblems } from './registration-strings.ts';

export interface RegistrationAsk {
  passId: string | null;
  sessionIds: readonly string[];
}

/**
 * The sentence refusing a registration (422), or null when it may go ahead; in `words` (the API's English
 * unless a page passes its language's).
 */
export function registrationProblem(
  event: EventRecord,
  passes: readonly PassRecord[],
  sessions: readonly SessionRecord[],
  ask: RegistrationAsk,
  now: number,
  words: RegistrationProblems = ENGLISH_PROBLEMS,
): string | null {
  if (event.status === 'cancelled') return words.cancelled;
  if (event.status !== 'published') return words.notPublished;
  if (event.registrationOpensAt !== null && now < event.registrationOpensAt) return words.notOpenYet;
  if ((event.registrationClosesAt ?? event.endsAt) <= now) return words.closed;
  const pass = ask.passId === null ? undefined : passes.find((p) => p.id === ask.passId);
  if (ask.passId !== null && !pass) return words.notPass(ask.passId.slice(0, 64));
  if (ask.passId === null && passes.length > 0) return words.choosePass;
  for (const id of ask.sessionIds) {
    if (!sessions.some((s) => s.id === id)) return words.notSession(id.slice(0, 64));
    if (pass && pass.sessionIds.length > 0 && !pass.sessionIds.includes(id))
      return words.notInPass(id.slice(0, 64));
  }
  return null;
}

/**
 * Which counter the registration would find full as the rows were read ('event', 'pass' or a session's id),
 * or null. A first look only, to answer before anything is stored: the transaction's conditional updates
 * decide (a place may go between the look and the take).
 */
export function fullPart(
  event: Pick<EventRecord, 'capacity' | 'taken'>,
  passes: readonly Pick<PassRecord, 'id' | 'capacity' | 'taken'>[],
  sessions: readonly Pick<SessionRecord, 'id' | 'capacity' | 'taken'>[],
  ask: RegistrationAsk,
): string | null {
  const full = (c: { capacity: number | null; taken: number }) =>
    c.capacity !== null && c.taken >= c.capacity;
  if (full(event)) return 'event';
  const pass = passes.find((p) => p.id === ask.passId);
  if (pass && full(pass)) return 'pass';
  for (const id of [...ask.sessionIds].sort()) {
    const session = sessions.find((s) => s.id === id);
    if (session && full(session)) return id;
  }
  return null;
}
