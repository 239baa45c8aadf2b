// Admin API for users (administration area): list, create, change role, name and status.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../../api-contract.ts';
import type { Database } from '../../storage/schema.ts';
import { ROLES } from '../scopes.ts';
import { changeUser, createUser, listUsers, type User } from './manage-users.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.ts';

export const RoleSchema = Type.Union(
  [Type.Literal(ROLES[0]), Type.Literal(ROLES[1]), Type.Literal(ROLES[2])],
  {
    description: 'administrator: everything; marketer: everything but administration; analyst: reads only.',
  },
);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    title: 'User',
    examples: [
      {
        id: 'u3Jd9QeR1vX2bN7mT0aZpw',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'marketer',
        status: 'active',
        createdAt: '2026-05-01T09:30:00.000Z',
        updatedAt: '2026-05-01T09:30:00.000Z',
      },
    ],
  },
);

export function userView(user: User) {
  return {
    ...user,
    createdAt: new Date(user.createdAt).toISOString(),
    updatedAt: new Date(user.updatedAt).toISOString(),
  };
}

const NewUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    role: RoleSchema,
    password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }),
  },
  {
    examples: [
      { email: 'ada@example.com', name: 'Ada', role: 'marketer', password: 'correct horse battery' },
    ],
  },
);

const UserChangesBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(
      Type.Boolean({ description: 'true disables the user and ends their sessions at once, on every node.' }),
    ),
  },
  { examples: [{ role: 'analyst' }, { disabled: true }] },
);

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function userRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;

  app.get(
    '/api/users',
    {
      schema: {
        operationId: 'listUsers',
        tags: ['accounts'],
        summary: 'Every user, oldest first.',
        description:
          'The people who can sign in to the dashboard, with their roles and whether they are disabled.',
        response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...errors(503) },
      },
    },
    async () => ({ users: (await listUsers(db)).map(userView) }),
  );

  app.post(
    '/api/users',
    {
      schema: {
        operationId: 'createUser',
        tags: ['accounts'],
        summary: 'Create a user with a password.',
        description:
          'For scripted set-ups; inviting by email (POST /api/invitations) lets the person choose their own password. The email is unique in any letter case.',
        body: NewUserBody,
        response: { 201: UserSchema, ...errors(409, 422, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(userView(await createUser(db, request.body))),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        operationId: 'changeUser',
        tags: ['accounts'],
        summary: "Change a user's name or role, or disable or enable them.",
        description:
          'Disabling ends every session of the user at once. The last active administrator cannot be disabled or demoted (409).',
        params: IdParams,
        body: UserChangesBody,
        response: { 200: UserSchema, ...errors(404, 409, 503) },
      },
    },
    async (request) => userView(await changeUser(db, request.params.id, request.body)),
  );
}
