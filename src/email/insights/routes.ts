// Admin API for a send's insights (mounted in the admin scope, src/access/admin-api.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../storage/schema.ts';
import { getSendInsights } from './insights.ts';

export function insightsRoutes(app: FastifyInstance, deps: { db: Db }): void {
  app.get<{ Params: { id: string } }>(
    '/api/sends/:id/insights',
    {
      schema: {
        tags: ['email'],
        summary:
          'Insights of a send: recipients, sent, blocked by reason, delivered, bounces, opens and clicks ' +
          '(human and machine apart), rates, unsubscribes and clicks per link. Read from counters kept up as events arrive.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
      },
    },
    async (request) => getSendInsights(deps.db, request.params.id),
  );
}
