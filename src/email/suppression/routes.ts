// Admin API: a contact's suppression, with its reason and history (mounted in the email area).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../../api-contract.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../storage/schema.ts';
import { addressSuppression, contactSuppression, type OutcomeSources } from './contact-suppression.ts';

const OrNull = Type.Union([Type.String(), Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const OrNever = Type.Union([Time, Type.Null()]);

const ContactSuppression = Type.Object(
  {
    email: Type.Union([Type.String(), Type.Null()], { description: "The contact's address (lower-cased)." }),
    current: Type.Union(
      [
        Type.Object({
          reason: Type.String({ description: 'hard_bounce, soft_bounces or complaint.' }),
          category: OrNull,
          sendId: OrNull,
          detail: OrNull,
          since: Time,
          until: Type.Union([Time, Type.Null()], { description: 'null = permanent (a complaint).' }),
          listing: Type.Integer({ minimum: 0 }),
        }),
        Type.Null(),
      ],
      { description: 'The suppression in force now; null when the address may be emailed.' },
    ),
    history: Type.Array(
      Type.Object({
        action: Type.Union([Type.Literal('listed'), Type.Literal('lifted')]),
        reason: Type.String(),
        category: OrNull,
        sendId: OrNull,
        via: Type.Union([Type.String(), Type.Null()], {
          description:
            'How the outcome behind a listing arrived: smtp (the answer while sending), dsn, arf, reply or webhook; null for a lift.',
        }),
        detail: OrNull,
        listing: Type.Union([Type.Integer(), Type.Null()]),
        until: OrNever,
        at: Time,
      }),
      { description: 'Every listing and lift of the address, newest first.' },
    ),
    softBounceRule: Type.Object(
      { limit: Type.Integer(), window: Type.Integer() },
      { description: 'Soft bounces suppress when `limit` of the last `window` sends soft-bounced.' },
    ),
  },
  {
    title: 'ContactSuppression',
    examples: [
      {
        email: 'ada@example.com',
        current: {
          reason: 'soft_bounces',
          category: 'full-mailbox',
          sendId: 's3NdIdXyZ12345678abcde',
          detail: 'smtp; 552 5.2.2 Mailbox full',
          since: '2026-05-03T10:00:00.000Z',
          until: '2026-05-17T10:00:00.000Z',
          listing: 2,
        },
        history: [],
        softBounceRule: { limit: 3, window: 5 },
      },
    ],
  },
);

const AddressSuppression = Type.Composite(
  [
    Type.Omit(ContactSuppression, ['email']),
    Type.Object({
      email: Type.String({ description: 'The address (lower-cased).' }),
      contactId: Type.Union([Type.String(), Type.Null()], {
        description: 'The contact the address belonged to when it was listed.',
      }),
    }),
  ],
  { title: 'AddressSuppression' },
);

export function suppressionRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; config: Config; outcomeSources?: OutcomeSources },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/contacts/:id/suppression',
    {
      schema: {
        operationId: 'getContactSuppression',
        tags: ['sends'],
        summary: "A contact's suppression: in force or not, why, and every listing and lift before.",
        description:
          'Hard bounces suppress for 7 days, then 14, 30 and 180 with each repeat; soft bounces when the window fills; complaints for good.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ContactSuppression, ...errors(404, 503) },
      },
    },
    async (request) =>
      contactSuppression(deps.db, deps.config, request.params.id, Date.now(), deps.outcomeSources),
  );

  app.get(
    '/api/suppressions/:email',
    {
      schema: {
        operationId: 'getSuppression',
        tags: ['sends'],
        summary:
          "An address's suppression: in force or not, why, and every listing and lift with where it came from.",
        description: 'An address that has never been listed answers 404.',
        params: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) }),
        response: { 200: AddressSuppression, ...errors(404, 503) },
      },
    },
    async (request) =>
      addressSuppression(deps.db, deps.config, request.params.email, Date.now(), deps.outcomeSources),
  );
}
