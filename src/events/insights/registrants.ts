// The registrants behind a figure of an event's insights, a page at a time in registration order, and all
// of them as CSV (streamed a page at a time, never an OFFSET: each page continues after the last row's
// registration time and id).
import { csvRow } from '../../lib/csv-row.ts';
import { AppError } from '../../lib/errors.ts';
import type { Db, RegistrationStatus } from '../../storage/schema.ts';
import { textIn } from '../event.ts';
import * as events from '../store.ts';
import { zonedIso } from '../zoned-time.ts';
import { FIGURE_LABELS, type RegistrantFigure, rowsOf } from './figures.ts';
import { findEventOr404 } from './insights.ts';
import { pageRegistrants, type RegistrantRow } from './store.ts';

export interface RegistrantQuery {
  figure: RegistrantFigure;
  passId?: string | undefined;
  sessionId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface Registrant {
  registrationId: string;
  contactId: string;
  email: string | null;
  name: string | null;
  status: RegistrationStatus;
  passId: string | null;
  pass: string | null;
  sessionIds: string[];
  sessions: string[];
  registeredAt: string;
  cancelledAt: string | null;
  checkedInAt: string | null;
}

export interface Registrants {
  eventName: string;
  figure: RegistrantFigure;
  label: string;
  registrants: Registrant[];
  nextCursor: string | null;
}

const CURSOR = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/;

function parseCursor(cursor: string | undefined) {
  if (cursor === undefined) return undefined;
  const m = CURSOR.exec(cursor);
  if (!m)
    throw new AppError('bad_request', 'Not a cursor this list gave: pass back `nextCursor` as it came.');
  return { createdAt: Number(m[1]), id: m[2] as string };
}

export async function listRegistrants(db: Db, eventId: string, query: RegistrantQuery): Promise<Registrants> {
  const event = await findEventOr404(db, eventId);
  const [passes, sessions] = await Promise.all([
    events.listPasses(db, eventId),
    events.listSessions(db, eventId),
  ]);
  const lang = event.languages[0] ?? 'en';
  const pass = query.passId === undefined ? undefined : passes.find((p) => p.id === query.passId);
  if (query.passId !== undefined && !pass)
    throw new AppError('bad_request', `The pass "${query.passId.slice(0, 64)}" is not a pass of this event.`);
  const session = query.sessionId === undefined ? undefined : sessions.find((s) => s.id === query.sessionId);
  if (query.sessionId !== undefined && !session)
    throw new AppError(
      'bad_request',
      `The session "${query.sessionId.slice(0, 64)}" is not a session of this event.`,
    );
  const rows = rowsOf(query.figure, Date.now() >= event.endsAt);
  if (typeof rows === 'string') throw new AppError('conflict', rows);
  const found = await pageRegistrants(db, eventId, {
    ...rows,
    passId: query.passId,
    sessionId: query.sessionId,
    after: parseCursor(query.cursor),
    limit: query.limit,
  });
  const page = found.slice(0, query.limit);
  const last = page[page.length - 1];
  const passName = new Map(passes.map((p) => [p.id, textIn(p.texts, lang, lang).name]));
  const sessionName = new Map(sessions.map((s) => [s.id, textIn(s.texts, lang, lang).name]));
  const when = (instant: number | null) => (instant === null ? null : zonedIso(instant, event.timeZone));
  const toRegistrant = (r: RegistrantRow): Registrant => ({
    registrationId: r.id,
    contactId: r.contactId,
    email: r.email,
    name: [r.firstName, r.lastName].filter(Boolean).join(' ') || null,
    status: r.status,
    passId: r.passId,
    pass: r.passId === null ? null : (passName.get(r.passId) ?? null),
    sessionIds: r.sessionIds,
    sessions: r.sessionIds.map((id) => sessionName.get(id) ?? id),
    registeredAt: when(r.createdAt) as string,
    cancelledAt: when(r.cancelledAt),
    checkedInAt: when(r.checkedInAt),
  });
  const within = [pass && passName.get(pass.id), session && sessionName.get(session.id)].filter(Boolean);
  return {
    eventName: textIn(event.texts, lang, lang).name,
    figure: query.figure,
    label: [FIGURE_LABELS[query.figure], ...within].join(' · '),
    registrants: page.map(toRegistrant),
    nextCursor: found.length > query.limit && last ? `${last.createdAt}.${last.id}` : null,
  };
}

export const CSV_COLUMNS = [
  'registration_id',
  'contact_id',
  'email',
  'name',
  'status',
  'pass',
  'sessions',
  'registered_at',
  'cancelled_at',
  'checked_in_at',
] as const;

/** Every registrant behind the figure as CSV lines, header first, read 1,000 at a time. */
export async function* registrantsCsv(
  db: Db,
  eventId: string,
  query: Omit<RegistrantQuery, 'cursor' | 'limit'>,
): AsyncGenerator<string> {
  let cursor: string | undefined;
  let first = true;
  do {
    const page = await listRegistrants(db, eventId, { ...query, cursor, limit: 1000 });
    if (first) yield csvRow(CSV_COLUMNS);
    first = false;
    let chunk = '';
    for (const r of page.registrants)
      chunk += csvRow([
        r.registrationId,
        r.contactId,
        r.email,
        r.name,
        r.status,
        r.pass,
        r.sessions.join('; '),
        r.registeredAt,
        r.cancelledAt,
        r.checkedInAt,
      ]);
    if (chunk) yield chunk;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
