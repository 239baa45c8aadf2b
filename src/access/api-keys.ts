// Admin API keys: random secrets shown once, stored hashed, checked on every admin request (no cache:
// a revoked key is refused at once on every node), each with scopes and a last-used time.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../lib/errors.ts';
import { newId, sha256Hex } from '../lib/ids.ts';
import type { Database } from '../storage/schema.ts';
import { type Scope, storedScopes } from './scopes.ts';
import { findApiKeyByHash, insertApiKey, listApiKeyRows, revokeApiKeyRow, touchApiKey } from './store.ts';

const PREFIX = 'spk_';

/** A key's last use is written at most this often (one small write a minute per key in use). */
const LAST_USED_EVERY_MS = 60_000;

export async function createApiKey(
  db: Kysely<Database>,
  name: string,
  scopes: readonly Scope[] = ['full'],
): Promise<string> {
  return (await createApiKeyWithId(db, name, scopes)).secret;
}

/** A new key's id and its secret (shown once; only the hash is kept). */
export async function createApiKeyWithId(
  db: Kysely<Database>,
  name: string,
  scopes: readonly Scope[] = ['full'],
): Promise<{ id: string; secret: string }> {
  const secret = PREFIX + randomBytes(24).toString('base64url');
  const id = newId();
  await insertApiKey(db, id, name, sha256Hex(secret), Date.now(), scopes.join(','));
  return { id, secret };
}

/** Reads "Authorization: Bearer <key>" or "X-Api-Key: <key>". */
export function apiKeyFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const header = headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}

export async function authenticateApiKey(
  db: Kysely<Database>,
  key: string | undefined,
): Promise<{ id: string; name: string; scopes: Scope[] }> {
  if (!key) {
    throw new AppError(
      'unauthorized',
      'This endpoint needs an API key ("Authorization: Bearer <key>") or a signed-in session (POST /api/session).',
    );
  }
  const found = key.startsWith(PREFIX) ? await findApiKeyByHash(db, sha256Hex(key)) : undefined;
  if (!found) throw new AppError('unauthorized', 'The API key is not valid (or was revoked).');
  const now = Date.now();
  if (found.last_used_at === null || found.last_used_at < now - LAST_USED_EVERY_MS) {
    // Best effort: a database that cannot take the write (disk full) must not refuse a read.
    await touchApiKey(db, found.id, now, now - LAST_USED_EVERY_MS).catch(() => {});
  }
  return { id: found.id, name: found.name, scopes: storedScopes(found.scopes) };
}

export interface ApiKeySummary {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeySummary[]> {
  return (await listApiKeyRows(db)).map((row) => ({
    id: row.id,
    name: row.name,
    scopes: storedScopes(row.scopes),
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  }));
}

/**
 * Revokes the key with this id, or the one key not yet revoked with this name; throws not_found or
 * conflict (two keys share the name: revoke by id) with a sentence for a person.
 */
export async function revokeApiKey(db: Kysely<Database>, idOrName: string): Promise<ApiKeySummary> {
  const keys = await listApiKeys(db);
  const byId = keys.find((key) => key.id === idOrName);
  const byName = keys.filter((key) => key.name === idOrName && key.revokedAt === null);
  if (!byId && byName.length > 1)
    throw new AppError(
      'conflict',
      `${byName.length} keys are named "${idOrName}": revoke one by its id (${byName.map((k) => k.id).join(', ')}).`,
    );
  const key = byId ?? byName[0] ?? keys.find((k) => k.name === idOrName);
  if (!key) throw new AppError('not_found', `No API key has the id or name "${idOrName}".`);
  if (key.revokedAt !== null)
    throw new AppError('conflict', `The key "${key.name}" (${key.id}) is already revoked.`);
  const now = Date.now();
  await revokeApiKeyRow(db, key.id, now);
  return { ...key, revokedAt: now };
}
