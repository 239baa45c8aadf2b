// The audit log's one writer: who (a user, an API key, the CLI) did what (an operationId or a CLI command)
// to which record, when, and whether it was done or refused. Admin routes are recorded by one hook
// (audit-hook.ts); the CLI and sign-in call this directly.
import type { Kysely } from 'kysely';
import { newId } from '../../lib/ids.ts';
import type { Database } from '../../storage/schema.ts';
import { insertAuditEntry } from './store.ts';

export interface AuditActor {
  kind: 'user' | 'api_key' | 'cli' | 'system';
  id?: string | undefined;
  /** The user's email, the key's name, "spoor users create"…: readable after the actor is gone. */
  label: string;
}

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  targetId?: string | undefined;
  outcome: 'ok' | 'refused' | 'failed';
  status?: number | undefined;
}

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry, now = Date.now()): Promise<void> {
  await insertAuditEntry(db, {
    id: newId(),
    at: now,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id ?? null,
    actor_label: entry.actor.label.slice(0, 320),
    action: entry.action.slice(0, 100),
    target_id: entry.targetId?.slice(0, 200) ?? null,
    outcome: entry.outcome,
    status: entry.status ?? null,
  });
}
