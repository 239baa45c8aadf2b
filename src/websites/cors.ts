// CORS for tracked origins, in one place: every response to a browser origin Spoor allows (collect, handoff,
// the public form endpoints, their preflights) gets its Access-Control-Allow-* headers here. Which origins
// are allowed is each endpoint's rule; approval always comes with credentials (the tracking cookies) and
// Vary: Origin. A refused preflight is a 403 without Access-Control-Allow-* headers, which browsers treat
// as refused.
import type { FastifyReply } from 'fastify';
import { AppError } from '../lib/errors.ts';

export interface OriginRule {
  /** Whether this browser origin may make the request (with its cookies). */
  allows: (origin: string) => Promise<boolean>;
  /** What a refused origin is told (seen in the browser's network panel, not by the page). */
  refusal: (origin: string) => string;
}

export interface PreflightRule extends OriginRule {
  methods: string;
  headers: string;
}

/**
 * Marks a response as varying by Origin and, for an origin the endpoint has already allowed, lets that
 * origin read it with credentials. Without an Origin header (not a cross-origin browser request) it only
 * sets Vary.
 */
export function allowOrigin(reply: FastifyReply, origin: string | null | undefined): FastifyReply {
  if (origin)
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true');
  return reply.header('vary', 'Origin');
}

/** Allows `origin` if the rule does; otherwise throws the 403 the rule describes. */
export async function approveOrigin(reply: FastifyReply, origin: string, rule: OriginRule): Promise<void> {
  if (!(await rule.allows(origin))) throw new AppError('forbidden', rule.refusal(origin));
  allowOrigin(reply, origin);
}

export async function answerPreflight(
  origin: string | undefined,
  reply: FastifyReply,
  rule: PreflightRule,
): Promise<FastifyReply> {
  allowOrigin(reply, undefined); // Vary: Origin on the refusal too
  // Without an Origin it is not a browser's preflight: nothing to approve, nothing to refuse.
  if (origin) await approveOrigin(reply, origin, rule);
  return reply
    .header('access-control-allow-methods', rule.methods)
    .header('access-control-allow-headers', rule.headers)
    .header('access-control-max-age', '86400')
    .code(204)
    .send();
}
