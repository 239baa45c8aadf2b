// Random identifiers: 128 bits, URL-safe, never derived from personal data and never sequential.
import { createHash, randomFillSync } from 'node:crypto';

const ID_BYTES = 16;
/** Random bytes for 256 ids, drawn from the system's CSPRNG at once (as randomUUID keeps a cache). */
const pool = Buffer.alloc(ID_BYTES * 256);
let poolUsed = pool.length;

/**
 * 22 characters of base64url = 128 random bits. One call into the random source per 256 ids: a call
 * per id cost ~1 µs on the hot paths, which make one for every new visit, visitor and email event.
 * Each thread has its own pool (its own copy of this module); no byte is handed out twice.
 */
export function newId(): string {
  if (poolUsed === pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  poolUsed += ID_BYTES;
  return pool.toString('base64url', poolUsed - ID_BYTES, poolUsed);
}

/** Shape of ids we generate and accept from browsers (visitor, visit and event ids). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export function isWellFormedId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
