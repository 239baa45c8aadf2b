// GET /healthz: 200 when the database answers and writes succeed, else 503 with the reason, so a load
// balancer or monitor takes a node that cannot store events out of rotation (docs/deployment.md).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Storage } from '../storage/database.ts';
import { unavailableReason } from '../storage/unavailable.ts';
import { writeHealthOf } from '../storage/write-health.ts';
import { type DatabaseCheck, healthOf } from './health-rule.ts';

/** A database that takes longer than this to answer `select 1` counts as not answering. */
const CHECK_TIMEOUT_MS = 5_000;

async function checkDatabase(storage: Storage): Promise<DatabaseCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timeout exceeded when trying to connect')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([sql`select 1`.execute(storage.db), timeout]);
    return { answers: true };
  } catch (error) {
    return { answers: false, reason: unavailableReason(error) ?? 'it answered with an error' };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, deps: { storage: Storage }): void {
  const writes = writeHealthOf(deps.storage);
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Whether this node can store events: for load balancers and monitors.',
        description:
          '200 when the database answers and writes succeed; otherwise 503 with the reason, so that a node that cannot store events is taken out of rotation (docs/deployment.md).',
        response: {
          200: Type.Object({ ok: Type.Literal(true) }, { examples: [{ ok: true }] }),
          503: Type.Object(
            {
              ok: Type.Literal(false),
              error: Type.Literal('unavailable'),
              message: Type.String(),
            },
            {
              description: 'The database is not answering, or writes are failing.',
              examples: [
                {
                  ok: false,
                  error: 'unavailable',
                  message: 'The database is not answering: connection refused.',
                },
              ],
            },
          ),
        },
      },
    },
    async (_request, reply) => {
      const health = healthOf(await checkDatabase(deps.storage), writes.failures());
      return reply.code(health.status).header('cache-control', 'no-store').send(health.body);
    },
  );
}
