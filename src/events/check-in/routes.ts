// Check-in API (mounted in the email admin area with the other event routes: administrators and marketers
// check in, analysts read the figures, keys need the email write scope): the door's answer to a pass code,
// and the check-in page's counts and latest check-ins.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { actorOf } from '../../access/principal.ts';
import { errors } from '../../api-contract.ts';
import { AppError } from '../../lib/errors.ts';
import type { Database } from '../../storage/schema.ts';
import { checkIn, checkInOverview } from './check-in.ts';
import type { PassSecrets } from './pass-code.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const Named = Type.Object({ id: Type.String(), name: Type.String() });
const Instant = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const CheckInResult = Type.Object(
  {
    verdict: Type.Union(
      [
        Type.Literal('valid'),
        Type.Literal('already_checked_in'),
        Type.Literal('cancelled'),
        Type.Literal('waitlisted'),
        Type.Literal('wrong_event'),
        Type.Literal('unknown'),
      ],
      {
        description:
          '`valid`: checked in now. `already_checked_in`: this pass was used before (when and by whom below). `cancelled`: the registration or the event is cancelled. `waitlisted`: no place yet. `wrong_event`: the pass is for another event (`otherEvent`). `unknown`: not a genuine pass code (altered, made up) or its registration is gone.',
      },
    ),
    message: Type.String({ description: 'A sentence for door staff, starting with the verdict in words.' }),
    registration: Type.Union([
      Type.Object({
        id: Type.String(),
        contactId: Type.String(),
        name: Type.String({ description: "The contact's name (or email when there is none)." }),
        email: Type.Union([Type.String(), Type.Null()]),
        pass: Type.Union([Named, Type.Null()]),
        sessions: Type.Array(Named),
        checkedInAt: Instant,
        checkedInBy: Type.Union([Type.String(), Type.Null()], {
          description: 'Who checked it in: a user’s name or email, or an API key’s name.',
        }),
      }),
      Type.Null(),
    ]),
    otherEvent: Type.Union([Named, Type.Null()], {
      description: 'For `wrong_event`: the event the pass is for.',
    }),
  },
  { title: 'EventCheckInResult' },
);

const Overview = Type.Object(
  {
    registered: Type.Integer({ description: 'Registrations holding a place (not cancelled or waitlisted).' }),
    checkedIn: Type.Integer(),
    latest: Type.Array(
      Type.Object({
        registrationId: Type.String(),
        contactId: Type.String(),
        name: Type.String(),
        checkedInAt: Type.String({ format: 'date-time' }),
        checkedInBy: Type.Union([Type.String(), Type.Null()]),
      }),
      { description: 'The latest check-ins, the newest first (20 at most).' },
    ),
  },
  { title: 'EventCheckIns' },
);

export function checkInRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; secrets: PassSecrets },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, secrets } = deps;

  app.post(
    '/api/events/:id/check-ins',
    {
      schema: {
        operationId: 'checkInToEvent',
        tags: ['events'],
        summary: 'Check a registration in at the door with its pass code (the QR code’s text).',
        description:
          'Answers at once with a verdict (200 for every verdict: each is an answer, not an error). Idempotent: a pass is checked in once, by one conditional update; a repeated scan answers `already_checked_in` with when and by whom. An altered or made-up code is `unknown` (the seal refuses it).',
        params: IdParams,
        body: Type.Object(
          {
            code: Type.String({
              minLength: 1,
              maxLength: 400,
              description: 'The pass code (spaces ignored).',
            }),
          },
          { examples: [{ code: 'Q2xhcmEtMjAyNy1wYXNzMDE.AhDk3m2yV0l8Qm9r8pN4xg' }] },
        ),
        response: { 200: CheckInResult, ...errors(404, 503) },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (!principal) throw new AppError('unauthorized', 'Sign in first.');
      const answer = await checkIn(db, secrets, {
        eventId: request.params.id,
        code: request.body.code,
        by: actorOf(principal).id,
      });
      return {
        ...answer,
        registration: answer.registration && {
          ...answer.registration,
          checkedInAt: iso(answer.registration.checkedInAt),
        },
      };
    },
  );

  app.get(
    '/api/events/:id/check-ins',
    {
      schema: {
        operationId: 'listEventCheckIns',
        tags: ['events'],
        summary: "An event's check-ins: how many of the registered are in, and the latest.",
        description: 'For the check-in page and anyone watching the door.',
        params: IdParams,
        response: { 200: Overview, ...errors(404, 503) },
      },
    },
    async (request) => {
      const overview = await checkInOverview(db, request.params.id);
      return {
        ...overview,
        latest: overview.latest.map((l) => ({ ...l, checkedInAt: new Date(l.checkedInAt).toISOString() })),
      };
    },
  );
}
