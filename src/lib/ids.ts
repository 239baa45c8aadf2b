// Random identifiers: 128 bits, URL-safe, never derived from personal data and never sequential.
import { createHash, randomBytes } from 'node:crypto';

/** 22 characters of base64url = 128 random bits. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** Shape of ids we generate and accept from browsers (visitor, visit and event ids). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export function isWellFormedId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
