// Admin API for website reports.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { Database } from '../storage/schema.ts';
import { getWebsite } from '../websites/manage-websites.ts';
import { websiteReport } from './website-report.ts';

const ReportQuery = Type.Object({
  from: Type.String({ description: 'First day, YYYY-MM-DD (UTC)' }),
  to: Type.String({ description: 'Last day, YYYY-MM-DD (UTC), inclusive' }),
  bots: Type.Optional(Type.Union([Type.Literal('include'), Type.Literal('exclude')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })),
});

const Count = Type.Integer({ minimum: 0 });
const Nullable = Type.Union([Type.String(), Type.Null()]);
const Report = Type.Object(
  {
    websiteId: Type.String(),
    from: Type.String(),
    to: Type.String(),
    timezone: Type.String({ description: 'Always UTC.' }),
    includesBots: Type.Boolean(),
    pageviews: Count,
    anonymousPageviews: Type.Integer({ description: 'Recorded without identifiers (no consent, or GPC).' }),
    visits: Count,
    uniqueVisitors: Count,
    identifiedVisitors: Count,
    anonymousVisitors: Count,
    uniqueVisitorsMethod: Type.Union([Type.Literal('exact'), Type.Literal('estimate')]),
    bounceRate: Type.Number({ minimum: 0, maximum: 1 }),
    averageEngagedSeconds: Type.Number(),
    topPages: Type.Array(
      Type.Object({
        path: Type.String(),
        pageviews: Count,
        engagedSeconds: Type.Number(),
        averageEngagedSeconds: Type.Number(),
      }),
    ),
    referrers: Type.Array(Type.Object({ host: Type.String(), visits: Count })),
    campaigns: Type.Array(
      Type.Object({ source: Nullable, medium: Nullable, campaign: Nullable, visits: Count }),
    ),
  },
  {
    title: 'Report',
    examples: [
      {
        websiteId: 'k3Jd9QeR1vX2bN7mT0aZpw',
        from: '2026-05-01',
        to: '2026-05-31',
        timezone: 'UTC',
        includesBots: false,
        pageviews: 5,
        anonymousPageviews: 1,
        visits: 3,
        uniqueVisitors: 3,
        identifiedVisitors: 1,
        anonymousVisitors: 2,
        uniqueVisitorsMethod: 'exact',
        bounceRate: 0.6667,
        averageEngagedSeconds: 12.4,
        topPages: [{ path: '/pricing', pageviews: 3, engagedSeconds: 40.1, averageEngagedSeconds: 13.4 }],
        referrers: [{ host: 'google.com', visits: 1 }],
        campaigns: [{ source: 'news', medium: 'email', campaign: 'spring', visits: 1 }],
      },
    ],
  },
);

export function reportRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/websites/:id/report',
    {
      schema: {
        operationId: 'getWebsiteReport',
        tags: ['reports'],
        summary:
          'Visits, page views, visitors, bounce rate, engaged time, top pages, referrers and campaigns.',
        description:
          'Days are UTC and both ends are included; a range is at most 731 days (400 beyond). Bots are left out unless `bots=include`. docs/api.md explains each figure.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: ReportQuery,
        response: { 200: Report, ...errors(404, 503) },
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
