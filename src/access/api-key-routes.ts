// Admin API for API keys (administration area): list, create (the secret is shown once), revoke.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import { AppError } from '../lib/errors.ts';
import type { Database } from '../storage/schema.ts';
import { type ApiKeySummary, createApiKeyWithId, listApiKeys, revokeApiKey } from './api-keys.ts';
import { SCOPES } from './scopes.ts';

const ScopeSchema = Type.Union(
  SCOPES.map((scope) => Type.Literal(scope)) as [ReturnType<typeof Type.Literal>],
  {
    description:
      'read-only: reads everything but administration; tracking, email: that area and contacts; full: everything.',
  },
);

const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    scopes: Type.Array(ScopeSchema),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'ApiKey' },
);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const keyView = (key: ApiKeySummary) => ({
  ...key,
  createdAt: new Date(key.createdAt).toISOString(),
  lastUsedAt: iso(key.lastUsedAt),
  revokedAt: iso(key.revokedAt),
});

export function apiKeyRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;

  app.get(
    '/api/api-keys',
    {
      schema: {
        operationId: 'listApiKeys',
        tags: ['accounts'],
        summary: 'Every API key (never its secret), revoked ones too.',
        description:
          'Keys with their scopes, when each was last used (to the minute) and whether it is revoked.',
        response: { 200: Type.Object({ apiKeys: Type.Array(ApiKeySchema) }), ...errors(503) },
      },
    },
    async () => ({ apiKeys: (await listApiKeys(db)).map(keyView) }),
  );

  app.post(
    '/api/api-keys',
    {
      schema: {
        operationId: 'createApiKey',
        tags: ['accounts'],
        summary: 'Create an API key; its secret is in this answer only.',
        description: 'Only the SHA-256 of the secret is kept: copy `key` now. Scopes default to full.',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            scopes: Type.Optional(Type.Array(ScopeSchema, { minItems: 1, maxItems: 4, uniqueItems: true })),
          },
          { examples: [{ name: 'CRM sync', scopes: ['read-only'] }] },
        ),
        response: {
          201: Type.Object({
            id: Type.String(),
            name: Type.String(),
            scopes: Type.Array(ScopeSchema),
            key: Type.String({ description: 'The secret (spk_…), shown once.' }),
          }),
          ...errors(503),
        },
      },
    },
    async (request, reply) => {
      const scopes = (request.body.scopes ?? ['full']) as (typeof SCOPES)[number][];
      const { id, secret } = await createApiKeyWithId(db, request.body.name, scopes);
      return reply.code(201).send({ id, name: request.body.name, scopes, key: secret });
    },
  );

  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        operationId: 'revokeApiKey',
        tags: ['accounts'],
        summary: 'Revoke an API key (refused at once on every node).',
        description: 'The key stays listed, with its revocation time.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: ApiKeySchema, ...errors(404, 409, 503) },
      },
    },
    async (request) => {
      // By id only (the CLI also takes a name): a path segment is never read as a key's name.
      const { id } = request.params;
      if (!(await listApiKeys(db)).some((key) => key.id === id))
        throw new AppError('not_found', `No API key has the id ${id}.`);
      return keyView(await revokeApiKey(db, id));
    },
  );
}
