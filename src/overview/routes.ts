// Admin API for the dashboard's overview (admin area `tracking`, reads).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { Database } from '../storage/schema.ts';
import { getWebsite } from '../websites/manage-websites.ts';
import { overview, realtime } from './overview.ts';

const Day = (description: string) => Type.String({ description, maxLength: 10 });
const Count = Type.Integer({ minimum: 0 });

const PeriodFigures = Type.Object({
  from: Type.String(),
  to: Type.String(),
  visits: Count,
  pageviews: Count,
  uniqueVisitors: Count,
  identifiedVisitors: Count,
  anonymousVisitors: Count,
  uniqueVisitorsMethod: Type.Union([Type.Literal('exact'), Type.Literal('estimate')]),
  newContacts: Count,
  formSubmissions: Count,
  sends: Type.Integer({
    minimum: 0,
    description: 'Sends created in the period; the email figures are theirs.',
  }),
  emailsDelivered: Count,
  uniqueHumanOpens: Count,
  uniqueHumanClicks: Count,
  unsubscribes: Count,
  series: Type.Array(Type.Object({ day: Type.String(), visits: Count, pageviews: Count })),
});

const examplePeriod = (from: string, to: string, scale: number) => ({
  from,
  to,
  visits: 120 * scale,
  pageviews: 310 * scale,
  uniqueVisitors: 90 * scale,
  identifiedVisitors: 12 * scale,
  anonymousVisitors: 78 * scale,
  uniqueVisitorsMethod: 'exact',
  newContacts: 7 * scale,
  formSubmissions: 9 * scale,
  sends: 1,
  emailsDelivered: 950 * scale,
  uniqueHumanOpens: 310 * scale,
  uniqueHumanClicks: 42 * scale,
  unsubscribes: 3 * scale,
  series: [{ day: from, visits: 120 * scale, pageviews: 310 * scale }],
});

const Overview = Type.Object(
  {
    timezone: Type.String({ description: 'Always UTC.' }),
    dataAsOf: Type.String({ format: 'date-time' }),
    current: PeriodFigures,
    previous: PeriodFigures,
  },
  {
    title: 'Overview',
    examples: [
      {
        timezone: 'UTC',
        dataAsOf: '2026-05-02T10:15:00.000Z',
        current: examplePeriod('2026-05-02', '2026-05-02', 2),
        previous: examplePeriod('2026-05-01', '2026-05-01', 1),
      },
    ],
  },
);

const Realtime = Type.Object(
  {
    windowMinutes: Type.Integer(),
    since: Type.String({ format: 'date-time' }),
    asOf: Type.String({ format: 'date-time' }),
    visitors: Type.Integer({ minimum: 0, description: 'Distinct browsers with a page view in the window.' }),
    pageviews: Count,
    anonymousPageviews: Type.Integer({
      minimum: 0,
      description: 'Page views in the window recorded without a visitor (no consent): not in `visitors`.',
    }),
  },
  {
    title: 'Realtime',
    examples: [
      {
        windowMinutes: 5,
        since: '2026-05-02T10:10:00.000Z',
        asOf: '2026-05-02T10:15:00.000Z',
        visitors: 4,
        pageviews: 9,
        anonymousPageviews: 1,
      },
    ],
  },
);

/** `reads`: the overview's and realtime's queries (storage.reads: off the event loop on SQLite); `db`: the website lookup. */
export function overviewRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; reads: Kysely<Database> },
) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/overview',
    {
      schema: {
        operationId: 'getOverview',
        tags: ['reports'],
        summary:
          "Every website's traffic and visitors, new contacts, submissions and email, against the period before.",
        description:
          'For the UTC days `from`..`to` (both included, at most 731) and the period of the same length just before: visits and page views per day, unique visitors (identified and anonymous), contacts created, form submissions received, and the figures of the sends created in the period (delivered = sent − bounces; unique human opens and clicks; unsubscribes). Bots are left out.',
        querystring: Type.Object({
          from: Day('First day, YYYY-MM-DD (UTC)'),
          to: Day('Last day, YYYY-MM-DD (UTC), inclusive'),
        }),
        response: { 200: Overview, ...errors(503) },
      },
    },
    async (request) => overview(deps.reads, request.query.from, request.query.to),
  );

  app.get(
    '/api/overview/realtime',
    {
      schema: {
        operationId: 'getRealtimeVisitors',
        tags: ['reports'],
        summary: 'Visitors in the last 5 minutes, on every website or on one.',
        description:
          'Distinct browsers whose page views arrived in the last 5 minutes (bots left out), read by index from the page views of that window only.',
        querystring: Type.Object({
          websiteId: Type.Optional(
            Type.String({ maxLength: 64, description: 'One website; all when absent.' }),
          ),
        }),
        response: { 200: Realtime, ...errors(404, 503) },
      },
    },
    async (request) => {
      const { websiteId } = request.query;
      if (websiteId !== undefined) await getWebsite(deps.db, websiteId);
      return realtime(deps.reads, websiteId);
    },
  );
}
