// Admin API for offers: define, change, list, read, withdraw, and the insights per offer.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { Database } from '../storage/schema.ts';
import {
  changeOffer,
  createOffer,
  getOffer,
  listOffers,
  offerInsights,
  REFUSALS,
  withdrawOffer,
} from './manage-offers.ts';
import type { OfferInput } from './offer.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const IdParams = Type.Object({ id: Id });
const Url = (description: string) => Type.String({ minLength: 1, maxLength: 4096, description });
const OptionalUrl = (description: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()], { description }));
const Local = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 32,
    description: `${description}, a local date and time in \`timeZone\` ("2026-12-24T09:00").`,
  });
const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  claimUrl: Url('Where a valid claim (and a contact who already claimed) goes.'),
  startsAt: Local('When claims open (inclusive)'),
  endsAt: Local('When claims close (exclusive)'),
  timeZone: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'An IANA time zone, such as "Europe/Paris".',
  }),
  claimLimit: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: 'Total claims; null or absent: no limit.',
    }),
  ),
  perContactLimit: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Claims one contact may take (default 1).' }),
  ),
  notStartedUrl: OptionalUrl("Where a follow before the start goes; null: Spoor's page."),
  endedUrl: OptionalUrl("Where a follow after the end goes; null: Spoor's page."),
  exhaustedUrl: OptionalUrl("Where a follow goes once every claim is taken; null: Spoor's page."),
  withdrawnUrl: OptionalUrl("Where a follow goes once the offer is withdrawn; null: Spoor's page."),
};
const OrNull = Type.Union([Type.String(), Type.Null()]);
const example = {
  id: '0fF3rIdXyZ12345678abcd',
  name: 'Winter sale: 20 % off',
  tag: '{{ offer "0fF3rIdXyZ12345678abcd" }}',
  claimUrl: 'https://shop.example/winter?code=WINTER20',
  notStartedUrl: null,
  endedUrl: 'https://shop.example/winter-is-over',
  exhaustedUrl: null,
  withdrawnUrl: null,
  timeZone: 'Europe/Paris',
  startsAt: '2026-12-01T09:00',
  endsAt: '2026-12-24T18:00',
  startsAtUtc: '2026-12-01T08:00:00.000Z',
  endsAtUtc: '2026-12-24T17:00:00.000Z',
  claimLimit: 500,
  perContactLimit: 1,
  claimed: 120,
  remaining: 380,
  state: 'valid',
  withdrawnAt: null,
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
};
const State = Type.Union(
  [
    Type.Literal('valid'),
    Type.Literal('not_started'),
    Type.Literal('ended'),
    Type.Literal('exhausted'),
    Type.Literal('withdrawn'),
  ],
  { description: 'The offer now.' },
);
const Offer = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    tag: Type.String({ description: 'The merge tag that puts this offer in a message.' }),
    claimUrl: Type.String(),
    notStartedUrl: OrNull,
    endedUrl: OrNull,
    exhaustedUrl: OrNull,
    withdrawnUrl: OrNull,
    timeZone: Type.String(),
    startsAt: Type.String({ description: 'As given, local to timeZone.' }),
    endsAt: Type.String({ description: 'As given, local to timeZone.' }),
    startsAtUtc: Type.String({ format: 'date-time' }),
    endsAtUtc: Type.String({ format: 'date-time' }),
    claimLimit: Type.Union([Type.Integer(), Type.Null()]),
    perContactLimit: Type.Integer(),
    claimed: Type.Integer(),
    remaining: Type.Union([Type.Integer(), Type.Null()], { description: 'null: no total limit.' }),
    state: State,
    withdrawnAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Offer', examples: [example] },
);
const Count = Type.Integer({ minimum: 0 });
const OfferInsights = Type.Object(
  {
    offerId: Type.String(),
    delivered: Type.Integer({
      minimum: 0,
      description: 'Contacts an email carrying the offer was delivered to.',
    }),
    uniqueClickers: Type.Integer({
      minimum: 0,
      description: 'Contacts who followed their link themselves (machines left out).',
    }),
    claimed: Type.Integer({ minimum: 0, description: 'Claims taken.' }),
    claimants: Type.Integer({ minimum: 0, description: 'Contacts holding a claim.' }),
    refused: Type.Object(Object.fromEntries(REFUSALS.map((reason) => [reason, Count])), {
      description: 'Follows that took no claim, by reason.',
    }),
    remaining: Type.Union([Type.Integer(), Type.Null()]),
    claimRate: Type.Union([Type.Number(), Type.Null()], {
      description: 'Claimants ÷ delivered; null before a delivery.',
    }),
  },
  { title: 'OfferInsights' },
);
const invalid = [422, 'A value that is not valid (`details.fields` names each, with why).'] as [
  number,
  string,
];

export function offerRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;

  app.post(
    '/api/offers',
    {
      schema: {
        operationId: 'createOffer',
        tags: ['offers'],
        summary: 'Define an offer.',
        description:
          'Put `tag` in a message (`<a href="{{ offer "ID" }}">`): each recipient gets their own link, which claims the offer for them while it is valid.',
        body: Type.Object(
          { ...fields },
          {
            examples: [
              {
                name: 'Winter sale: 20 % off',
                claimUrl: 'https://shop.example/winter?code=WINTER20',
                startsAt: '2026-12-01T09:00',
                endsAt: '2026-12-24T18:00',
                timeZone: 'Europe/Paris',
                claimLimit: 500,
              },
            ],
          },
        ),
        response: { 201: Offer, ...errors(invalid, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await createOffer(db, request.body as OfferInput)),
  );

  app.get(
    '/api/offers',
    {
      schema: {
        operationId: 'listOffers',
        tags: ['offers'],
        summary: 'The offers, newest first (at most 500).',
        description: 'Each with its state now, its claims and what is left.',
        response: { 200: Type.Object({ offers: Type.Array(Offer) }), ...errors(503) },
      },
    },
    async () => ({ offers: await listOffers(db) }),
  );

  app.get(
    '/api/offers/:id',
    {
      schema: {
        operationId: 'getOffer',
        tags: ['offers'],
        summary: 'One offer.',
        description: 'Its terms, its tag for messages, its state now and its claims.',
        params: IdParams,
        response: { 200: Offer, ...errors(404, 503) },
      },
    },
    async (request) => getOffer(db, request.params.id),
  );

  app.patch(
    '/api/offers/:id',
    {
      schema: {
        operationId: 'changeOffer',
        tags: ['offers'],
        summary: 'Change an offer.',
        description:
          'The fields given change (null clears an optional URL or the limit); the claims taken stay. A limit lowered under them leaves the offer exhausted.',
        params: IdParams,
        body: Type.Partial(Type.Object(fields), {
          examples: [{ claimLimit: 800, endedUrl: 'https://shop.example/winter-is-over' }],
        }),
        response: { 200: Offer, ...errors(404, invalid, 503) },
      },
    },
    async (request) => changeOffer(db, request.params.id, request.body as Partial<OfferInput>),
  );

  app.post(
    '/api/offers/:id/withdraw',
    {
      schema: {
        operationId: 'withdrawOffer',
        tags: ['offers'],
        summary: 'Withdraw an offer: from now its links claim nothing and lead to its withdrawn URL.',
        description: 'Idempotent: a second withdrawal keeps the first time.',
        params: IdParams,
        response: { 200: Offer, ...errors(404, 503) },
      },
    },
    async (request) => withdrawOffer(db, request.params.id),
  );

  app.get(
    '/api/offers/:id/insights',
    {
      schema: {
        operationId: 'getOfferInsights',
        tags: ['offers'],
        summary: 'Delivered, unique clickers, claimed, refused by reason, remaining and claim rate.',
        description:
          'Delivered: contacts an email carrying the offer was delivered to. Unique clickers: contacts who followed their link themselves. Claim rate: contacts holding a claim ÷ delivered (null before a delivery).',
        params: IdParams,
        response: { 200: OfferInsights, ...errors(404, 503) },
      },
    },
    async (request) => offerInsights(db, request.params.id),
  );
}
