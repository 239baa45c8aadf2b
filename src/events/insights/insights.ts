// An event's insights: registered, waitlisted, cancelled, checked in and (once it has ended) no-shows,
// with capacity and places left, for the event, each pass and each session, and per day in its zone.
import { AppError } from '../../lib/errors.ts';
import type { Db } from '../../storage/schema.ts';
import { textIn } from '../event.ts';
import * as events from '../store.ts';
import { zonedIso } from '../zoned-time.ts';
import { type DayCounts, type Figures, figuresOf, perDay, placesLeft } from './figures.ts';
import * as store from './store.ts';

interface Places {
  capacity: number | null;
  taken: number;
  placesLeft: number | null;
}

export interface EventInsights extends Figures, Places {
  eventId: string;
  name: string;
  status: string;
  timeZone: string;
  start: string;
  end: string;
  ended: boolean;
  passes: (Figures & Places & { id: string; name: string })[];
  sessions: (Figures & Places & { id: string; name: string; start: string; end: string })[];
  timeline: DayCounts[];
  asOf: string;
}

export async function findEventOr404(db: Db, eventId: string) {
  const event = await events.findEvent(db, eventId);
  if (!event) throw new AppError('not_found', `No event with id "${eventId.slice(0, 64)}".`);
  return event;
}

export async function getEventInsights(db: Db, eventId: string, now = Date.now()): Promise<EventInsights> {
  const event = await findEventOr404(db, eventId);
  const [passes, sessions, byPass, bySession, registrations, cancellations, checkIns] = await Promise.all([
    events.listPasses(db, eventId),
    events.listSessions(db, eventId),
    store.talliesByPass(db, eventId),
    store.talliesBySession(db, eventId),
    store.slots(db, eventId, 'registrations'),
    store.slots(db, eventId, 'cancellations'),
    store.slots(db, eventId, 'checkIns'),
  ]);
  const ended = now >= event.endsAt;
  const lang = event.languages[0] ?? 'en';
  const places = (p: { capacity: number | null; taken: number }): Places => ({
    capacity: p.capacity,
    taken: p.taken,
    placesLeft: placesLeft(p.capacity, p.taken),
  });
  return {
    eventId: event.id,
    name: textIn(event.texts, lang, lang).name,
    status: event.status,
    timeZone: event.timeZone,
    start: zonedIso(event.startsAt, event.timeZone),
    end: zonedIso(event.endsAt, event.timeZone),
    ended,
    ...figuresOf(byPass, ended),
    ...places(event),
    passes: passes.map((pass) => ({
      id: pass.id,
      name: textIn(pass.texts, lang, lang).name,
      ...figuresOf(
        byPass.filter((t) => t.passId === pass.id),
        ended,
      ),
      ...places(pass),
    })),
    sessions: sessions.map((session) => ({
      id: session.id,
      name: textIn(session.texts, lang, lang).name,
      start: zonedIso(session.startsAt, event.timeZone),
      end: zonedIso(session.endsAt, event.timeZone),
      ...figuresOf(
        bySession.filter((t) => t.sessionId === session.id),
        ended,
      ),
      ...places(session),
    })),
    timeline: perDay({ registrations, cancellations, checkIns }, event.timeZone),
    asOf: new Date(now).toISOString(),
  };
}
