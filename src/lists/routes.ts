// Admin API for mailing lists: the lists, their members, and a contact's memberships.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
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

export function listRoutes(app: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const { db } = deps;

  app.post<{ Body: ListInput }>(
    '/api/lists',
    {
      schema: {
        tags: ['lists'],
        summary: 'Create a mailing list.',
        body: Type.Object({ name: Name, description: Type.Optional(Description) }),
      },
    },
    async (request, reply) => reply.code(201).send(await createList(db, request.body)),
  );

  app.get(
    '/api/lists',
    { schema: { tags: ['lists'], summary: 'All lists with member counts.' } },
    async () => ({ lists: await listLists(db) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/lists/:id',
    { schema: { tags: ['lists'], summary: 'One list with member counts.', params: IdParams } },
    async (request) => getList(db, request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: Partial<ListInput> }>(
    '/api/lists/:id',
    {
      schema: {
        tags: ['lists'],
        summary: 'Rename a list or change its description (null clears it).',
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description) }),
      },
    },
    async (request) => changeList(db, request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/lists/:id',
    {
      schema: {
        tags: ['lists'],
        summary:
          'Delete a list and its memberships (sends already prepared keep their recipients and insights).',
        params: IdParams,
      },
    },
    async (request) => deleteList(db, request.params.id),
  );

  app.post<{ Params: { id: string }; Body: { contactIds: string[]; resubscribe?: boolean } }>(
    '/api/lists/:id/members',
    {
      schema: {
        tags: ['lists'],
        summary: `Add up to ${MAX_MEMBERS_PER_REQUEST} contacts; those who unsubscribed stay so unless resubscribe is true.`,
        params: IdParams,
        body: Type.Object({
          contactIds: Type.Array(Id, { minItems: 1, maxItems: MAX_MEMBERS_PER_REQUEST }),
          resubscribe: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request) => addMembers(db, request.params.id, request.body),
  );

  app.get<{
    Params: { id: string };
    Querystring: { status?: ListMemberStatus; limit?: number; cursor?: string };
  }>(
    '/api/lists/:id/members',
    {
      schema: {
        tags: ['lists'],
        summary: 'Page through members (oldest membership first), optionally of one status.',
        params: IdParams,
        querystring: Type.Object({
          status: Type.Optional(Status),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    async (request) =>
      listMembers(db, request.params.id, {
        status: request.query.status,
        limit: request.query.limit ?? 100,
        cursor: request.query.cursor,
      }),
  );

  app.delete<{ Params: { id: string; contactId: string } }>(
    '/api/lists/:id/members/:contactId',
    {
      schema: {
        tags: ['lists'],
        summary: 'Take a subscribed contact off a list (an unsubscribed one stays recorded: 409).',
        params: Type.Object({ id: Id, contactId: Id }),
      },
    },
    async (request, reply) => {
      await removeListMember(db, request.params.id, request.params.contactId);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/contacts/:id/lists',
    { schema: { tags: ['lists'], summary: "A contact's lists and their status on each.", params: IdParams } },
    async (request) => ({ lists: await contactMemberships(db, request.params.id) }),
  );
}
