// Admin API for the global interaction feed: every contact's interactions after a cursor, in commit order
// (mounted in the admin scope, contacts area: src/app.ts). Webhooks, scoring and the dashboard read the same.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../../api-contract.ts';
import type { Database } from '../../storage/schema.ts';
import { interactionsAfter } from './read-feed.ts';
import type { InteractionRegistry } from './registry.ts';

const Subject = Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) });

const InteractionSchema = Type.Object(
  {
    id: Type.String(),
    source: Type.String(),
    kind: Type.String({
      description: 'visit, form_submission, email_open, email_click, email_unsubscribe, …',
    }),
    contactId: Type.String(),
    occurredAt: Type.String({ format: 'date-time' }),
    subjects: Type.Record(Type.String(), Subject, {
      description: 'What it was about: website, form, send, message, link (id = position), …',
    }),
    machine: Type.Union([Type.String(), Type.Null()], {
      description: "A machine's label (mail privacy proxy, link scanner, bot); null for a person.",
    }),
    attributes: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'Interaction' },
);

export function interactionRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; feed: InteractionRegistry },
) {
  const { db, feed } = deps;

  app.get<{ Querystring: { after?: string; limit?: number } }>(
    '/api/interactions',
    {
      schema: {
        operationId: 'listInteractions',
        tags: ['contacts'],
        summary: "Every contact's interactions after a cursor, in the order they were recorded.",
        description:
          'Pass `nextCursor` back as `after` to read on: no item is skipped or repeated, also while new ones arrive. A cursor this API did not give answers 400.',
        querystring: Type.Object({
          after: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: {
          200: Type.Object(
            {
              items: Type.Array(InteractionSchema),
              nextCursor: Type.String(),
              more: Type.Boolean({ description: 'More items are there now: read on without waiting.' }),
            },
            { title: 'InteractionPage' },
          ),
          ...errors(503),
        },
      },
    },
    async (request) =>
      interactionsAfter(db, feed.all(), { limit: request.query.limit ?? 100, after: request.query.after }),
  );
}
