// An event as the admin API answers it: texts per language, times with the event zone's offset.
import type { EventWhole } from './event.ts';
import type { Texts } from './event-rules.ts';
import { zonedIso } from './zoned-time.ts';

const names = (texts: Texts) => Object.fromEntries(Object.entries(texts).map(([c, t]) => [c, t.name]));
const descriptions = (texts: Texts) =>
  Object.fromEntries(Object.entries(texts).flatMap(([c, t]) => (t.description ? [[c, t.description]] : [])));
const iso = (ms: number) => new Date(ms).toISOString();

export function eventJson({ event, sessions, passes }: EventWhole, publicUrl: string) {
  const zone = event.timeZone;
  const at = (ms: number | null) => (ms === null ? null : zonedIso(ms, zone));
  return {
    id: event.id,
    slug: event.slug,
    status: event.status,
    publicUrl: `${publicUrl}/events/${event.slug}`,
    name: names(event.texts),
    description: descriptions(event.texts),
    timeZone: zone,
    start: zonedIso(event.startsAt, zone),
    end: zonedIso(event.endsAt, zone),
    venue: event.venue,
    onlineUrl: event.onlineUrl,
    languages: event.languages,
    capacity: event.capacity,
    taken: event.taken,
    registrationOpens: at(event.registrationOpensAt),
    registrationCloses: at(event.registrationClosesAt),
    websiteId: event.websiteId,
    createdAt: iso(event.createdAt),
    updatedAt: iso(event.updatedAt),
    publishedAt: event.publishedAt === null ? null : iso(event.publishedAt),
    cancelledAt: event.cancelledAt === null ? null : iso(event.cancelledAt),
    sessions: sessions.map((s) => ({
      id: s.id,
      name: names(s.texts),
      description: descriptions(s.texts),
      start: zonedIso(s.startsAt, zone),
      end: zonedIso(s.endsAt, zone),
      room: s.room,
      speakers: s.speakers,
      capacity: s.capacity,
      taken: s.taken,
    })),
    passes: passes.map((p) => ({
      id: p.id,
      name: names(p.texts),
      description: descriptions(p.texts),
      capacity: p.capacity,
      taken: p.taken,
      sessionIds: p.sessionIds,
    })),
  };
}

export type EventJson = ReturnType<typeof eventJson>;
