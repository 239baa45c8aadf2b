// The install's secrets: the versioned seal keys that sign every signed value (email tokens, click
// handoffs, send headers; src/platform/seal.ts), and the key that turns a (send, contact) pair or a
// network address into an opaque hash. Made on first start and kept in the database, so every node
// of a PostgreSQL deployment seals and opens alike; SPOOR_TOKEN_KEYS overrides the stored keys for
// deployments that keep secrets outside the database.
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type TokenClaims, type TokenKind, TokenSigner } from '../lib/tokens.ts';
import { type Opened, type Purpose, Seal, type SealKey } from '../platform/seal.ts';
import type { Database } from '../storage/schema.ts';
import { readOrCreateSetting, readSetting, writeSetting } from './store.ts';

/** The stored seal keys (named for the email tokens they first signed). */
const SEAL_KEYS_SETTING = 'email_token_keys';
const HASH_SECRET_SETTING = 'install_hash_secret';
/** Until when values signed before the seal (with the hash key) still open: handoffs, send headers. */
const LEGACY_UNTIL_SETTING = 'seal_legacy_until';
/**
 * A week from the first start of a version with the seal: a handoff lives 10 minutes, and a bounce
 * quotes the send header of a mail in flight within the 4–5 days a mail server keeps retrying
 * (RFC 5321 §4.5.4.1). After it, the hash key signs nothing any more.
 */
export const LEGACY_WINDOW_MS = 7 * 24 * 3_600_000;

export interface InstallSecrets {
  /** The node's seal: the newest key seals, every key held opens (src/platform/seal.ts). */
  readonly seal: Seal;
  /** Email tokens over the same seal. */
  readonly signer: TokenSigner;
  /**
   * Verifies an email token. A token naming a key version this node does not know yet (another node
   * rotated and restarted first) makes it re-read the stored keys, at most every few seconds, so a
   * rolling restart never turns a genuine link away.
   */
  verify(token: string, kind: TokenKind): Promise<TokenClaims | null>;
  /** Opens a text-spelled value of `purpose`, re-reading the stored keys as `verify` does. */
  open(purpose: Purpose, value: string, now?: number): Promise<Opened<string[]>>;
  /** Opaque, install-specific hash of `parts` (base64url, 128 bits): same input, same hash. Not a seal. */
  hash(...parts: string[]): string;
}

interface StoredKey {
  version: number;
  secret: string;
}

function newKey(version: number): StoredKey {
  return { version, secret: randomBytes(32).toString('base64url') };
}

function toSealKeys(stored: StoredKey[]): SealKey[] {
  return stored.map((key) => ({ version: key.version, secret: Buffer.from(key.secret, 'base64url') }));
}

async function readStoredKeys(db: Kysely<Database>): Promise<StoredKey[]> {
  return JSON.parse(await readOrCreateSetting(db, SEAL_KEYS_SETTING, () => JSON.stringify([newKey(1)])));
}

/** Least time between two re-reads of the stored keys prompted by unknown key versions. */
const KEY_REFRESH_INTERVAL_MS = 5_000;

export async function loadInstallSecrets(
  db: Kysely<Database>,
  configuredKeys: SealKey[] | undefined,
): Promise<InstallSecrets> {
  // An install that already had a hash key may have pre-seal values in the wild; a new one has none.
  const upgraded = (await readSetting(db, HASH_SECRET_SETTING)) !== undefined;
  const hashSecret = Buffer.from(
    await readOrCreateSetting(db, HASH_SECRET_SETTING, () => randomBytes(32).toString('base64url')),
    'base64url',
  );
  const hash = (...parts: string[]) =>
    createHmac('sha256', hashSecret)
      .update(parts.join('\u0000'))
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  const legacyUntil = Number(
    await readOrCreateSetting(db, LEGACY_UNTIL_SETTING, () =>
      String(upgraded ? Date.now() + LEGACY_WINDOW_MS : 0),
    ),
  );

  let lastRefresh = 0;
  let refreshing: Promise<void> | undefined;
  /** Re-reads the stored keys (at most every few seconds; never for SPOOR_TOKEN_KEYS). */
  const refresh = (): Promise<void> => {
    if (configuredKeys || Date.now() - lastRefresh < KEY_REFRESH_INTERVAL_MS)
      return refreshing ?? Promise.resolve();
    lastRefresh = Date.now();
    refreshing = readStoredKeys(db)
      .then((stored) => seal.useKeys(toSealKeys(stored)))
      .catch(() => {}) // the next unknown version tries again
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  const seal = new Seal(configuredKeys ?? toSealKeys(await readStoredKeys(db)), {
    legacy: { hash, until: legacyUntil },
    // Synchronous openers (the handoff on the hot path) refuse this one value and learn the key for the next.
    onUnknownKey: () => void refresh(),
  });
  const signer = new TokenSigner(seal);

  return {
    seal,
    signer,
    async verify(token, kind) {
      let opened = signer.open(token, kind);
      if (!opened.ok && opened.error === 'unknown-key') {
        await refresh();
        opened = signer.open(token, kind);
      }
      return opened.ok ? opened.value : null;
    },
    async open(purpose, value, now) {
      let opened = seal.openText(purpose, value, now);
      if (!opened.ok && opened.error === 'unknown-key') {
        await refresh();
        opened = seal.openText(purpose, value, now);
      }
      return opened;
    },
    hash,
  };
}

/**
 * Adds a new seal key in front of the stored ones (spoor rotate-seal-key). Old keys stay, so every
 * value already handed out keeps opening; nodes seal with the new key when they restart.
 */
export async function rotateStoredSealKey(db: Kysely<Database>): Promise<number> {
  const stored = await readStoredKeys(db);
  const version = Math.max(...stored.map((key) => key.version)) + 1;
  if (version > 255) throw new Error('All 255 seal key versions are used.');
  await writeSetting(db, SEAL_KEYS_SETTING, JSON.stringify([newKey(version), ...stored]));
  return version;
}
/** The former name, kept for callers of the email-token era. */
export const rotateStoredTokenKey = rotateStoredSealKey;

/**
 * Removes an older seal key from the stored ones (spoor retire-seal-key): values sealed with it are
 * refused as retired once the nodes restart. The key that seals now cannot be retired.
 */
export async function retireStoredSealKey(
  db: Kysely<Database>,
  version: number,
): Promise<{ retired: number; remaining: number[] }> {
  const stored = await readStoredKeys(db);
  const current = stored[0]?.version;
  if (!stored.some((key) => key.version === version))
    throw new Error(
      `There is no seal key version ${version}; the stored versions are ${stored.map((k) => k.version).join(', ')}.`,
    );
  if (version === current)
    throw new Error(
      `Key version ${version} seals now: rotate first (spoor rotate-seal-key), restart the nodes, then retire it.`,
    );
  const remaining = stored.filter((key) => key.version !== version);
  await writeSetting(db, SEAL_KEYS_SETTING, JSON.stringify(remaining));
  return { retired: version, remaining: remaining.map((key) => key.version) };
}
