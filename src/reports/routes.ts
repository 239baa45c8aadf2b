// Admin API for website reports.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { getWebsite } from '../websites/manage-websites.ts';
import { websiteReport } from './website-report.ts';

const ReportQuery = Type.Object({
  from: Type.String({ description: 'First day, YYYY-MM-DD (UTC)' }),
  to: Type.String({ description: 'Last day, YYYY-MM-DD (UTC), inclusive' }),
  bots: Type.Optional(Type.Union([Type.Literal('include'), Type.Literal('exclude')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })),
});

export function reportRoutes(app: FastifyInstance, deps: { db: Kysely<Database> }) {
  app.get<{
    Params: { id: string };
    Querystring: { from: string; to: string; bots?: string; limit?: number };
  }>(
    '/api/websites/:id/report',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Visits, page views, visitors, bounce rate, engaged time, top pages, referrers and campaigns.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: ReportQuery,
      },
    },
    async (request) => {
      const website = await getWebsite(deps.db, request.params.id);
      const { from, to, bots, limit } = request.query;
      return websiteReport(deps.db, {
        websiteId: website.id,
        from,
        to,
        includeBots: bots === 'include',
        limit: limit ?? 10,
      });
    },
  );
}
