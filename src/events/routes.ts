// Admin API for events (mounted in the email admin area: marketers run events as they run email):
// events with their sessions and passes, and publishing, unpublishing and cancelling them.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, noContent } from '../api-contract.ts';
import { AppError } from '../lib/errors.ts';
import type { Database } from '../storage/schema.ts';
import { type EventJson, eventJson } from './event-json.ts';
import {
  addPass,
  addSession,
  changeEvent,
  changeEventStatus,
  changePass,
  changeSession,
  createEvent,
  readEvent,
  removePass,
  removeSession,
} from './manage-events.ts';
import { registerContact } from './register.ts';
import { findRegistration, listEvents, listRegistrations } from './store.ts';
import { endRegistration } from './waitlist.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Localized = (what: string, maxLength: number) =>
  Type.Record(Type.String({ maxLength: 35 }), Type.String({ maxLength }), {
    description: `${what} per language code, e.g. {"en": "…", "fr": "…"}.`,
  });
const Time = (what: string) =>
  Type.String({
    maxLength: 40,
    description: `${what}: a wall-clock time in the event's time zone (2026-09-14T09:00) or an instant with an offset (2026-09-14T09:00+02:00).`,
  });
const OrNull = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Capacity = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
  description: 'Places; null: no limit.',
});

const EventFieldsBody = {
  slug: Type.Optional(
    Type.String({
      maxLength: 80,
      description: 'The public address /events/{slug} (made from the name when absent).',
    }),
  ),
  name: Type.Optional(Localized('The name', 200)),
  description: Type.Optional(Type.Union([Localized('The description (plain text)', 20_000), Type.Null()])),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris.' })),
  start: Type.Optional(Time('Start')),
  end: Type.Optional(Time('End')),
  venue: Type.Optional(OrNull(Type.String({ maxLength: 500 }))),
  onlineUrl: Type.Optional(OrNull(Type.String({ maxLength: 2000, description: 'The link to join online.' }))),
  languages: Type.Optional(
    Type.Array(Type.String({ maxLength: 35 }), {
      maxItems: 20,
      description: 'Language codes (BCP 47, e.g. en, fr, pt-BR), the default first.',
    }),
  ),
  capacity: Type.Optional(Capacity),
  registrationOpens: Type.Optional(OrNull(Time('When registration opens'))),
  registrationCloses: Type.Optional(OrNull(Time('When registration closes'))),
  websiteId: Type.Optional(
    Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
      description: "The website whose tracking script the event's public pages carry (visits count there).",
    }),
  ),
};
const EXAMPLE = {
  name: { en: 'Spring summit', fr: 'Sommet de printemps' },
  description: { en: 'A day of talks.', fr: 'Une journée de conférences.' },
  timeZone: 'Europe/Paris',
  start: '2026-09-14T09:00',
  end: '2026-09-14T18:00',
  venue: 'Palais des congrès, Paris',
  languages: ['en', 'fr'],
  capacity: 300,
};

const SessionBody = Type.Object(
  {
    name: Type.Optional(Localized('The name', 200)),
    description: Type.Optional(Type.Union([Localized('The description', 5000), Type.Null()])),
    start: Type.Optional(Time('Start')),
    end: Type.Optional(Time('End')),
    room: Type.Optional(OrNull(Type.String({ maxLength: 200 }))),
    speakers: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
    capacity: Type.Optional(Capacity),
  },
  {
    examples: [
      {
        name: { en: 'Keynote', fr: "Discours d'ouverture" },
        start: '2026-09-14T09:30',
        end: '2026-09-14T10:30',
        room: 'Hall A',
        speakers: ['Ada Lovelace'],
        capacity: 300,
      },
    ],
  },
);
const PassBody = Type.Object(
  {
    name: Type.Optional(Localized('The name', 200)),
    description: Type.Optional(Type.Union([Localized('The description', 5000), Type.Null()])),
    capacity: Type.Optional(Capacity),
    sessionIds: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: 500,
        description: "The sessions it opens (this event's).",
      }),
    ),
  },
  { examples: [{ name: { en: 'Day pass', fr: 'Pass journée' }, capacity: 200, sessionIds: [] }] },
);

const IdParams = Type.Object({ id: Id });
const SessionParams = Type.Object({ id: Id, sessionId: Id });
const PassParams = Type.Object({ id: Id, passId: Id });
const Unprocessable = [422, 'Not a valid event, session or pass; `details.fields` names each problem.'] as [
  number,
  string,
];

export function eventRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; publicUrl: string; waitlistOfferHours: number },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, publicUrl } = deps;
  const json = (whole: Awaited<ReturnType<typeof readEvent>>): EventJson => eventJson(whole, publicUrl);

  app.get(
    '/api/events',
    {
      schema: {
        operationId: 'listEvents',
        tags: ['events'],
        summary: 'Every event, the latest start first.',
        description: 'Drafts, published and cancelled events, without their sessions and passes.',
        response: { 200: Type.Object({ events: Type.Array(EventSummarySchema()) }), ...errors(503) },
      },
    },
    async () => ({
      events: (await listEvents(db)).map((event) => {
        const {
          sessions: _s,
          passes: _p,
          ...summary
        } = eventJson({ event, sessions: [], passes: [] }, publicUrl);
        return summary;
      }),
    }),
  );

  app.post(
    '/api/events',
    {
      schema: {
        operationId: 'createEvent',
        tags: ['events'],
        summary: 'Create an event (a draft: publish it to show its page).',
        description:
          'Needs name (in every language listed), timeZone, start, end and languages. Times without an offset are read in the event’s time zone.',
        body: Type.Object(EventFieldsBody, { examples: [EXAMPLE] }),
        response: { 201: EventSchema(), ...errors(409, Unprocessable, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(json(await createEvent(db, request.body))),
  );

  app.get(
    '/api/events/:id',
    {
      schema: {
        operationId: 'getEvent',
        tags: ['events'],
        summary: 'One event with its sessions and passes.',
        description: 'Times are given with the offset of the event’s time zone at that moment.',
        params: IdParams,
        response: { 200: EventSchema(), ...errors(404, 503) },
      },
    },
    async (request) => json(await readEvent(db, request.params.id)),
  );

  app.patch(
    '/api/events/:id',
    {
      schema: {
        operationId: 'changeEvent',
        tags: ['events'],
        summary: 'Change an event (fields left out keep their values).',
        description:
          'Checked whole: the end after the start, every session within the event, registration closing by the end, a capacity not below the places taken. A cancelled event cannot be changed (409).',
        params: IdParams,
        body: Type.Object(EventFieldsBody, { examples: [{ capacity: 400, venue: 'Hall B' }] }),
        response: { 200: EventSchema(), ...errors(404, 409, Unprocessable, 503) },
      },
    },
    async (request) => json(await changeEvent(db, request.params.id, request.body)),
  );

  for (const [action, summary] of [
    ['publish', 'Publish a draft: its page appears on the event website.'],
    ['unpublish', 'Take a published event back to draft: its page answers 404 again.'],
    ['cancel', 'Cancel an event (for good): its page says it is cancelled.'],
  ] as const) {
    app.post(
      `/api/events/:id/${action}`,
      {
        schema: {
          operationId: `${action}Event`,
          tags: ['events'],
          summary,
          description: 'Answers 409 when the event is not in a state this applies to (the message says why).',
          params: IdParams,
          response: { 200: EventSchema(), ...errors(404, 409, 503) },
        },
      },
      async (request) => json(await changeEventStatus(db, request.params.id, action)),
    );
  }

  app.post(
    '/api/events/:id/sessions',
    {
      schema: {
        operationId: 'addEventSession',
        tags: ['events'],
        summary: 'Add a session (within the event’s times; named at least in its default language).',
        description: 'Answers the whole event.',
        params: IdParams,
        body: SessionBody,
        response: { 201: EventSchema(), ...errors(404, 409, Unprocessable, 503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(json(await addSession(db, request.params.id, request.body))),
  );

  app.patch(
    '/api/events/:id/sessions/:sessionId',
    {
      schema: {
        operationId: 'changeEventSession',
        tags: ['events'],
        summary: 'Change a session (fields left out keep their values).',
        description: 'Answers the whole event.',
        params: SessionParams,
        body: SessionBody,
        response: { 200: EventSchema(), ...errors(404, 409, Unprocessable, 503) },
      },
    },
    async (request) =>
      json(await changeSession(db, request.params.id, request.params.sessionId, request.body)),
  );

  app.delete(
    '/api/events/:id/sessions/:sessionId',
    {
      schema: {
        operationId: 'deleteEventSession',
        tags: ['events'],
        summary: 'Delete a session no one has a place in (passes stop opening it).',
        description: '409 when places in it are taken.',
        params: SessionParams,
        response: { 204: noContent('Deleted.'), ...errors(404, 409, 503) },
      },
    },
    async (request, reply) => {
      await removeSession(db, request.params.id, request.params.sessionId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/events/:id/passes',
    {
      schema: {
        operationId: 'addEventPass',
        tags: ['events'],
        summary: 'Add a pass (a kind of ticket): its capacity and the sessions it opens.',
        description: 'A pass opens only sessions of its own event (422 otherwise). Answers the whole event.',
        params: IdParams,
        body: PassBody,
        response: { 201: EventSchema(), ...errors(404, 409, Unprocessable, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(json(await addPass(db, request.params.id, request.body))),
  );

  app.patch(
    '/api/events/:id/passes/:passId',
    {
      schema: {
        operationId: 'changeEventPass',
        tags: ['events'],
        summary: 'Change a pass (fields left out keep their values; sessionIds replaces the list).',
        description: 'Answers the whole event.',
        params: PassParams,
        body: PassBody,
        response: { 200: EventSchema(), ...errors(404, 409, Unprocessable, 503) },
      },
    },
    async (request) => json(await changePass(db, request.params.id, request.params.passId, request.body)),
  );

  app.post(
    '/api/events/:id/registrations',
    {
      schema: {
        operationId: 'registerForEvent',
        tags: ['events'],
        summary: 'Register a contact for a published event, with a pass and sessions.',
        description:
          'Capacity is exact across nodes: the event, the pass and each session take a place by one conditional update each, in one transaction; when any is full nothing is taken (409). 422 when the event is not open for registration (a draft, cancelled, outside its registration window), the pass or a session is not the event’s, or a session is not one the pass opens; 409 when the contact is registered already. The contact is emailed a confirmation with a calendar invitation (iCalendar `METHOD:REQUEST`) in `language`.',
        params: IdParams,
        body: Type.Object(
          {
            contactId: Type.String({ maxLength: 64 }),
            passId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
            sessionIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })),
            waitlist: Type.Optional(
              Type.Boolean({
                description:
                  'When full, join the waitlist (201 with status `waitlisted`) instead of a 409. Default false.',
              }),
            ),
            language: Type.Optional(
              Type.String({
                maxLength: 35,
                description:
                  "One of the event's languages: the confirmation email and its calendar invitation are in it (default: the event's first).",
              }),
            ),
          },
          { examples: [{ contactId: 'c1StIdXyZ12345678abcde', passId: null, sessionIds: [] }] },
        ),
        response: { 201: RegistrationOut, ...errors(404, 409, Unprocessable, 503) },
      },
    },
    async (request, reply) => {
      const made = await registerContact(db, {
        eventId: request.params.id,
        contactId: request.body.contactId,
        passId: request.body.passId ?? null,
        sessionIds: request.body.sessionIds ?? [],
        waitlist: request.body.waitlist === true,
        language: request.body.language ?? null,
      });
      return reply.code(201).send({
        ...made,
        createdAt: new Date(made.createdAt).toISOString(),
        cancelledAt: null,
      });
    },
  );

  app.get(
    '/api/events/:id/registrations',
    {
      schema: {
        operationId: 'listEventRegistrations',
        tags: ['events'],
        summary: "An event's registrations, the oldest first.",
        description: 'Cancelled ones included (status `cancelled`).',
        params: IdParams,
        response: { 200: Type.Object({ registrations: Type.Array(RegistrationOut) }), ...errors(404, 503) },
      },
    },
    async (request) => {
      await readEvent(db, request.params.id);
      const rows = await listRegistrations(db, request.params.id);
      return {
        registrations: rows.map((r) => ({
          id: r.id,
          eventId: request.params.id,
          contactId: r.contactId,
          passId: r.passId,
          sessionIds: r.sessionIds,
          status: r.status,
          createdAt: new Date(r.createdAt).toISOString(),
          cancelledAt: r.cancelledAt === null ? null : new Date(r.cancelledAt).toISOString(),
        })),
      };
    },
  );

  app.post(
    '/api/events/:id/registrations/:registrationId/cancel',
    {
      schema: {
        operationId: 'cancelEventRegistration',
        tags: ['events'],
        summary: 'Cancel a registration or a place on the waitlist; a freed place goes to the waitlist.',
        description:
          'The places it held are given back in the same transaction, and offered at once to the next waitlisted person whose pass and sessions fit (held for them, with an email). 404 when there is no such live registration.',
        params: Type.Object({
          id: Type.String({ maxLength: 64 }),
          registrationId: Type.String({ maxLength: 64 }),
        }),
        response: { 204: noContent('Cancelled.'), ...errors(404, 503) },
      },
    },
    async (request, reply) => {
      const registration = await findRegistration(db, request.params.registrationId);
      const ended =
        registration?.eventId === request.params.id
          ? await endRegistration(db, registration.id, 'cancel', {
              offerMs: deps.waitlistOfferHours * 3_600_000,
            })
          : 'gone';
      if (ended === 'gone')
        throw new AppError('not_found', 'No live registration with this id for this event.');
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/events/:id/passes/:passId',
    {
      schema: {
        operationId: 'deleteEventPass',
        tags: ['events'],
        summary: 'Delete a pass no one holds.',
        description: '409 when places with it are taken.',
        params: PassParams,
        response: { 204: noContent('Deleted.'), ...errors(404, 409, 503) },
      },
    },
    async (request, reply) => {
      await removePass(db, request.params.id, request.params.passId);
      return reply.code(204).send();
    },
  );
}

// The response schemas (functions: TypeBox schemas are objects the document generator may annotate).
const LocalizedOut = Type.Record(Type.String(), Type.String());
const TimeOut = Type.String({
  description: 'RFC 3339 with the event zone’s offset, e.g. 2026-09-14T09:00:00+02:00.',
});
const SessionOut = Type.Object(
  {
    id: Type.String(),
    name: LocalizedOut,
    description: LocalizedOut,
    start: TimeOut,
    end: TimeOut,
    room: Type.Union([Type.String(), Type.Null()]),
    speakers: Type.Array(Type.String()),
    capacity: Type.Union([Type.Integer(), Type.Null()]),
    taken: Type.Integer(),
  },
  { title: 'EventSession' },
);
const PassOut = Type.Object(
  {
    id: Type.String(),
    name: LocalizedOut,
    description: LocalizedOut,
    capacity: Type.Union([Type.Integer(), Type.Null()]),
    taken: Type.Integer(),
    sessionIds: Type.Array(Type.String()),
  },
  { title: 'EventPass' },
);
const RegistrationOut = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String(),
    contactId: Type.String(),
    passId: Type.Union([Type.String(), Type.Null()]),
    sessionIds: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('registered'), Type.Literal('waitlisted'), Type.Literal('cancelled')]),
    createdAt: Type.String({ format: 'date-time' }),
    cancelledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'EventRegistration' },
);
const SummaryFields = {
  id: Type.String(),
  slug: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('cancelled')]),
  publicUrl: Type.String({ description: 'The public page (404 until published).' }),
  name: LocalizedOut,
  description: LocalizedOut,
  timeZone: Type.String(),
  start: TimeOut,
  end: TimeOut,
  venue: Type.Union([Type.String(), Type.Null()]),
  onlineUrl: Type.Union([Type.String(), Type.Null()]),
  languages: Type.Array(Type.String()),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  taken: Type.Integer({ description: 'Places taken by registrations.' }),
  registrationOpens: Type.Union([TimeOut, Type.Null()]),
  registrationCloses: Type.Union([TimeOut, Type.Null()]),
  websiteId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  cancelledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};
function EventSummarySchema() {
  return Type.Object(SummaryFields, { title: 'EventSummary' });
}
function EventSchema() {
  return Type.Object(
    { ...SummaryFields, sessions: Type.Array(SessionOut), passes: Type.Array(PassOut) },
    { title: 'Event' },
  );
}
export type EventSchemaType = Static<ReturnType<typeof EventSchema>>;
