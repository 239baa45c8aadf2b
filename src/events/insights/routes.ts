// Admin API for an event's insights and the registrants behind each figure (mounted in the email admin
// area beside the events: analysts read them, as they read a send's insights).
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors, media } from '../../api-contract.ts';
import type { Db } from '../../storage/schema.ts';
import { REGISTRANT_FIGURES, type RegistrantFigure } from './figures.ts';
import { getEventInsights } from './insights.ts';
import { CSV_COLUMNS, listRegistrants, registrantsCsv } from './registrants.ts';

const Count = Type.Integer({ minimum: 0 });
const Time = Type.String({ description: 'RFC 3339 with the event zone’s offset.' });
const figureFields = {
  registered: Type.Integer({ minimum: 0, description: 'Holding a place (checked in or not).' }),
  waitlisted: Count,
  cancelled: Count,
  checkedIn: Type.Integer({ minimum: 0, description: 'Registered and checked in at the door.' }),
  noShows: Type.Union([Count, Type.Null()], {
    description: 'Registered and not checked in; null until the event has ended.',
  }),
  capacity: Type.Union([Count, Type.Null()], { description: 'Places; null: no limit.' }),
  taken: Type.Integer({ minimum: 0, description: 'Places taken (the counter registration takes them by).' }),
  placesLeft: Type.Union([Count, Type.Null()], { description: 'null: no limit.' }),
};
const EventInsights = Type.Object(
  {
    eventId: Type.String(),
    name: Type.String({ description: 'In the event’s default language.' }),
    status: Type.String(),
    timeZone: Type.String(),
    start: Time,
    end: Time,
    ended: Type.Boolean(),
    ...figureFields,
    passes: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), ...figureFields })),
    sessions: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), start: Time, end: Time, ...figureFields }),
      { description: 'Per session: the registrations that chose it (check-in is at the event’s door).' },
    ),
    timeline: Type.Array(
      Type.Object({
        day: Type.String({ description: 'A day in the event’s time zone, YYYY-MM-DD.' }),
        registrations: Type.Integer({ minimum: 0, description: 'Registrations made (any status now).' }),
        cancellations: Count,
        checkIns: Count,
      }),
      { description: 'Days with any activity, oldest first.' },
    ),
    asOf: Type.String({ format: 'date-time', description: 'When the figures were read.' }),
  },
  { title: 'EventInsights' },
);

const RegistrantsQuery = {
  figure: Type.Union(
    REGISTRANT_FIGURES.map((figure) => Type.Literal(figure)),
    { description: 'Which figure to list the registrants of (no_show: once the event has ended).' },
  ),
  pass: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Only holders of this pass.' }),
  ),
  session: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Only those who chose this session.' }),
  ),
};
const Registrants = Type.Object(
  {
    eventName: Type.String({ description: 'In the event’s default language.' }),
    figure: Type.String(),
    label: Type.String({ description: 'The figure as the insights name it, with the pass or session.' }),
    registrants: Type.Array(
      Type.Object({
        registrationId: Type.String(),
        contactId: Type.String(),
        email: Type.Union([Type.String(), Type.Null()]),
        name: Type.Union([Type.String(), Type.Null()]),
        status: Type.String(),
        passId: Type.Union([Type.String(), Type.Null()]),
        pass: Type.Union([Type.String(), Type.Null()]),
        sessionIds: Type.Array(Type.String()),
        sessions: Type.Array(Type.String()),
        registeredAt: Time,
        cancelledAt: Type.Union([Time, Type.Null()]),
        checkedInAt: Type.Union([Time, Type.Null()]),
      }),
    ),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'EventRegistrants' },
);
type Query = { figure: RegistrantFigure; pass?: string; session?: string };
const NotEnded = [409, 'figure=no_show before the event has ended.'] as [number, string];

export function eventInsightsRoutes(scope: FastifyInstance, deps: { db: Db }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

  app.get(
    '/api/events/:id/insights',
    {
      schema: {
        operationId: 'getEventInsights',
        tags: ['events'],
        summary:
          "An event's insights: registered, waitlisted, cancelled, checked in, per pass, session and day.",
        description:
          'Registered, waitlisted, cancelled, checked in and (once the event has ended) no-shows, with capacity and places left, for the event, each pass and each session; registrations, cancellations and check-ins per day in the event’s time zone.',
        params,
        response: { 200: EventInsights, ...errors(404, 503) },
      },
    },
    async (request) => getEventInsights(deps.db, request.params.id),
  );

  app.get(
    '/api/events/:id/registrants',
    {
      schema: {
        operationId: 'listEventRegistrants',
        tags: ['events'],
        summary: 'The registrants behind a figure of the insights, a page at a time.',
        description:
          'In registration order (a waitlist in its queue order), optionally of one pass or session. Pass `nextCursor` back as `cursor`. A pass or session of another event answers 400; no_show before the event has ended 409.',
        params,
        querystring: Type.Object({
          ...RegistrantsQuery,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        }),
        response: { 200: Registrants, ...errors(400, 404, NotEnded, 503) },
      },
    },
    async (request) => {
      const query = request.query as Query & { cursor?: string; limit?: number };
      return listRegistrants(deps.db, request.params.id, {
        figure: query.figure,
        passId: query.pass,
        sessionId: query.session,
        cursor: query.cursor,
        limit: query.limit ?? 50,
      });
    },
  );

  app.get(
    '/api/events/:id/registrants.csv',
    {
      schema: {
        operationId: 'exportEventRegistrants',
        tags: ['events'],
        summary: 'Every registrant behind a figure of the insights, as CSV.',
        description: `The same registrants as listEventRegistrants, all of them, one line each: ${CSV_COLUMNS.join(', ')}. Times in the event’s zone. Text a spreadsheet would run as a formula is prefixed with an apostrophe.`,
        params,
        querystring: Type.Object(RegistrantsQuery),
        response: {
          200: media('text/csv', 'The registrants, a header line first.'),
          ...errors(400, 404, NotEnded, 503),
        },
      },
    },
    async (request, reply) => {
      const q = request.query as Query;
      const query = { figure: q.figure, passId: q.pass, sessionId: q.session };
      // Checked before the first byte: a wrong option or an unknown event is an error, not an empty file.
      await listRegistrants(deps.db, request.params.id, { ...query, limit: 1 });
      const name = `event-${request.params.id.replace(/[^A-Za-z0-9_-]/g, '')}-${q.figure}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(registrantsCsv(deps.db, request.params.id, query)));
    },
  );
}
