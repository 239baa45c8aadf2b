// The one way Spoor's own limiters refuse a request: a 429 whose Retry-After header says when to come back
// (the @fastify/rate-limit routes send theirs through the plugin's own headers).
import { AppError } from './errors.ts';

/** Sets Retry-After on the reply and returns the error to throw (or pass to `done`). */
export function rateLimited(
  reply: { header(name: string, value: string): unknown },
  secondsLeft: number,
  what = 'requests from this client',
): AppError {
  const seconds = Math.max(1, Math.ceil(secondsLeft));
  reply.header('retry-after', String(seconds));
  return new AppError('rate_limited', `Too many ${what}; try again in ${seconds} s.`);
}
