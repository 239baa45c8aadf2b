// Comparing a secret a client gave with the one expected, without the time taken saying anything about
// either: both are hashed first, so they are the same length for timingSafeEqual.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
