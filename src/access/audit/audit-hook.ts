// Records every change made through the admin API in the audit log: one hook on the admin scope, so every
// write route (today's and any added later) is recorded without its domain remembering to (decision record
// 019-accounts). What is recorded: the actor, the route's operationId, the target's id (the :id in the path,
// else the id of what was created), the time, and the outcome: done (2xx) or refused (403).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { actorOf } from '../principal.ts';
import { accessOf } from '../scopes.ts';
import { recordAudit } from './record.ts';

export function auditAdminWrites(admin: FastifyInstance, db: Kysely<Database>): void {
  admin.addHook('onSend', async (request, reply, payload) => {
    const entry = auditEntryOf(request, reply, payload);
    // Written before the answer leaves: a change the log does not hold is never reported as done.
    if (entry) await recordAudit(db, entry);
    return payload;
  });
}

function auditEntryOf(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const principal = request.principal;
  if (!principal || accessOf(request.method) === 'read') return null;
  const status = reply.statusCode;
  const outcome = status < 300 ? 'ok' : status === 403 ? 'refused' : null;
  if (outcome === null) return null;
  const schema = request.routeOptions.schema as { operationId?: string } | undefined;
  return {
    actor: actorOf(principal),
    action: schema?.operationId ?? `${request.method} ${request.routeOptions.url ?? ''}`,
    targetId: targetIdOf(request, payload),
    outcome,
    status,
  } as const;
}

function targetIdOf(request: FastifyRequest, payload: unknown): string | undefined {
  const params = request.params as Record<string, unknown> | undefined;
  for (const key of ['id', 'contactId', 'sendId', 'messageId', 'listId', 'formId', 'websiteId', 'key'])
    if (typeof params?.[key] === 'string') return params[key] as string;
  if (typeof payload === 'string' && payload.startsWith('{')) {
    const match = /^\{"id":"([^"]{1,100})"/.exec(payload);
    if (match) return match[1];
    try {
      const id = (JSON.parse(payload) as { id?: unknown }).id;
      if (typeof id === 'string') return id;
    } catch {
      // Not JSON after all: no target.
    }
  }
  return undefined;
}
