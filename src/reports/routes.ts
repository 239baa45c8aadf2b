// Admin API for website reports (admin area `tracking`, reads).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { Database } from '../storage/schema.ts';
import { getWebsite } from '../websites/manage-websites.ts';
import { parseReportFilter } from './report-filter.ts';
import { websiteReport } from './website-report.ts';

const Day = (description: string) => Type.String({ description, maxLength: 10 });
const FilterText = (description: string) => Type.String({ maxLength: 2048, description });
const ReportQuery = Type.Object({
  from: Day('First day, YYYY-MM-DD (UTC)'),
  to: Day('Last day, YYYY-MM-DD (UTC), inclusive'),
  bots: Type.Optional(Type.Union([Type.Literal('include'), Type.Literal('exclude')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })),
  page: Type.Optional(FilterText('Filter by a page path: its page views and engaged time.')),
  entry: Type.Optional(FilterText('Filter by the page visits started on.')),
  referrer: Type.Optional(FilterText('Filter by the referrer host visits came from.')),
  utmSource: Type.Optional(FilterText('Filter by a campaign (with utmMedium, utmCampaign; absent = empty).')),
  utmMedium: Type.Optional(FilterText("A campaign filter's medium.")),
  utmCampaign: Type.Optional(FilterText("A campaign filter's name.")),
});

const Count = Type.Integer({ minimum: 0 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = Nullable(Type.String());
const Rate = Type.Number({ minimum: 0, maximum: 1 });
const VisitFigures = {
  visits: Count,
  bounceRate: Rate,
  pageviews: Count,
  averageEngagedSeconds: Type.Number({ description: 'Engaged time per page view of these visits.' }),
};
const Filter = Type.Union([
  Type.Object({ kind: Type.Union([Type.Literal('page'), Type.Literal('entry')]), path: Type.String() }),
  Type.Object({ kind: Type.Literal('referrer'), host: Type.String() }),
  Type.Object({
    kind: Type.Literal('campaign'),
    source: Type.String(),
    medium: Type.String(),
    campaign: Type.String(),
  }),
]);
const Section = Type.Union([
  Type.Literal('topPages'),
  Type.Literal('entryPages'),
  Type.Literal('referrers'),
  Type.Literal('campaigns'),
]);

const Report = Type.Object(
  {
    websiteId: Type.String(),
    from: Type.String(),
    to: Type.String(),
    timezone: Type.String({ description: 'Always UTC.' }),
    includesBots: Type.Boolean(),
    filter: Nullable(Filter),
    dataAsOf: Type.String({
      format: 'date-time',
      description: 'When the figures were read; rollups are written with each stored event batch.',
    }),
    pageviews: Count,
    anonymousPageviews: Nullable(
      Type.Integer({
        description: 'Recorded without identifiers (no consent, or GPC). Null under a filter.',
      }),
    ),
    visits: Nullable(Count),
    uniqueVisitors: Nullable(Count),
    identifiedVisitors: Nullable(Count),
    anonymousVisitors: Nullable(Count),
    uniqueVisitorsMethod: Type.Union([
      Type.Literal('exact'),
      Type.Literal('estimate'),
      Type.Literal('unavailable'),
    ]),
    bounceRate: Nullable(Rate),
    averageEngagedSeconds: Type.Number(),
    series: Type.Array(
      Type.Object({
        day: Type.String(),
        pageviews: Count,
        visits: Nullable(Count),
        uniqueVisitors: Nullable(Count),
        bounceRate: Nullable(Rate),
        averageEngagedSeconds: Type.Number(),
      }),
      { description: 'One entry per day of the range, days without traffic included.' },
    ),
    topPages: Type.Array(
      Type.Object({
        path: Type.String(),
        pageviews: Count,
        engagedSeconds: Type.Number(),
        averageEngagedSeconds: Type.Number(),
      }),
    ),
    entryPages: Type.Array(Type.Object({ path: Type.String(), ...VisitFigures })),
    referrers: Type.Array(Type.Object({ host: Type.String(), ...VisitFigures })),
    campaigns: Type.Array(Type.Object({ source: Text, medium: Text, campaign: Text, ...VisitFigures })),
    notNarrowed: Type.Array(Section, {
      description: 'Under a filter: the tables that cannot be narrowed by it, left empty (docs/api.md).',
    }),
  },
  {
    title: 'Report',
    examples: [
      {
        websiteId: 'k3Jd9QeR1vX2bN7mT0aZpw',
        from: '2026-05-01',
        to: '2026-05-02',
        timezone: 'UTC',
        includesBots: false,
        filter: null,
        dataAsOf: '2026-05-02T10:15:00.000Z',
        pageviews: 5,
        anonymousPageviews: 1,
        visits: 3,
        uniqueVisitors: 3,
        identifiedVisitors: 1,
        anonymousVisitors: 2,
        uniqueVisitorsMethod: 'exact',
        bounceRate: 0.6667,
        averageEngagedSeconds: 12.4,
        series: [
          {
            day: '2026-05-01',
            pageviews: 2,
            visits: 1,
            uniqueVisitors: 1,
            bounceRate: 0,
            averageEngagedSeconds: 20,
          },
          {
            day: '2026-05-02',
            pageviews: 3,
            visits: 2,
            uniqueVisitors: 2,
            bounceRate: 1,
            averageEngagedSeconds: 7.3,
          },
        ],
        topPages: [{ path: '/pricing', pageviews: 3, engagedSeconds: 40.1, averageEngagedSeconds: 13.4 }],
        entryPages: [{ path: '/', visits: 3, bounceRate: 0.6667, pageviews: 4, averageEngagedSeconds: 10 }],
        referrers: [
          { host: 'google.com', visits: 1, bounceRate: 0, pageviews: 2, averageEngagedSeconds: 20 },
        ],
        campaigns: [
          {
            source: 'news',
            medium: 'email',
            campaign: 'spring',
            visits: 1,
            bounceRate: 1,
            pageviews: 1,
            averageEngagedSeconds: 3,
          },
        ],
        notNarrowed: [],
      },
    ],
  },
);

/** `reads`: the report's queries (storage.reads: off the event loop on SQLite); `db`: the website lookup. */
export function reportRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; reads: Kysely<Database> },
) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/websites/:id/report',
    {
      schema: {
        operationId: 'getWebsiteReport',
        tags: ['reports'],
        summary:
          'Visits, page views, visitors, bounce rate, engaged time per day and in total; top pages, entry pages, referrers and campaigns.',
        description:
          'Days are UTC and both ends are included; a range is at most 731 days (400 beyond). Bots are left out unless `bots=include`. One of `page`, `entry`, `referrer` or a campaign (`utmSource`, `utmMedium`, `utmCampaign`) filters the report by that row (400 for two). docs/api.md explains each figure.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: ReportQuery,
        response: { 200: Report, ...errors(404, 503) },
      },
    },
    async (request) => {
      const website = await getWebsite(deps.db, request.params.id);
      const { from, to, bots, limit } = request.query;
      return websiteReport(deps.reads, {
        websiteId: website.id,
        from,
        to,
        includeBots: bots === 'include',
        limit: limit ?? 10,
        filter: parseReportFilter(request.query),
      });
    },
  );
}
