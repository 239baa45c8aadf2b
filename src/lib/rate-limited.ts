// Spoor's one rate limiter at the HTTP edge: a per-client WindowCounter checked in an onRequest hook, and the
// one way a limit refuses: a 429 whose Retry-After header says when to come back. It replaced
// @fastify/rate-limit on the form routes so that every limit counts and answers alike (see window-counter.ts
// for why the counter is ours).
import type { onRequestHookHandler } from 'fastify';
import { AppError } from './errors.ts';
import { WindowCounter } from './window-counter.ts';

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

/**
 * An onRequest hook allowing `max` requests per client address per window, checked before the body is read
 * (the way a flood is cheapest to turn away). Each call makes its own count, so give each route its own.
 */
export function limitPerClient(max: number, windowMs = 60_000): onRequestHookHandler {
  const counter = new WindowCounter(max, windowMs);
  return (request, reply, done) => {
    if (counter.allow(request.ip ?? '')) return done();
    done(rateLimited(reply, counter.secondsLeft()));
  };
}
