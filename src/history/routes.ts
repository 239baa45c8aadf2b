// Admin API for a contact's history (mounted in the admin scope: src/access/admin-api.ts).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { Database } from '../storage/schema.ts';
import { getContactHistory } from './contact-history.ts';

const OrNull = Type.Union([Type.String(), Type.Null()]);
const Named = Type.Object({ id: Type.String(), name: OrNull });
const VisitItem = Type.Object(
  {
    type: Type.Literal('visit'),
    at: Type.String({ format: 'date-time', description: 'When the visit started.' }),
    id: Type.String(),
    website: Named,
    startedAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.String({ format: 'date-time' }),
    entryPath: Type.String(),
    referrer: OrNull,
    utm: Type.Object({ source: OrNull, medium: OrNull, campaign: OrNull, term: OrNull, content: OrNull }),
    pageviewCount: Type.Integer(),
    engagedMs: Type.Integer(),
    bot: Type.Union([Type.String(), Type.Null()], { description: "Set when the visit was a bot's." }),
    pageviews: Type.Array(
      Type.Object({
        url: Type.String(),
        path: Type.String(),
        title: OrNull,
        at: Type.String({ format: 'date-time' }),
        engagedMs: Type.Integer(),
      }),
    ),
  },
  { title: 'VisitItem' },
);
const FormSubmissionItem = Type.Object(
  {
    type: Type.Literal('form_submission'),
    at: Type.String({ format: 'date-time' }),
    id: Type.String(),
    form: Named,
    status: Type.Union([Type.Literal('pending'), Type.Literal('processed'), Type.Literal('failed')]),
    outcome: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Null()]),
    anonymous: Type.Boolean({
      description: 'Submitted without tracking consent: the browser was not linked.',
    }),
    consents: Type.Record(Type.String(), Type.Boolean()),
    values: Type.Record(Type.String(), OrNull),
  },
  { title: 'FormSubmissionItem' },
);
const EmailItem = Type.Object(
  {
    type: Type.Literal('email'),
    at: Type.String({ format: 'date-time' }),
    id: Type.String(),
    event: Type.Union([Type.Literal('open'), Type.Literal('click'), Type.Literal('unsubscribe')]),
    send: Type.Object({ id: Type.String(), subject: OrNull }),
    message: Type.Object({ id: OrNull, name: OrNull }),
    link: Type.Union([
      Type.Object({ position: Type.Integer(), url: OrNull, honeypot: Type.Boolean() }),
      Type.Null(),
    ]),
    machine: Type.Union([Type.String(), Type.Null()], {
      description: "Set when the open was a machine's or the click a scanner's (the reason).",
    }),
  },
  { title: 'EmailItem' },
);
const EmailSentItem = Type.Object(
  {
    type: Type.Literal('email_sent'),
    at: Type.String({ format: 'date-time', description: 'When it was sent, or attempted and refused.' }),
    id: Type.String({ description: 'The send and the contact: "send.contact".' }),
    send: Type.Object({ id: Type.String(), subject: OrNull }),
    message: Type.Object({ id: OrNull, name: OrNull }),
    status: Type.Union([Type.Literal('sent'), Type.Literal('hard_bounce'), Type.Literal('soft_bounce')], {
      description: 'sent, or bounced: refused when attempted, or reported by a bounce later.',
    }),
    response: Type.Union([Type.String(), Type.Null()], {
      description: "The receiving server's last answer (a bounce's reason).",
    }),
  },
  { title: 'EmailSentItem' },
);
const OtherItem = Type.Object(
  {
    type: Type.String({ description: "The feed source's name." }),
    at: Type.String({ format: 'date-time' }),
    id: Type.String(),
    kind: Type.String(),
    subjects: Type.Record(Type.String(), Named),
    machine: OrNull,
    attributes: Type.Record(Type.String(), Type.Unknown()),
  },
  {
    title: 'OtherItem',
    description: "An interaction of a source history has no shape of its own for: the feed's item as it is.",
  },
);
const HistoryPage = Type.Object(
  {
    contactId: Type.String(),
    order: Type.Literal('newest-first'),
    items: Type.Array(Type.Union([VisitItem, FormSubmissionItem, EmailItem, EmailSentItem, OtherItem])),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor`; null on the last page.',
    }),
  },
  { title: 'HistoryPage' },
);

export function historyRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; feed: InteractionRegistry },
) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, feed } = deps;

  app.get(
    '/api/contacts/:id/history',
    {
      schema: {
        operationId: 'getContactHistory',
        tags: ['contacts'],
        summary:
          "A contact's interactions, newest first: visits with their page views, form submissions, emails sent, opened, clicked, unsubscribed.",
        description:
          "Paged with `cursor` (the previous page's `nextCursor`). A merged-away id answers 404 naming the surviving contact.",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
        }),
        response: { 200: HistoryPage, ...errors(404, 503) },
      },
    },
    async (request) =>
      getContactHistory(db, feed, request.params.id, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );
}
