// Admin API for a send's insights (mounted in the admin scope, src/access/admin-api.ts).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../api-contract.ts';
import type { Db } from '../../storage/schema.ts';
import { getSendInsights } from './insights.ts';

const Count = Type.Integer({ minimum: 0 });
const Tallies = Type.Object({ total: Count, unique: Count });
const Rate = Type.Union([Type.Number(), Type.Null()]);
const SendInsights = Type.Object(
  {
    sendId: Type.String(),
    message: Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
    subject: Type.String(),
    status: Type.String(),
    recipients: Count,
    duplicates: Count,
    blocked: Type.Object({ total: Count, byReason: Type.Record(Type.String(), Count) }),
    sent: Count,
    delivered: Count,
    bounces: Type.Object({ hard: Count, soft: Count }),
    unconfirmed: Count,
    opens: Type.Object({ human: Tallies, machine: Tallies }),
    clicks: Type.Object({ human: Tallies, scanner: Tallies }),
    rates: Type.Object({ openRate: Rate, clickThroughRate: Rate, clickToOpenRate: Rate }),
    unsubscribes: Count,
    links: Type.Array(
      Type.Object({ position: Type.Integer(), url: Type.String(), human: Tallies, scanner: Tallies }),
    ),
    honeypot: Type.Union([Type.Object({ position: Type.Integer(), scanner: Tallies }), Type.Null()], {
      description: "The hidden link no person sees: every hit on it is a scanner's.",
    }),
  },
  { title: 'SendInsights' },
);

export function insightsRoutes(scope: FastifyInstance, deps: { db: Db }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/sends/:id/insights',
    {
      schema: {
        operationId: 'getSendInsights',
        tags: ['email insights'],
        summary: 'Insights of a send: delivery, opens, clicks, rates, unsubscribes and clicks per link.',
        description:
          'Recipients, sent, blocked by reason, delivered, bounces, opens and clicks (human and machine apart), rates, unsubscribes and clicks per link. Read from counters kept up as events arrive.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: SendInsights, ...errors(404, 503) },
      },
    },
    async (request) => getSendInsights(deps.db, request.params.id),
  );
}
