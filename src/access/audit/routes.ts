// GET /api/audit-log (administration area): who changed what, newest first, cursor-paged.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../../api-contract.ts';
import { AppError } from '../../lib/errors.ts';
import type { Database } from '../../storage/schema.ts';
import { listAuditRows } from './store.ts';

const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.Object({
      kind: Type.String({ description: 'user, api_key, cli or system.' }),
      id: Type.Union([Type.String(), Type.Null()]),
      label: Type.String({ description: "The user's email or the key's name at the time." }),
    }),
    action: Type.String({
      description: "The route's operationId (createWebsite, eraseContact…) or the CLI command.",
    }),
    targetId: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.String({ description: 'ok (done) or refused (the role or scopes did not allow it).' }),
    status: Type.Union([Type.Integer(), Type.Null()]),
  },
  { title: 'AuditEntry' },
);

/** A cursor is the last entry's (at, id), opaque to clients. */
function encodeCursor(at: number, id: string): string {
  return Buffer.from(`${at}.${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: number; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('.', 2);
  if (!at || !id || !/^\d{1,15}$/.test(at))
    throw new AppError('bad_request', 'The cursor is not one this API gave.');
  return { at: Number(at), id };
}

export function auditRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/audit-log',
    {
      schema: {
        operationId: 'listAuditLog',
        tags: ['accounts'],
        summary: 'Who changed what: every change made through the admin API and the CLI, newest first.',
        description:
          'Each change to users, API keys, websites, forms, contacts, lists, messages, sends and erasures, with the actor, the operation, the target id and the outcome. Pass `nextCursor` as `cursor` for the next page.',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Type.Object({
            entries: Type.Array(AuditEntrySchema),
            nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
          }),
          ...errors(503),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const before = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
      const rows = await listAuditRows(deps.db, { limit: limit + 1, before });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        entries: page.map((row) => ({
          id: row.id,
          at: new Date(Number(row.at)).toISOString(),
          actor: { kind: row.actor_kind, id: row.actor_id, label: row.actor_label },
          action: row.action,
          targetId: row.target_id,
          outcome: row.outcome,
          status: row.status === null ? null : Number(row.status),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(Number(last.at), last.id) : null,
      };
    },
  );
}
