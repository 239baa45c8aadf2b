// "Add to calendar": the public page's download (`/events/{slug}/calendar.ics`, the event's own UID,
// nothing personal) and the portal's download of one registration's invitation (the same UID and
// SEQUENCE as the emailed one, so a calendar holding both keeps one entry). Downloads are
// METHOD:PUBLISH (RFC 5546): a file to add, not an invitation to answer.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { media } from '../../api-contract.ts';
import type { Config } from '../../config.ts';
import { LANGUAGE_COOKIE, PORTAL_COOKIE } from '../../cookies/definitions.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import { readCookie } from '../../tracking/tracking-cookies.ts';
import type { EventRecord } from '../event.ts';
import { chooseLanguage } from '../languages.ts';
import { notFoundPage } from '../pages.ts';
import { PORTAL_PATH, portalSessionOf } from '../sign-in.ts';
import { findEvent, findEventBySlug, listPasses, listSessions } from '../store.ts';
import { writeCalendar } from './ical.ts';
import {
  calendarEntry,
  dueInvitation,
  eventUid,
  languageFor,
  organizerOf,
  registrationUid,
} from './invitation.ts';
import { eventSequence, findInvitationRow } from './store.ts';

const FOR_PEOPLE = { errorsAs: 'page' } as const;
const page = (description: string) => media('text/html', description);
const ERRORS = {
  400: page('A malformed request (a page says why).'),
  429: page('Too many requests (a page).'),
  500: page("A fault on Spoor's side (a page)."),
  503: page('The database cannot be used right now (a page).'),
};
const LangQuery = Type.Object({
  lang: Type.Optional(Type.String({ maxLength: 35, description: 'The language of the texts.' })),
});

function sendCalendar(reply: FastifyReply, body: string, filename: string) {
  return reply
    .code(200)
    .type('text/calendar; charset=utf-8; method=PUBLISH')
    .header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '-')}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

export function calendarRoutes(
  scope: FastifyInstance,
  deps: { storage: Storage; config: Config; secrets: InstallSecrets },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { storage, config, secrets } = deps;
  const db = storage.db;
  const host = new URL(config.publicUrl).hostname;
  const organizer = organizerOf(config.emailFrom);

  const languageOf = (request: FastifyRequest, event: EventRecord, requested?: string) => {
    const cookie = readCookie(request.headers.cookie, LANGUAGE_COOKIE);
    return chooseLanguage({
      requested,
      cookie: cookie ? decodeURIComponent(cookie) : undefined,
      acceptLanguage: request.headers['accept-language'],
      available: event.languages,
    }).language;
  };
  const notFound = (reply: FastifyReply) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(notFoundPage({ language: 'en', languages: [], scriptSrc: null, path: '/events' }));

  app.get(
    '/events/:slug/calendar.ics',
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getEventCalendar',
        tags: ['event website'],
        summary: 'The event as an iCalendar file ("Add to calendar" on its page).',
        description:
          "`METHOD:PUBLISH`, the event's own UID (the same for everyone; nothing personal), times in the event's time zone with its VTIMEZONE; SEQUENCE raised whenever the times or place change, `STATUS:CANCELLED` once it is cancelled. A draft answers 404.",
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: LangQuery,
        response: {
          200: media('text/calendar', 'The iCalendar file (RFC 5545).'),
          404: page('No published event with this slug.'),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const event = await findEventBySlug(db, request.params.slug.toLowerCase());
      if (!event || event.status === 'draft') return notFound(reply);
      const body = writeCalendar(
        'PUBLISH',
        calendarEntry({
          event,
          pass: null,
          sessions: [],
          language: languageOf(request, event, request.query.lang),
          publicUrl: config.publicUrl,
          organizer,
          now: Date.now(),
          uid: eventUid(event.id, host),
          sequence: await eventSequence(db, event.id),
          cancelled: event.status === 'cancelled',
        }),
      );
      return sendCalendar(reply, body, `${event.slug}.ics`);
    },
  );

  app.get(
    `${PORTAL_PATH}/registrations/:registrationId/calendar.ics`,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getRegistrationCalendar',
        tags: ['event website'],
        summary: "A signed-in contact's registration as an iCalendar file (the event portal).",
        description:
          "The emailed invitation's UID and SEQUENCE, with the pass and sessions, as `METHOD:PUBLISH`. Only the signed-in contact's own registrations: another's, or none signed in, answers 404.",
        params: Type.Object({ registrationId: Type.String({ maxLength: 64 }) }),
        response: {
          200: media('text/calendar', 'The iCalendar file (RFC 5545).'),
          404: page('Not a registration of the signed-in contact.'),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const session = await portalSessionOf(db, secrets, readCookie(request.headers.cookie, PORTAL_COOKIE));
      const row = session && (await findInvitationRow(db, request.params.registrationId));
      const event = row && row.contactId === session?.contactId && (await findEvent(db, row.eventId));
      if (!row || !event) return notFound(reply);
      const sequence = await eventSequence(db, event.id);
      const due = dueInvitation({
        registrationStatus: row.status,
        eventStatus: event.status,
        eventSequence: sequence,
        lastMethod: row.lastMethod,
        lastSequence: row.lastSequence,
      });
      const body = writeCalendar(
        'PUBLISH',
        calendarEntry({
          event,
          pass: (await listPasses(db, event.id)).find((p) => p.id === row.passId) ?? null,
          sessions: (await listSessions(db, event.id)).filter((s) => row.sessionIds.includes(s.id)),
          language: languageFor(event, row.language ?? languageOf(request, event)),
          publicUrl: config.publicUrl,
          organizer,
          now: Date.now(),
          uid: registrationUid(row.id, host),
          sequence: due?.sequence ?? Math.max(sequence, row.lastSequence ?? 0),
          cancelled: row.status === 'cancelled' || event.status === 'cancelled',
        }),
      );
      return sendCalendar(reply, body, `${event.slug}.ics`);
    },
  );
}
