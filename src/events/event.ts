// The event website's records as the domain reads them (store.ts maps rows to these).
import type { EventStatus } from '../storage/schema.ts';
import type { EventFields, PassFields, SessionFields } from './event-rules.ts';

export interface EventRecord extends EventFields {
  id: string;
  status: EventStatus;
  /** Places taken by registrations. */
  taken: number;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  cancelledAt: number | null;
}

export interface SessionRecord extends SessionFields {
  id: string;
  eventId: string;
  taken: number;
}

export interface PassRecord extends PassFields {
  id: string;
  eventId: string;
  taken: number;
}

/** An event with its sessions (by start) and passes. */
export interface EventWhole {
  event: EventRecord;
  sessions: SessionRecord[];
  passes: PassRecord[];
}

/** A text in `language`, else in the event's default language, else any. */
export function textIn(
  texts: EventFields['texts'],
  language: string,
  fallback: string,
): { name: string; description: string | null } {
  return texts[language]?.name
    ? (texts[language] as { name: string; description: string | null })
    : (texts[fallback] ?? Object.values(texts)[0] ?? { name: '', description: null });
}
