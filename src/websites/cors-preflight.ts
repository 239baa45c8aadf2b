// Answers a CORS preflight: approval (with credentials) only for an origin the endpoint allows; any other
// origin gets a 403 without Access-Control-Allow-* headers, which browsers treat as a refused preflight.
import type { FastifyReply } from 'fastify';
import { AppError } from '../lib/errors.ts';

export interface PreflightRule {
  methods: string;
  headers: string;
  /** Whether this browser origin may make the real request (with its cookies). */
  allows: (origin: string) => Promise<boolean>;
  /** What a refused origin is told (seen in the browser's network panel, not by the page). */
  refusal: (origin: string) => string;
}

export async function answerPreflight(
  origin: string | undefined,
  reply: FastifyReply,
  rule: PreflightRule,
): Promise<FastifyReply> {
  reply.header('vary', 'Origin');
  // Without an Origin it is not a browser's preflight: nothing to approve, nothing to refuse.
  if (origin) {
    if (!(await rule.allows(origin))) throw new AppError('forbidden', rule.refusal(origin));
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true');
  }
  return reply
    .header('access-control-allow-methods', rule.methods)
    .header('access-control-allow-headers', rule.headers)
    .header('access-control-max-age', '86400')
    .code(204)
    .send();
}
