// Password hashing (argon2id with OWASP's parameters, docs/decisions/019-accounts.md) and the password rule.
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../../lib/errors.ts';

/** OWASP Password Storage Cheat Sheet, first argon2id line: m=19 MiB, t=2, p=1. */
export const ARGON2_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Why a password cannot be used (a sentence), or null when it can. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH)
    return `A password needs at least ${MIN_PASSWORD_LENGTH} characters (a few words make a good one).`;
  if (length > MAX_PASSWORD_LENGTH) return `A password has at most ${MAX_PASSWORD_LENGTH} characters.`;
  return null;
}

export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('unprocessable', problem, { fields: { password: problem } });
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Hashed once at start: checked against when the email is unknown, so a sign-in for an unknown address
 * takes as long as one for a known address with a wrong password (no enumeration by timing).
 */
let decoy: Promise<string> | undefined;

/** Whether `password` matches `stored`; with no stored hash, burns the same time and says no. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
  if (stored === null) {
    decoy ??= hash('decoy password never used', ARGON2_OPTIONS);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
