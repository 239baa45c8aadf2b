// What makes an event, a session and a pass valid, checked whole (after a change is merged into what is
// stored) so every route answers the same sentences. Pure: data in, data or a list of problems out; the
// caller (manage-events.ts) throws them as one 422 naming each field.
import { normaliseDestination } from '../lib/destination-url.ts';
import { AppError } from '../lib/errors.ts';
import type { EventStatus } from '../storage/schema.ts';
import { canonicalLanguage } from './languages.ts';
import { canonicalTimeZone, instantOf, type TimeProblem } from './zoned-time.ts';

/** Text per language: `{ en: 'Spring summit', fr: 'Sommet de printemps' }`. */
export type Localized = Record<string, string>;
export type Texts = Record<string, { name: string; description: string | null }>;

export const MAX_LANGUAGES = 10;
export const MAX_SPEAKERS = 50;
const MAX_EVENT_DAYS = 366;
/** Slugs the event website's own pages use under /events/. */
const RESERVED_SLUGS = new Set(['portal', 'waitlist']);
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export type Problems = Record<string, string>;

export function problemsError(problems: Problems): AppError {
  const sentences = Object.values(problems);
  return new AppError('unprocessable', sentences.join(' '), { fields: problems });
}

/** An event as stored (times as instants). */
export interface EventFields {
  slug: string;
  timeZone: string;
  startsAt: number;
  endsAt: number;
  venue: string | null;
  onlineUrl: string | null;
  languages: string[];
  texts: Texts;
  capacity: number | null;
  registrationOpensAt: number | null;
  registrationClosesAt: number | null;
  websiteId: string | null;
}

/** A change to an event as the API takes it (times as text; every field optional for a change). */
export interface EventChange {
  slug?: string | undefined;
  name?: Localized | undefined;
  description?: Localized | null | undefined;
  timeZone?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  venue?: string | null | undefined;
  onlineUrl?: string | null | undefined;
  languages?: string[] | undefined;
  capacity?: number | null | undefined;
  registrationOpens?: string | null | undefined;
  registrationCloses?: string | null | undefined;
  websiteId?: string | null | undefined;
}

const TIME_PROBLEM: Record<TimeProblem, (field: string, zone: string) => string> = {
  malformed: (field) =>
    `${field} must be a date and time like 2026-09-14T09:00 (in the event's time zone) or with an offset like 2026-09-14T09:00+02:00.`,
  nonexistent: (field, zone) =>
    `${field} falls in the hour the clocks skip in ${zone} (the change to summer time); choose another time.`,
};

/** A URL-safe slug from a name: `Spring Summit 2026!` → `spring-summit-2026`. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug && !RESERVED_SLUGS.has(slug) ? slug : 'event';
}

function checkLanguages(given: readonly string[], problems: Problems): string[] {
  const codes: string[] = [];
  if (given.length === 0)
    problems['languages'] = 'An event needs at least one language (a code like en or fr).';
  if (given.length > MAX_LANGUAGES)
    problems['languages'] = `An event has at most ${MAX_LANGUAGES} languages.`;
  for (const raw of given) {
    const code = canonicalLanguage(raw);
    if (!code) problems['languages'] = `"${raw.slice(0, 40)}" is not a language code (like en, fr or pt-BR).`;
    else if (codes.includes(code)) problems['languages'] = `The language ${code} is listed twice.`;
    else codes.push(code);
  }
  return codes;
}

/**
 * Texts per language from names and descriptions: every language in `required` needs a name, and texts
 * may only be in the event's languages.
 */
export function checkTexts(
  name: Localized,
  description: Localized | null,
  languages: readonly string[],
  required: readonly string[],
  problems: Problems,
): Texts {
  const texts: Texts = {};
  const byCode = new Map(languages.map((code) => [code.toLowerCase(), code]));
  for (const [field, values] of [
    ['name', name],
    ['description', description ?? {}],
  ] as const) {
    for (const [raw, text] of Object.entries(values)) {
      const code = byCode.get(raw.toLowerCase());
      if (!code) {
        problems[field] =
          `The ${field} in "${raw.slice(0, 40)}" is not in one of the event's languages (${languages.join(', ')}).`;
        continue;
      }
      texts[code] ??= { name: '', description: null };
      const entry = texts[code];
      if (field === 'name') entry.name = text.trim();
      else entry.description = text.trim() || null;
    }
  }
  const which =
    required.length === languages.length ? "each of the event's languages" : "the event's default language";
  for (const code of required)
    if (!texts[code]?.name) problems['name'] = `A name in ${code} is needed (${which}).`;
  for (const [code, entry] of Object.entries(texts))
    if (!entry.name && entry.description)
      problems['name'] = `A description in ${code} needs a name in ${code} too.`;
  return texts;
}

const namesOf = (texts: Texts): Localized =>
  Object.fromEntries(Object.entries(texts).map(([code, t]) => [code, t.name]));
const descriptionsOf = (texts: Texts): Localized =>
  Object.fromEntries(
    Object.entries(texts).flatMap(([code, t]) => (t.description ? [[code, t.description]] : [])),
  );

function optionalUrl(value: string | null, field: string, problems: Problems): string | null {
  if (value === null || value.trim() === '') return null;
  try {
    return normaliseDestination(value);
  } catch (error) {
    problems[field] = error instanceof AppError ? error.message : 'This is not a URL.';
    return null;
  }
}

/**
 * A time an event or session cannot be without (its start and end): empty is a problem to name, not a
 * time cleared (timeOf's null).
 */
function requiredTimeOf(
  text: string | null | undefined,
  keep: number | null,
  zone: string,
  field: 'start' | 'end',
  what: 'event' | 'session',
  problems: Problems,
): number | null {
  if (text === null || text === '') {
    problems[field] =
      `${what === 'event' ? 'An event' : 'A session'} needs ${field}: a date and time like 2026-09-14T09:00.`;
    return null;
  }
  return timeOf(text, keep, zone, field, problems);
}

function timeOf(
  text: string | null | undefined,
  keep: number | null,
  zone: string,
  field: string,
  problems: Problems,
): number | null {
  if (text === undefined) return keep;
  if (text === null || text === '') return null;
  const instant = instantOf(text, zone);
  if (typeof instant === 'number') return instant;
  problems[field] = TIME_PROBLEM[instant](field, zone);
  return null;
}

/**
 * The event `change` makes of `current` (absent: a new event), or the problems. `sessions` are the
 * event's sessions, which must stay within its times.
 */
export function checkEvent(
  change: EventChange,
  current: EventFields | undefined,
  sessions: readonly { id: string; startsAt: number; endsAt: number }[] = [],
): Checked<EventFields> {
  const problems: Problems = {};
  if (!current) {
    for (const field of ['name', 'timeZone', 'start', 'end', 'languages'] as const)
      if (change[field] === undefined) problems[field] = `A new event needs ${field}.`;
    if (Object.keys(problems).length > 0) return { problems };
  }
  let timeZone = current?.timeZone ?? 'UTC';
  if (change.timeZone !== undefined) {
    const zone = canonicalTimeZone(change.timeZone.trim());
    if (zone) timeZone = zone;
    else
      problems['timeZone'] =
        `"${change.timeZone.slice(0, 64)}" is not a time zone; use an IANA name like Europe/Paris or America/New_York.`;
  }
  const languages =
    change.languages !== undefined ? checkLanguages(change.languages, problems) : (current?.languages ?? []);
  const texts = checkTexts(
    change.name ?? namesOf(current?.texts ?? {}),
    change.description === undefined ? descriptionsOf(current?.texts ?? {}) : change.description,
    languages,
    languages,
    problems,
  );
  if (problems['timeZone']) return { problems };
  const startsAt = requiredTimeOf(
    change.start,
    current?.startsAt ?? null,
    timeZone,
    'start',
    'event',
    problems,
  );
  const endsAt = requiredTimeOf(change.end, current?.endsAt ?? null, timeZone, 'end', 'event', problems);
  if (startsAt !== null && endsAt !== null) {
    if (endsAt <= startsAt) problems['end'] = 'The event must end after it starts.';
    else if (endsAt - startsAt > MAX_EVENT_DAYS * 86_400_000)
      problems['end'] = `An event lasts at most ${MAX_EVENT_DAYS} days.`;
  }
  const opens = timeOf(
    change.registrationOpens,
    current?.registrationOpensAt ?? null,
    timeZone,
    'registrationOpens',
    problems,
  );
  const closes = timeOf(
    change.registrationCloses,
    current?.registrationClosesAt ?? null,
    timeZone,
    'registrationCloses',
    problems,
  );
  if (opens !== null && closes !== null && closes <= opens)
    problems['registrationCloses'] = 'Registration must close after it opens.';
  if (closes !== null && endsAt !== null && closes > endsAt)
    problems['registrationCloses'] = 'Registration must close by the time the event ends.';
  if (startsAt !== null && endsAt !== null)
    for (const session of sessions)
      if (session.startsAt < startsAt || session.endsAt > endsAt) {
        problems['start'] =
          `The session ${session.id} would fall outside the event; move or delete it first, or keep it within the event's times.`;
        break;
      }

  let slug = current?.slug ?? '';
  if (change.slug !== undefined) {
    slug = change.slug.trim().toLowerCase();
    if (!SLUG.test(slug) || slug.length > 80)
      problems['slug'] =
        'The slug is what follows /events/ in the address: lower-case letters, digits and single hyphens, at most 80.';
    else if (RESERVED_SLUGS.has(slug))
      problems['slug'] = `The slug "${slug}" is used by the event website itself.`;
  } else if (!current) slug = slugOf(texts[languages[0] ?? '']?.name ?? '');

  const capacity = change.capacity === undefined ? (current?.capacity ?? null) : change.capacity;
  const venue =
    change.venue === undefined ? (current?.venue ?? null) : change.venue?.trim() ? change.venue.trim() : null;
  const onlineUrl =
    change.onlineUrl === undefined
      ? (current?.onlineUrl ?? null)
      : optionalUrl(change.onlineUrl, 'onlineUrl', problems);
  if (Object.keys(problems).length > 0 || startsAt === null || endsAt === null) return { problems };
  return {
    value: {
      slug,
      timeZone,
      startsAt,
      endsAt,
      venue,
      onlineUrl,
      languages,
      texts,
      capacity,
      registrationOpensAt: opens,
      registrationClosesAt: closes,
      websiteId: change.websiteId === undefined ? (current?.websiteId ?? null) : change.websiteId,
    },
  };
}

export interface SessionFields {
  startsAt: number;
  endsAt: number;
  room: string | null;
  speakers: string[];
  texts: Texts;
  capacity: number | null;
}

export interface SessionChange {
  name?: Localized | undefined;
  description?: Localized | null | undefined;
  start?: string | undefined;
  end?: string | undefined;
  room?: string | null | undefined;
  speakers?: string[] | undefined;
  capacity?: number | null | undefined;
}

/** A session within its event: in the event's times, named at least in the event's default language. */
export function checkSession(
  change: SessionChange,
  current: SessionFields | undefined,
  event: Pick<EventFields, 'timeZone' | 'startsAt' | 'endsAt' | 'languages'>,
): Checked<SessionFields> {
  const problems: Problems = {};
  if (!current)
    for (const field of ['name', 'start', 'end'] as const)
      if (change[field] === undefined) problems[field] = `A new session needs ${field}.`;
  if (Object.keys(problems).length > 0) return { problems };
  const texts = checkTexts(
    change.name ?? namesOf(current?.texts ?? {}),
    change.description === undefined ? descriptionsOf(current?.texts ?? {}) : change.description,
    event.languages,
    event.languages.slice(0, 1),
    problems,
  );
  const startsAt = requiredTimeOf(
    change.start,
    current?.startsAt ?? null,
    event.timeZone,
    'start',
    'session',
    problems,
  );
  const endsAt = requiredTimeOf(
    change.end,
    current?.endsAt ?? null,
    event.timeZone,
    'end',
    'session',
    problems,
  );
  if (startsAt !== null && endsAt !== null) {
    if (endsAt <= startsAt) problems['end'] = 'The session must end after it starts.';
    else if (startsAt < event.startsAt || endsAt > event.endsAt)
      problems['start'] = "The session must take place within the event's start and end.";
  }
  const speakers = (change.speakers ?? current?.speakers ?? []).map((s) => s.trim()).filter(Boolean);
  if (speakers.length > MAX_SPEAKERS)
    problems['speakers'] = `A session has at most ${MAX_SPEAKERS} speakers.`;
  if (Object.keys(problems).length > 0 || startsAt === null || endsAt === null) return { problems };
  return {
    value: {
      startsAt,
      endsAt,
      room: change.room === undefined ? (current?.room ?? null) : change.room?.trim() || null,
      speakers,
      texts,
      capacity: change.capacity === undefined ? (current?.capacity ?? null) : change.capacity,
    },
  };
}

export interface PassFields {
  texts: Texts;
  capacity: number | null;
  sessionIds: string[];
}

export interface PassChange {
  name?: Localized | undefined;
  description?: Localized | null | undefined;
  capacity?: number | null | undefined;
  sessionIds?: string[] | undefined;
}

/** A pass: named in the event's default language, opening only sessions of its own event. */
export function checkPass(
  change: PassChange,
  current: PassFields | undefined,
  event: Pick<EventFields, 'languages'>,
  eventSessionIds: readonly string[],
): Checked<PassFields> {
  const problems: Problems = {};
  if (!current && change.name === undefined) return { problems: { name: 'A new pass needs a name.' } };
  const texts = checkTexts(
    change.name ?? namesOf(current?.texts ?? {}),
    change.description === undefined ? descriptionsOf(current?.texts ?? {}) : change.description,
    event.languages,
    event.languages.slice(0, 1),
    problems,
  );
  const sessionIds = [...new Set(change.sessionIds ?? current?.sessionIds ?? [])];
  const foreign = sessionIds.find((id) => !eventSessionIds.includes(id));
  if (foreign !== undefined)
    problems['sessionIds'] =
      `The session "${foreign.slice(0, 64)}" is not a session of this event; a pass opens only its own event's sessions.`;
  if (Object.keys(problems).length > 0) return { problems };
  return {
    value: {
      texts,
      capacity: change.capacity === undefined ? (current?.capacity ?? null) : change.capacity,
      sessionIds,
    },
  };
}

export type EventAction = 'publish' | 'unpublish' | 'cancel';

/** The status an action leads to from `status`, or the sentence refusing it (409). */
export function nextStatus(status: EventStatus, action: EventAction): EventStatus | string {
  if (status === 'cancelled') return 'This event is cancelled; a cancelled event cannot be changed back.';
  if (action === 'publish') return status === 'draft' ? 'published' : 'This event is published already.';
  if (action === 'unpublish') return status === 'published' ? 'draft' : 'This event is not published.';
  return 'cancelled';
}

/** What a check answers: the valid value, or the problems by field. */
export type Checked<T> = { value: T; problems?: undefined } | { value?: undefined; problems: Problems };
