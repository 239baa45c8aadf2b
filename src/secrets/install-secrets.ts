// The install's secrets: the versioned keys that sign email tokens, and the key that turns a
// (send, contact) pair or a network address into an opaque hash. Made on first start and kept in the
// database, so every node of a PostgreSQL deployment signs and verifies alike; SPOOR_TOKEN_KEYS
// overrides the stored keys for deployments that keep secrets outside the database.
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type SigningKey, type TokenClaims, type TokenKind, TokenSigner } from '../lib/tokens.ts';
import type { Database } from '../storage/schema.ts';
import { readOrCreateSetting, writeSetting } from './store.ts';

const TOKEN_KEYS_SETTING = 'email_token_keys';
const HASH_SECRET_SETTING = 'install_hash_secret';

export interface InstallSecrets {
  /** Signs with the newest key this node knows. */
  readonly signer: TokenSigner;
  /**
   * Verifies a token. A token naming a key version this node does not know yet (another node ran
   * spoor rotate-token-key and restarted first) makes it re-read the stored keys, at most every
   * few seconds, so a rolling restart never turns a genuine link away.
   */
  verify(token: string, kind: TokenKind): Promise<TokenClaims | null>;
  /** Opaque, install-specific hash of `parts` (base64url, 128 bits): same input, same hash. */
  hash(...parts: string[]): string;
}

interface StoredKey {
  version: number;
  secret: string;
}

function newKey(version: number): StoredKey {
  return { version, secret: randomBytes(32).toString('base64url') };
}

function toSigningKeys(stored: StoredKey[]): SigningKey[] {
  return stored.map((key) => ({ version: key.version, secret: Buffer.from(key.secret, 'base64url') }));
}

/** Least time between two re-reads of the stored keys prompted by unknown key versions. */
const KEY_REFRESH_INTERVAL_MS = 5_000;

export async function loadInstallSecrets(
  db: Kysely<Database>,
  configuredKeys: SigningKey[] | undefined,
): Promise<InstallSecrets> {
  const storedKeys = async () =>
    toSigningKeys(
      JSON.parse(await readOrCreateSetting(db, TOKEN_KEYS_SETTING, () => JSON.stringify([newKey(1)]))),
    );
  let signer = new TokenSigner(configuredKeys ?? (await storedKeys()));
  let lastRefresh = 0;
  const hashSecret = Buffer.from(
    await readOrCreateSetting(db, HASH_SECRET_SETTING, () => randomBytes(32).toString('base64url')),
    'base64url',
  );
  return {
    get signer() {
      return signer;
    },
    async verify(token, kind) {
      const claims = signer.verify(token, kind);
      if (claims || configuredKeys || signer.knowsVersionOf(token)) return claims;
      if (Date.now() - lastRefresh < KEY_REFRESH_INTERVAL_MS) return null;
      lastRefresh = Date.now();
      signer = new TokenSigner(await storedKeys());
      return signer.verify(token, kind);
    },
    hash: (...parts) =>
      createHmac('sha256', hashSecret)
        .update(parts.join('\u0000'))
        .digest()
        .subarray(0, 16)
        .toString('base64url'),
  };
}

/**
 * Adds a new signing key in front of the stored ones (spoor rotate-token-key). Old keys stay, so
 * every email already sent keeps working; nodes pick the new key up when they restart.
 */
export async function rotateStoredTokenKey(db: Kysely<Database>): Promise<number> {
  const stored: StoredKey[] = JSON.parse(
    await readOrCreateSetting(db, TOKEN_KEYS_SETTING, () => JSON.stringify([newKey(1)])),
  );
  const version = Math.max(...stored.map((key) => key.version)) + 1;
  if (version > 255) throw new Error('All 255 token key versions are used.');
  await writeSetting(db, TOKEN_KEYS_SETTING, JSON.stringify([newKey(version), ...stored]));
  return version;
}
