// Admin API for a contact's history (mounted in the admin scope: src/access/admin-api.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { Database } from '../storage/schema.ts';
import { getContactHistory } from './contact-history.ts';

export function historyRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; feed: InteractionRegistry },
) {
  const { db, feed } = deps;

  app.get<{ Params: { id: string }; Querystring: { limit?: number; cursor?: string } }>(
    '/api/contacts/:id/history',
    {
      schema: {
        tags: ['contacts'],
        summary:
          "A contact's interactions, newest first: visits with their page views, form submissions. " +
          'A merged-away id answers 404 naming the surviving contact.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
        }),
      },
    },
    async (request) =>
      getContactHistory(db, feed, request.params.id, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );
}
