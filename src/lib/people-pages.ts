// What the hosted pages for people share (the subscription center, forward to a friend, an offer's link,
// the account pages, the links in an email): the route config that has the error mapper answer with pages,
// a page's entry in the API contract, the reply of a page that holds a token, the answer to a link that is
// not genuine, and the guard that takes only the page's own form posts.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { media } from '../api-contract.ts';
import { AppError } from './errors.ts';
import { rateLimited } from './rate-limited.ts';
import type { WindowCounter } from './window-counter.ts';

/** People meet these endpoints, not API clients: the error mapper answers their errors with short pages. */
export const FOR_PEOPLE = { errorsAs: 'page' } as const;

/** A page in the API contract. */
export const page = (description: string) => media('text/html', description);

/** The error pages of a hosted page taking a sealed token in its address and a form post. */
export const TOKEN_PAGE_ERRORS = {
  400: page('A malformed request (a page says why).'),
  404: page('A link that is not valid, or names nothing we hold (a page).'),
  410: page('An expired link (a page).'),
  413: page('The body is too large.'),
  415: page('A body that is not a form post.'),
  429: page('Too many requests; `Retry-After` says when to try again (a page).'),
  500: page("A fault on Spoor's side (a page)."),
  503: page('The database cannot be used right now (a page).'),
};

/**
 * A hosted page's reply: no cache, no frames, no script, not indexed. The token is in the address: no cache
 * keeps it and no Referer carries it to another site. `same-origin` where the page posts its own form to a
 * route that checks Origin: under `no-referrer` a browser posts it with `Origin: null`.
 */
export function sendPage(
  reply: FastifyReply,
  status: number,
  body: string,
  referrer: 'no-referrer' | 'same-origin' = 'no-referrer',
) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', referrer)
    .header('x-frame-options', 'DENY')
    .header('x-robots-tag', 'noindex')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .send(body);
}

/**
 * A link that is not genuine (forged, garbled, unknown): `page` saying so, 404, not cached. An address
 * sending more of them than `guesses` allows is guessing tokens: 429 with Retry-After.
 */
export function answerInvalidLink(
  request: FastifyRequest,
  reply: FastifyReply,
  guesses: WindowCounter,
  page: string,
) {
  if (!guesses.allow(request.ip ?? ''))
    throw rateLimited(reply, guesses.secondsLeft(), 'requests for this link');
  return reply.code(404).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
}

/** Only the page's own form posts: nothing else has a reason to post here (a script would be someone else's). */
export const formPostsOnly: onRequestHookHandler = (request, _reply, done) => {
  const type = request.headers['content-type'] ?? '';
  done(
    /^application\/x-www-form-urlencoded\b/i.test(type)
      ? undefined
      : new AppError('bad_request', 'This page takes the form it shows (application/x-www-form-urlencoded).'),
  );
};
