// Who made an admin request: a signed-in user (through the session cookie) or an API key. Set by the admin
// API's check (admin-api.ts) before any handler runs; read by handlers that need the actor and by the audit log.

import type { Grant, Scope } from './scopes.ts';
import type { ActiveSession } from './sessions/sessions.ts';

export type Principal =
  | { kind: 'user'; session: ActiveSession }
  | { kind: 'apiKey'; id: string; name: string; scopes: Scope[] };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on admin routes once the key or the session is accepted. */
    principal?: Principal;
  }
}

export function grantOf(principal: Principal): Grant {
  return principal.kind === 'user' ? { role: principal.session.user.role } : { scopes: principal.scopes };
}

/** Who to name in the audit log. */
export function actorOf(principal: Principal): { kind: 'user' | 'api_key'; id: string; label: string } {
  return principal.kind === 'user'
    ? { kind: 'user', id: principal.session.user.id, label: principal.session.user.email }
    : { kind: 'api_key', id: principal.id, label: principal.name };
}
