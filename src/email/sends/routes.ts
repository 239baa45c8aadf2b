// Admin API for sends: create (202, the workers take it from there), read progress, page, cancel,
// resume a paused one.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, RecipientStatus } from '../../storage/schema.ts';
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
] as const satisfies readonly RecipientStatus[];

export function sendRoutes(app: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const { db } = deps;

  app.post<{ Body: { messageId: string; listIds: string[] } }>(
    '/api/sends',
    {
      schema: {
        tags: ['email'],
        summary: 'Send a message to one or more lists (queued; answers 202 at once).',
        body: Type.Object({
          messageId: Id,
          listIds: Type.Array(Id, { minItems: 1, maxItems: 50 }),
        }),
      },
    },
    async (request, reply) => reply.code(202).send(await createSend(db, request.body)),
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/api/sends',
    {
      schema: {
        tags: ['email'],
        summary: 'Sends, newest first.',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    async (request) => listSends(db, { limit: request.query.limit ?? 20, cursor: request.query.cursor }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/sends/:id',
    { schema: { tags: ['email'], summary: 'A send with its status and progress.', params: IdParams } },
    async (request) => getSend(db, request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api/sends/:id/cancel',
    {
      schema: {
        tags: ['email'],
        summary: 'Stop a send: nothing more is attempted; what was sent stays sent.',
        params: IdParams,
      },
    },
    async (request) => cancelSend(db, request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api/sends/:id/resume',
    {
      schema: {
        tags: ['email'],
        summary:
          'Resume a paused send (status "paused", its "error" says why) once the relay is fixed: ' +
          'every recipient still waiting is tried again at once. 409 unless the send is paused.',
        params: IdParams,
      },
    },
    async (request) => resumeSend(db, request.params.id),
  );

  app.get<{
    Params: { id: string };
    Querystring: { status?: RecipientStatus; limit?: number; cursor?: string };
  }>(
    '/api/sends/:id/recipients',
    {
      schema: {
        tags: ['email'],
        summary:
          "A send's recipients, each with its status, tries and the SMTP server's last answer " +
          '(why it was refused), in contact id order; ?status= keeps one status.',
        params: IdParams,
        querystring: Type.Object({
          status: Type.Optional(Type.Union(RECIPIENT_STATUSES.map((status) => Type.Literal(status)))),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Id),
        }),
      },
    },
    async (request) =>
      listRecipients(db, request.params.id, {
        status: request.query.status,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 100,
      }),
  );

  app.get<{ Querystring: { email?: string; limit?: number; cursor?: string } }>(
    '/api/suppressions',
    {
      schema: {
        tags: ['email'],
        summary: 'Addresses never attempted again (hard bounces), in address order; ?email= looks one up.',
        querystring: Type.Object({
          email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 600 })),
        }),
      },
    },
    async (request) =>
      listSuppressions(db, {
        email: request.query.email,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 100,
      }),
  );

  app.delete<{ Params: { email: string } }>(
    '/api/suppressions/:email',
    {
      schema: {
        tags: ['email'],
        summary: 'Lift a suppression (the mailbox works again): later sends attempt the address.',
        params: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) }),
      },
    },
    async (request, reply) => {
      await liftSuppression(db, request.params.email);
      return reply.code(204).send();
    },
  );
}
