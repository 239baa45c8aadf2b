// Admin API for sends: create (202, the workers take it from there), read progress, page, cancel,
// resume a paused one.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, noContent } from '../../api-contract.ts';
import type { Database, RecipientStatus as RecipientStatusValue } from '../../storage/schema.ts';
import { estimateSend } from './estimate-send.ts';
import {
  cancelSend,
  createSend,
  getSend,
  liftSuppression,
  listRecipients,
  listSends,
  listSuppressions,
  resumeSend,
} from './manage-sends.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const IdParams = Type.Object({ id: Id });
const RECIPIENT_STATUSES = [
  'pending',
  'sending',
  'sent',
  'blocked',
  'hard_bounce',
  'soft_bounce',
  'unconfirmed',
] as const satisfies readonly RecipientStatusValue[];

const OrNull = Type.Union([Type.String(), Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const OrNever = Type.Union([Time, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const SendStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('preparing'),
  Type.Literal('sending'),
  Type.Literal('paused'),
  Type.Literal('done'),
  Type.Literal('cancelled'),
]);
const RecipientStatus = Type.Unsafe<RecipientStatusValue>(
  Type.Union(RECIPIENT_STATUSES.map((status) => Type.Literal(status))),
);
const BlockReason = Type.Union([
  Type.Literal('unsubscribed'),
  Type.Literal('do_not_email'),
  Type.Literal('no_address'),
  Type.Literal('hard_bounced'),
]);
const sendExample = {
  id: 's3NdIdXyZ12345678abcde',
  messageId: 'm3ssAg3IdXyZ12345678ab',
  listIds: ['l1StIdXyZ12345678abcde'],
  status: 'sending',
  subject: 'News for {{ contact.firstName | default: "you" }}',
  createdAt: '2026-05-01T09:30:00.000Z',
  preparedAt: '2026-05-01T09:30:01.000Z',
  finishedAt: null,
  error: null,
  lastError: { message: 'connect ECONNREFUSED 127.0.0.1:25', at: '2026-05-01T09:30:05.000Z' },
  progress: {
    recipients: 120,
    duplicates: 0,
    blocked: { total: 3, unsubscribed: 3, doNotEmail: 0, noAddress: 0, hardBounced: 0 },
    sent: 40,
    accepted: 40,
    hardBounces: 0,
    softBounces: 0,
    unconfirmed: 0,
    deferrals: 0,
    policyRefusals: 0,
    pending: 77,
  },
};
const Send = Type.Object(
  {
    id: Type.String(),
    messageId: Type.String(),
    listIds: Type.Array(Type.String()),
    status: SendStatus,
    subject: Type.String(),
    createdAt: Time,
    preparedAt: OrNever,
    finishedAt: OrNever,
    error: Type.Union([Type.String(), Type.Null()], {
      description: 'Why the send is paused (what to fix before resuming); null otherwise.',
    }),
    lastError: Type.Union([Type.Object({ message: Type.String(), at: Time }), Type.Null()], {
      description:
        'The latest time the SMTP server could not be reached, greeted or logged in to (or refused the sender), with what it said; null if it never happened. It stays after the server recovers: compare `at` with the progress.',
    }),
    progress: Type.Object({
      recipients: Type.Integer({
        description: 'Memberships found on the lists (a contact on two lists counts twice).',
      }),
      duplicates: Count,
      blocked: Type.Object({
        total: Count,
        unsubscribed: Count,
        doNotEmail: Count,
        noAddress: Count,
        hardBounced: Count,
      }),
      sent: Count,
      accepted: Count,
      hardBounces: Count,
      softBounces: Count,
      unconfirmed: Type.Integer({ description: 'Handed to SMTP when a node died; never sent again.' }),
      deferrals: Count,
      policyRefusals: Count,
      pending: Count,
    }),
  },
  { title: 'Send', examples: [sendExample] },
);
const Recipient = Type.Object(
  {
    contactId: Type.String(),
    email: OrNull,
    status: RecipientStatus,
    blockReason: Type.Union([BlockReason, Type.Null()]),
    attempts: Count,
    lastResponse: Type.Union([Type.String(), Type.Null()], {
      description: "The SMTP server's last answer for this recipient (a refusal's reason included).",
    }),
    sentAt: OrNever,
  },
  { title: 'SendRecipient' },
);
const Suppression = Type.Object(
  {
    email: Type.String(),
    contactId: Type.Union([Type.String(), Type.Null()], {
      description: 'The contact the address belonged to when it was listed.',
    }),
    reason: Type.String({ description: 'hard_bounce, soft_bounces (the window filled) or complaint.' }),
    category: Type.Union([Type.String(), Type.Null()], {
      description: 'The bounce category (invalid-mailbox, full-mailbox …) or complaint.',
    }),
    sendId: OrNull,
    detail: Type.Union([Type.String(), Type.Null()], {
      description: "The SMTP server's answer or the report's text that caused it.",
    }),
    createdAt: Time,
    until: Type.Union([Time, Type.Null()], { description: 'When it ends; null = permanent (a complaint).' }),
    listing: Type.Integer({
      minimum: 0,
      description: 'Which bounce listing of the address this is: the 1st lasts 7 days, then 14, 30, 180.',
    }),
  },
  { title: 'Suppression' },
);

export function sendRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;

  app.post(
    '/api/sends',
    {
      schema: {
        operationId: 'createSend',
        tags: ['sends'],
        summary: 'Send a message to one or more lists (queued; answers 202 at once).',
        description:
          'The workers prepare the recipients and send; follow the progress with getSend. An unknown message or list answers 422.',
        body: Type.Object(
          { messageId: Id, listIds: Type.Array(Id, { minItems: 1, maxItems: 50 }) },
          { examples: [{ messageId: 'm3ssAg3IdXyZ12345678ab', listIds: ['l1StIdXyZ12345678abcde'] }] },
        ),
        response: { 202: Send, ...errors(404, 422, 503) },
      },
    },
    async (request, reply) => reply.code(202).send(await createSend(db, request.body)),
  );

  app.post(
    '/api/sends/estimate',
    {
      schema: {
        operationId: 'estimateSend',
        tags: ['sends'],
        summary:
          'What a send to these lists would do: recipients, duplicates, blocked by reason, who gets it.',
        description:
          "Nothing is sent or stored: for the confirmation before createSend. The send's own permission rule decides who is blocked and why; the send checks each contact again just before sending, so the figures can move if contacts change meanwhile. Answered from counters kept with every change (decision 021): one list is exact; several lists sharing contacts are exact while they hold at most 2,000 memberships together, beyond that `exact` is false and the figures are bounds (the send's progress has the exact ones once prepared). An unknown list answers 422.",
        body: Type.Object(
          { listIds: Type.Array(Id, { minItems: 1, maxItems: 50 }) },
          { examples: [{ listIds: ['l1StIdXyZ12345678abcde'] }] },
        ),
        response: {
          200: Type.Object(
            {
              listIds: Type.Array(Type.String()),
              exact: Type.Boolean({
                description:
                  'True: every figure is exact. False (several large lists): willReceive and the blocked figures are at most, willReceiveAtLeast at least, duplicates unknown (null).',
              }),
              recipients: Type.Integer({
                minimum: 0,
                description: 'Memberships found on the lists (a contact on two lists counts twice).',
              }),
              duplicates: Type.Union([Count, Type.Null()], {
                description:
                  'Contacts on more than one of the lists, beyond their first; null when not exact.',
              }),
              blocked: Type.Object({
                total: Count,
                byReason: Type.Object({
                  unsubscribed: Count,
                  do_not_email: Count,
                  no_address: Count,
                  hard_bounced: Count,
                }),
              }),
              willReceive: Type.Integer({
                minimum: 0,
                description:
                  'Contacts who would be sent the email: recipients − duplicates − blocked (at most this when not exact).',
              }),
              willReceiveAtLeast: Type.Integer({
                minimum: 0,
                description: 'The fewest who would be sent the email (equal to willReceive when exact).',
              }),
              asOf: Time,
            },
            {
              title: 'SendEstimate',
              examples: [
                {
                  listIds: ['l1StIdXyZ12345678abcde'],
                  exact: true,
                  recipients: 120,
                  duplicates: 0,
                  blocked: {
                    total: 6,
                    byReason: { unsubscribed: 3, do_not_email: 1, no_address: 0, hard_bounced: 2 },
                  },
                  willReceive: 114,
                  willReceiveAtLeast: 114,
                  asOf: '2026-05-01T09:29:00.000Z',
                },
              ],
            },
          ),
          ...errors(422, 503),
        },
      },
    },
    async (request) => estimateSend(db, request.body),
  );

  app.get(
    '/api/sends',
    {
      schema: {
        operationId: 'listSends',
        tags: ['sends'],
        summary: 'Sends, newest first.',
        description: 'Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Type.Object({ sends: Type.Array(Send), nextCursor: OrNull }), ...errors(503) },
      },
    },
    async (request) => listSends(db, { limit: request.query.limit ?? 20, cursor: request.query.cursor }),
  );

  app.get(
    '/api/sends/:id',
    {
      schema: {
        operationId: 'getSend',
        tags: ['sends'],
        summary: 'A send with its status and progress.',
        description:
          '`lastError` shows the latest trouble with the SMTP server, `error` why a send is paused.',
        params: IdParams,
        response: { 200: Send, ...errors(404, 503) },
      },
    },
    async (request) => getSend(db, request.params.id),
  );

  app.post(
    '/api/sends/:id/cancel',
    {
      schema: {
        operationId: 'cancelSend',
        tags: ['sends'],
        summary: 'Stop a send: nothing more is attempted; what was sent stays sent.',
        description: 'A send already done answers 409.',
        params: IdParams,
        response: { 200: Send, ...errors(404, 409, 503) },
      },
    },
    async (request) => cancelSend(db, request.params.id),
  );

  app.post(
    '/api/sends/:id/resume',
    {
      schema: {
        operationId: 'resumeSend',
        tags: ['sends'],
        summary: 'Resume a paused send once the relay is fixed.',
        description:
          'For a send whose status is "paused" (its "error" says why): every recipient still waiting is tried again at once. 409 unless the send is paused.',
        params: IdParams,
        response: { 200: Send, ...errors(404, 409, 503) },
      },
    },
    async (request) => resumeSend(db, request.params.id),
  );

  app.get(
    '/api/sends/:id/recipients',
    {
      schema: {
        operationId: 'listSendRecipients',
        tags: ['sends'],
        summary: "A send's recipients, with their status, tries and the SMTP server's last answer.",
        description: 'In contact id order; `status` keeps one status; paged with `cursor`.',
        params: IdParams,
        querystring: Type.Object({
          status: Type.Optional(RecipientStatus),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Id),
        }),
        response: {
          200: Type.Object({ recipients: Type.Array(Recipient), nextCursor: OrNull }),
          ...errors(404, 503),
        },
      },
    },
    async (request) =>
      listRecipients(db, request.params.id, {
        status: request.query.status as RecipientStatusValue | undefined,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 100,
      }),
  );

  app.get(
    '/api/suppressions',
    {
      schema: {
        operationId: 'listSuppressions',
        tags: ['sends'],
        summary: 'Addresses not attempted while suppressed (bounces, complaints), in address order.',
        description: '`email` looks one address up; paged with `cursor`.',
        querystring: Type.Object({
          email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 600 })),
        }),
        response: {
          200: Type.Object({ suppressions: Type.Array(Suppression), nextCursor: OrNull }),
          ...errors(503),
        },
      },
    },
    async (request) =>
      listSuppressions(db, {
        email: request.query.email,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 100,
      }),
  );

  app.delete(
    '/api/suppressions/:email',
    {
      schema: {
        operationId: 'liftSuppression',
        tags: ['sends'],
        summary: 'Lift a suppression (the mailbox works again): later sends attempt the address.',
        description:
          'An address that is not suppressed answers 404; one suppressed for a complaint 409 (only its owner can lift that, by subscribing anew). The history keeps the lift.',
        params: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) }),
        response: { 204: noContent('Lifted.'), ...errors(404, 409, 503) },
      },
    },
    async (request, reply) => {
      await liftSuppression(db, request.params.email);
      return reply.code(204).send(undefined);
    },
  );
}
