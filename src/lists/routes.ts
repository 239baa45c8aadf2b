// Admin API for mailing lists: the lists, their members, and a contact's memberships.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, noContent } from '../api-contract.ts';
import type { Database, ListMemberStatus } from '../storage/schema.ts';
import {
  addMembers,
  changeList,
  contactMemberships,
  createList,
  deleteList,
  getList,
  type ListInput,
  listLists,
  listMembers,
  MAX_MEMBERS_PER_REQUEST,
  removeListMember,
} from './manage-lists.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const IdParams = Type.Object({ id: Id });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const Status = Type.Union([Type.Literal('subscribed'), Type.Literal('unsubscribed')]);
/** What the subscription center and double opt-in read of a list (each optional in a request). */
const PublicFields = {
  public: Type.Boolean({
    description: 'Shown on the subscription center, where contacts join and leave it themselves.',
  }),
  publicName: Type.Union([Type.String({ maxLength: 200 }), Type.Null()], {
    description: 'The name contacts see on the subscription center (null: the list name).',
  }),
  publicDescription: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
    description: 'What contacts read under it on the subscription center.',
  }),
  doubleOptIn: Type.Boolean({
    description: 'A form sign-up to the list waits until the person confirms by email (double opt-in).',
  }),
};
const OptionalPublicFields = {
  public: Type.Optional(PublicFields.public),
  publicName: Type.Optional(PublicFields.publicName),
  publicDescription: Type.Optional(PublicFields.publicDescription),
  doubleOptIn: Type.Optional(PublicFields.doubleOptIn),
};

const OrNull = Type.Union([Type.String(), Type.Null()]);
const MailingList = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: OrNull,
    members: Type.Object(
      { subscribed: Type.Integer(), unsubscribed: Type.Integer() },
      { description: 'Members by status; unsubscribed members stay so that no later send reaches them.' },
    ),
    ...PublicFields,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    title: 'MailingList',
    examples: [
      {
        id: 'l1StIdXyZ12345678abcde',
        name: 'Newsletter',
        description: null,
        members: { subscribed: 120, unsubscribed: 3 },
        public: true,
        publicName: 'Monthly news',
        publicDescription: 'What we made this month, once a month.',
        doubleOptIn: false,
        createdAt: '2026-05-01T09:30:00.000Z',
        updatedAt: '2026-05-01T09:30:00.000Z',
      },
    ],
  },
);
const Unsubscribed = {
  unsubscribedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  unsubscribedSendId: Type.Union([Type.String(), Type.Null()], {
    description: 'The send whose email led to the unsubscribe, when one did.',
  }),
};
const ListMember = Type.Object(
  {
    contactId: Type.String(),
    email: OrNull,
    firstName: OrNull,
    lastName: OrNull,
    status: Status,
    source: Type.String({ description: "How the contact came onto the list: 'api', 'form' or 'import'." }),
    addedAt: Type.String({ format: 'date-time' }),
    ...Unsubscribed,
    unsubscribedSendSubject: Type.Union([Type.String(), Type.Null()], {
      description: 'The subject of the email that led to the unsubscribe, as it was sent.',
    }),
  },
  { title: 'ListMember' },
);
const Membership = Type.Object(
  {
    listId: Type.String(),
    listName: Type.String(),
    status: Status,
    source: Type.String(),
    addedAt: Type.String({ format: 'date-time' }),
    ...Unsubscribed,
  },
  { title: 'Membership' },
);

export function listRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;

  app.post(
    '/api/lists',
    {
      schema: {
        operationId: 'createList',
        tags: ['lists'],
        summary: 'Create a mailing list.',
        description: 'A list starts empty; add members with addListMembers or through a form.',
        body: Type.Object(
          { name: Name, description: Type.Optional(Description), ...OptionalPublicFields },
          { examples: [{ name: 'Newsletter', description: 'Monthly news' }] },
        ),
        response: { 201: MailingList, ...errors([422, 'A blank name (`details.fields`).'], 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await createList(db, request.body as ListInput)),
  );

  app.get(
    '/api/lists',
    {
      schema: {
        operationId: 'listLists',
        tags: ['lists'],
        summary: 'All lists with member counts.',
        description: 'Oldest first.',
        response: { 200: Type.Object({ lists: Type.Array(MailingList) }), ...errors(503) },
      },
    },
    async () => ({ lists: await listLists(db) }),
  );

  app.get(
    '/api/lists/:id',
    {
      schema: {
        operationId: 'getList',
        tags: ['lists'],
        summary: 'One list with member counts.',
        description: 'A list by its id.',
        params: IdParams,
        response: { 200: MailingList, ...errors(404, 503) },
      },
    },
    async (request) => getList(db, request.params.id),
  );

  app.patch(
    '/api/lists/:id',
    {
      schema: {
        operationId: 'changeList',
        tags: ['lists'],
        summary:
          'Rename a list, change its description, or how contacts see and join it (null clears a text).',
        description: 'Fields left out keep their values.',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), description: Type.Optional(Description), ...OptionalPublicFields },
          { examples: [{ description: null }, { public: true, publicName: 'Monthly news' }] },
        ),
        response: { 200: MailingList, ...errors(404, [422, 'A blank name (`details.fields`).'], 503) },
      },
    },
    async (request) => changeList(db, request.params.id, request.body as Partial<ListInput>),
  );

  app.delete(
    '/api/lists/:id',
    {
      schema: {
        operationId: 'deleteList',
        tags: ['lists'],
        summary: 'Delete a list and its memberships.',
        description:
          'Finished and cancelled sends keep their recipients and insights. While a send naming the list is `queued`, `preparing`, `sending` or `paused`, the answer is 409 with `details.sends` (it still reads the list). Forms that add to the list stop doing so.',
        params: IdParams,
        response: {
          200: Type.Object(
            { deletedMemberships: Type.Integer() },
            { examples: [{ deletedMemberships: 123 }] },
          ),
          ...errors(404, 409, 503),
        },
      },
    },
    async (request) => deleteList(db, request.params.id),
  );

  app.post(
    '/api/lists/:id/members',
    {
      schema: {
        operationId: 'addListMembers',
        tags: ['lists'],
        summary: `Add up to ${MAX_MEMBERS_PER_REQUEST} contacts to a list.`,
        description:
          'Those who unsubscribed stay so unless `resubscribe` is true. Any id that is not a contact answers 422 with `details.unknownContactIds` and nothing is added.',
        params: IdParams,
        body: Type.Object(
          {
            contactIds: Type.Array(Id, { minItems: 1, maxItems: MAX_MEMBERS_PER_REQUEST }),
            resubscribe: Type.Optional(Type.Boolean()),
          },
          { examples: [{ contactIds: ['c0Nt4ctIdXyZ12345678ab'] }] },
        ),
        response: {
          200: Type.Object(
            {
              added: Type.Integer(),
              already: Type.Integer(),
              keptUnsubscribed: Type.Integer(),
              resubscribed: Type.Integer(),
            },
            { examples: [{ added: 1, already: 0, keptUnsubscribed: 0, resubscribed: 0 }] },
          ),
          ...errors(404, 422, 503),
        },
      },
    },
    async (request) => addMembers(db, request.params.id, request.body),
  );

  app.get(
    '/api/lists/:id/members',
    {
      schema: {
        operationId: 'listListMembers',
        tags: ['lists'],
        summary: 'Page through members (oldest membership first), optionally of one status.',
        description: 'Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.',
        params: IdParams,
        querystring: Type.Object({
          status: Type.Optional(Status),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({ members: Type.Array(ListMember), nextCursor: OrNull }),
          ...errors(404, 503),
        },
      },
    },
    async (request) =>
      listMembers(db, request.params.id, {
        status: request.query.status as ListMemberStatus | undefined,
        limit: request.query.limit ?? 100,
        cursor: request.query.cursor,
      }),
  );

  app.delete(
    '/api/lists/:id/members/:contactId',
    {
      schema: {
        operationId: 'removeListMember',
        tags: ['lists'],
        summary: 'Take a subscribed contact off a list.',
        description: 'A contact not on the list answers 404; an unsubscribed one stays recorded (409).',
        params: Type.Object({ id: Id, contactId: Id }),
        response: { 204: noContent('Taken off the list.'), ...errors(404, 409, 503) },
      },
    },
    async (request, reply) => {
      await removeListMember(db, request.params.id, request.params.contactId);
      return reply.code(204).send(undefined);
    },
  );

  app.get(
    '/api/contacts/:id/lists',
    {
      schema: {
        operationId: 'listContactLists',
        tags: ['lists'],
        summary: "A contact's lists and their status on each.",
        description: 'With the source of each membership and the send that led to an unsubscribe.',
        params: IdParams,
        response: { 200: Type.Object({ lists: Type.Array(Membership) }), ...errors(404, 503) },
      },
    },
    async (request) => ({ lists: await contactMemberships(db, request.params.id) }),
  );
}
