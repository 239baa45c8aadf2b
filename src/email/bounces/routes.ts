// Admin API: the reports the bounce receiver took, with their verdicts; the unparseable, forged and
// unmatched ones with the message itself, for an administrator to look at.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../../api-contract.ts';
import { AppError } from '../../lib/errors.ts';
import type { Database, ReportVerdict } from '../../storage/schema.ts';
import { pageReports } from './store.ts';

const VERDICTS = [
  'recorded',
  'duplicate',
  'unparseable',
  'forged',
  'unmatched',
  'ignored',
] as const satisfies readonly ReportVerdict[];
const Verdict = Type.Unsafe<ReportVerdict>(Type.Union(VERDICTS.map((verdict) => Type.Literal(verdict))));
const OrNull = Type.Union([Type.String(), Type.Null()]);

const Report = Type.Object(
  {
    id: Type.String(),
    receivedAt: Type.String({ format: 'date-time' }),
    source: Type.String(),
    verdict: Verdict,
    reason: Type.String({ description: 'What was recorded, or why nothing was.' }),
    envelopeFrom: OrNull,
    envelopeTo: OrNull,
    size: Type.Integer({ minimum: 0 }),
    raw: Type.Union([Type.String(), Type.Null()], {
      description: 'The message as received, kept only when nothing could be recorded from it.',
    }),
  },
  { title: 'BounceReport' },
);

function decodeCursor(cursor: string | undefined) {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) throw new AppError('bad_request', 'cursor is not one this API returned.');
  return { at: Number(match[1]), id: match[2] as string };
}

export function bounceReportRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/bounce-reports',
    {
      schema: {
        operationId: 'listBounceReports',
        tags: ['sends'],
        summary:
          'Reports the bounce receiver took (DSNs, complaints, auto-replies), newest first, with what became of each.',
        description:
          '`verdict` keeps one verdict: `unparseable`, `forged` and `unmatched` reports changed nothing and carry the message.',
        querystring: Type.Object({
          verdict: Type.Optional(Verdict),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({ reports: Type.Array(Report), nextCursor: OrNull }),
          ...errors(400, 503),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await pageReports(deps.db, {
        verdict: request.query.verdict as ReportVerdict | undefined,
        after: decodeCursor(request.query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        reports: page.map((row) => ({
          id: row.id,
          receivedAt: new Date(Number(row.received_at)).toISOString(),
          source: row.source,
          verdict: row.verdict,
          reason: row.reason,
          envelopeFrom: row.envelope_from,
          envelopeTo: row.envelope_to,
          size: Number(row.size),
          raw: row.raw,
        })),
        nextCursor: rows.length > limit && last ? `${Number(last.received_at)}.${last.id}` : null,
      };
    },
  );
}
