// Admin API keys: random secrets shown once, stored hashed, checked on every admin request.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../lib/errors.ts';
import { newId, sha256Hex } from '../lib/ids.ts';
import type { Database } from '../storage/schema.ts';
import { findApiKeyByHash, insertApiKey } from './store.ts';

const PREFIX = 'spk_';

export async function createApiKey(db: Kysely<Database>, name: string): Promise<string> {
  const secret = PREFIX + randomBytes(24).toString('base64url');
  await insertApiKey(db, newId(), name, sha256Hex(secret), Date.now());
  return secret;
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
): Promise<{ id: string }> {
  if (!key) {
    throw new AppError('unauthorized', 'This endpoint needs an API key: send "Authorization: Bearer <key>".');
  }
  const found = key.startsWith(PREFIX) ? await findApiKeyByHash(db, sha256Hex(key)) : undefined;
  if (!found) throw new AppError('unauthorized', 'The API key is not valid.');
  return { id: found.id };
}
