// Admin API for a send's insights (mounted in the admin scope, src/access/admin-api.ts).

import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors, media } from '../../api-contract.ts';
import type { BlockReason, Db } from '../../storage/schema.ts';
import { getDomainResults } from './domain-results.ts';
import { CSV_COLUMNS, figureContactsCsv, listFigureContacts } from './figure-contacts.ts';
import { type Audience, CONTACT_FIGURES, type ContactFigure } from './figure-labels.ts';
import { getSendInsights } from './insights.ts';
import { getOutcomeBreakdown } from './outcome-breakdown.ts';

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
    bounces: Type.Object({
      hard: Count,
      soft: Count,
      late: Type.Integer({
        minimum: 0,
        description: 'Of these, reported after the SMTP server accepted the email (DSN, webhook).',
      }),
    }),
    complaints: Type.Integer({
      minimum: 0,
      description: 'Recipients who marked the email as spam (ARF reports).',
    }),
    autoReplies: Type.Integer({
      minimum: 0,
      description: 'Auto-replies and challenges: counted apart, never bounces.',
    }),
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
    timeline: Type.Array(
      Type.Object({
        hour: Type.String({ format: 'date-time', description: 'The hour (UTC) the counts are for.' }),
        opens: Type.Object({ human: Count, machine: Count }),
        clicks: Type.Object({ human: Count, machine: Count }),
      }),
      { description: 'Total opens and clicks per hour with activity, oldest first.' },
    ),
    forwards: Type.Object(
      {
        forwards: Type.Integer({
          minimum: 0,
          description: 'Addresses entered in the forward form, each logged as a forward.',
        }),
        forwarders: Type.Integer({ minimum: 0, description: 'Recipients who forwarded the email.' }),
        copies: Type.Object({
          sent: Count,
          blocked: Type.Integer({
            minimum: 0,
            description: 'Not sent: suppressed, or the address’s contact unsubscribed.',
          }),
          limited: Type.Integer({
            minimum: 0,
            description: 'Not sent: the address had its copies for the day.',
          }),
          failed: Count,
          pending: Count,
        }),
        opens: Type.Object({ human: Tallies, machine: Tallies }),
        clicks: Type.Object({ human: Tallies, scanner: Tallies }),
      },
      {
        description:
          'Forward to a friend: unique figures count copies (a copy opened twice by a person is one unique human open). Attributed to the send and the forwarder, never to a contact.',
      },
    ),
    asOf: Type.String({ format: 'date-time', description: 'When the counters were read.' }),
  },
  { title: 'SendInsights' },
);

const OrCount = Type.Union([Count, Type.Null()]);
const domainFields = {
  domain: Type.String(),
  recipients: Type.Integer({ minimum: 0, description: 'Contacts at the domain, each once.' }),
  blocked: Count,
  sent: Count,
  delivered: Count,
  hardBounces: Count,
  softBounces: Count,
  uniqueHumanOpens: Type.Union([Count, Type.Null()], {
    description: 'null when this send was not counted per domain.',
  }),
  uniqueHumanClicks: OrCount,
  openRate: Rate,
  clickThroughRate: Rate,
};
const domainExample = {
  domain: 'mail.example',
  recipients: 120,
  blocked: 2,
  sent: 118,
  delivered: 116,
  hardBounces: 1,
  softBounces: 1,
  uniqueHumanOpens: 58,
  uniqueHumanClicks: 12,
  openRate: 0.5,
  clickThroughRate: 0.1034,
};
const DomainResults = Type.Object(
  {
    domains: Type.Array(Type.Object(domainFields)),
    others: Type.Union([Type.Object({ ...domainFields, count: Count }), Type.Null()], {
      description: 'Every domain past `limit`, summed; `count` says how many.',
    }),
    asOf: Type.String({ format: 'date-time' }),
  },
  {
    title: 'SendDomainResults',
    examples: [{ domains: [domainExample], others: null, asOf: '2026-05-02T10:00:00.000Z' }],
  },
);

const BlockReasonParam = Type.Union([
  Type.Literal('unsubscribed'),
  Type.Literal('do_not_email'),
  Type.Literal('no_address'),
  Type.Literal('hard_bounced'),
]);
const figureQuery = {
  figure: Type.Union(
    CONTACT_FIGURES.map((figure) => Type.Literal(figure)),
    { description: 'Which figure of the insights to list the contacts of.' },
  ),
  audience: Type.Optional(
    Type.Union([Type.Literal('human'), Type.Literal('machine')], {
      description: 'With "opened" or "clicked": people (default) or machines (proxies, scanners).',
    }),
  ),
  link: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10_000, description: 'With "clicked": one link by position.' }),
  ),
  reason: Type.Optional(BlockReasonParam),
  domain: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 253,
      description: 'With a delivery figure: recipients at one domain.',
    }),
  ),
};
const FigureContacts = Type.Object(
  {
    figure: Type.String(),
    label: Type.String({ description: 'The figure as the insights name it (the same words everywhere).' }),
    contacts: Type.Array(
      Type.Object({
        contactId: Type.String(),
        email: Type.Union([Type.String(), Type.Null()]),
        status: Type.String(),
        blockReason: Type.Union([Type.String(), Type.Null()]),
        sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      }),
    ),
    unnamed: Type.Integer({
      minimum: 0,
      description:
        'Recipients on this page counted in the figure but named by no event: they did not allow tracking (or were erased).',
    }),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  {
    title: 'FigureContacts',
    examples: [
      {
        figure: 'opened',
        label: 'Unique human opens',
        contacts: [
          {
            contactId: 'c0Nt4ctIdXyZ12345678ab',
            email: 'ada@mail.example',
            status: 'sent',
            blockReason: null,
            sentAt: '2026-05-01T09:31:00.000Z',
          },
        ],
        unnamed: 1,
        nextCursor: null,
      },
    ],
  },
);
type FigureParams = {
  figure: ContactFigure;
  audience?: Audience;
  link?: number;
  reason?: BlockReason;
  domain?: string;
};

const SendOutcomes = Type.Object(
  {
    outcomes: Type.Array(
      Type.Object({
        kind: Type.String({ description: 'hard_bounce, soft_bounce, blocked, complaint or auto_reply.' }),
        category: Type.String({
          description: "D365's bounce category, auto-reply, challenge-response or complaint.",
        }),
        count: Count,
        late: Type.Integer({
          minimum: 0,
          description: 'Of these, reported after the SMTP server accepted the email.',
        }),
      }),
    ),
    unsubscribes: Type.Array(
      Type.Object({
        source: Type.String({ description: 'unsubscribe_link, subscription_center, …' }),
        count: Type.Integer({ minimum: 0, description: 'People, each once per source.' }),
      }),
    ),
  },
  {
    title: 'SendOutcomes',
    examples: [
      {
        outcomes: [{ kind: 'hard_bounce', category: 'invalid-mailbox', count: 12, late: 9 }],
        unsubscribes: [{ source: 'unsubscribe_link', count: 4 }],
      },
    ],
  },
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

  app.get(
    '/api/sends/:id/outcomes',
    {
      schema: {
        operationId: 'getSendOutcomes',
        tags: ['email insights'],
        summary: "What a send's bounces, complaints, auto-replies and unsubscribes are made of.",
        description:
          "Outcomes by kind (`hard_bounce`, `soft_bounce`, `blocked`, `complaint`, `auto_reply`) and category (D365's bounce categories), with how many arrived after the SMTP server accepted the email (`late`); the people who unsubscribed by source (`unsubscribe_link`: the link or a mail provider's one-click button; `subscription_center`; …), each person once per source.",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: SendOutcomes, ...errors(404, 503) },
      },
    },
    async (request) => getOutcomeBreakdown(deps.db, request.params.id),
  );

  app.get(
    '/api/sends/:id/domains',
    {
      schema: {
        operationId: 'getSendDomainResults',
        tags: ['email insights'],
        summary: "A send's results by recipient domain.",
        description:
          'Per domain: recipients (contacts, each once), blocked, sent, delivered, bounces, unique human opens and clicks and their rates, the largest domains first; the rest summed in `others`. Read from counters kept as the send went out and as events arrive.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
        }),
        response: { 200: DomainResults, ...errors(404, 503) },
      },
    },
    async (request) => getDomainResults(deps.db, request.params.id, request.query.limit ?? 20),
  );

  app.get(
    '/api/sends/:id/contacts',
    {
      schema: {
        operationId: 'listSendFigureContacts',
        tags: ['email insights'],
        summary:
          'The contacts behind a figure of the insights (who opened, who bounced, …), a page at a time.',
        description:
          'Delivery figures (recipients, blocked, sent, delivered, bounced, hard_bounce, soft_bounce, pending) list recipients in contact id order, optionally at one `domain`. Engagement figures (opened, clicked, unsubscribed) list the recipients counted in them; those who did not allow tracking are counted in `unnamed`, never named. Pass `nextCursor` back as `cursor`. An option that does not go with the figure answers 400.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({
          ...figureQuery,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        response: { 200: FigureContacts, ...errors(400, 404, 503) },
      },
    },
    async (request) =>
      listFigureContacts(deps.db, request.params.id, {
        ...(request.query as FigureParams),
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      }),
  );

  app.get(
    '/api/sends/:id/contacts.csv',
    {
      schema: {
        operationId: 'exportSendFigureContacts',
        tags: ['email insights'],
        summary: 'Every contact behind a figure of the insights, as CSV.',
        description: `The same contacts as listSendFigureContacts, all of them, one line each: ${CSV_COLUMNS.join(', ')}. Text a spreadsheet would run as a formula is prefixed with an apostrophe.`,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object(figureQuery),
        response: {
          200: media('text/csv', 'The contacts, a header line first.'),
          ...errors(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const query = request.query as FigureParams;
      // Checked before the first byte: a wrong option or an unknown send is an error, not an empty file.
      await listFigureContacts(deps.db, request.params.id, { ...query, limit: 1 });
      const name = `send-${request.params.id.replace(/[^A-Za-z0-9_-]/g, '')}-${query.figure}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(figureContactsCsv(deps.db, request.params.id, query)));
    },
  );
}
