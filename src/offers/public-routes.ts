// HTTP for people following offer links: the recipient's sealed link (claims), the offer's public link
// (claims for no one: copies rendered without a recipient) and Spoor's page for each closed state.
// Every redirect is a 302 with Cache-Control: no-store (a cached redirect would skip the claim and the
// limit) to one of the offer's stored URLs, never to anything the request names.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noContent } from '../api-contract.ts';
import type { Config } from '../config.ts';
import { loadMachineRanges } from '../email/engagement/machine-ranges.ts';
import { invalidLinkPage } from '../email/engagement/pages.ts';
import { OFFER_LINK_PATH, OFFER_PAGE_PATH } from '../email/engagement/tracking-urls.ts';
import { answerInvalidLink, FOR_PEOPLE, page } from '../lib/people-pages.ts';
import { rateLimited } from '../lib/rate-limited.ts';
import { WindowCounter } from '../lib/window-counter.ts';
import type { InstallSecrets } from '../secrets/install-secrets.ts';
import type { Storage } from '../storage/database.ts';
import { followOffer } from './follow-offer.ts';
import { termsOf, urlsOf } from './offer.ts';
import { CLOSED_STATES, type ClosedState, stateOf, urlOfState } from './offer-rules.ts';
import { offerStatePage } from './pages.ts';
import { findOffer } from './store.ts';

export interface OfferPublicDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
}

/**
 * Follows of one recipient's link per minute (per node), over which a 429 page answers: every follow is a
 * row, and a genuine link must not let anyone fill the disk. A person clicks a few times at most.
 */
const FOLLOWS_PER_RECIPIENT_PER_MINUTE = 30;
const PAGES = {
  400: page('A malformed request (a page says why).'),
  404: page('An invalid or unknown link (a page).'),
  429: page('Too many invalid links from this address; `Retry-After` says when to try again (a page).'),
  500: page("A fault on Spoor's side (a page)."),
  503: page('The database cannot be used right now; `Retry-After` says when to try again (a page).'),
};

/** Spoor's page for an offer's closed state (an offer given no URL of its own for it). */
export const offerStatePath = (offerId: string, state: ClosedState) =>
  `${OFFER_PAGE_PATH}${encodeURIComponent(offerId)}/${state.replace('_', '-')}`;

export function offerPublicRoutes(app: FastifyInstance, deps: OfferPublicDeps): void {
  const { storage, config, secrets } = deps;
  const ranges = loadMachineRanges(config.machineRangesFile);
  const invalidLimit = new WindowCounter(config.collectRateLimit, 60_000);
  const followLimit = new WindowCounter(FOLLOWS_PER_RECIPIENT_PER_MINUTE, 60_000);
  const spoorPage = (offerId: string, state: ClosedState) =>
    `${config.publicUrl}${offerStatePath(offerId, state)}`;

  const invalid = (request: FastifyRequest, reply: FastifyReply) =>
    answerInvalidLink(request, reply, invalidLimit, invalidLinkPage());
  const redirect = (reply: FastifyReply, location: string) =>
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').redirect(location, 302);

  app.route({
    method: ['GET', 'HEAD'],
    url: `${OFFER_LINK_PATH}:token`,
    exposeHeadRoute: false,
    config: FOR_PEOPLE,
    schema: {
      operationId: 'followOfferLink',
      tags: ['offers'],
      summary:
        "A recipient's offer link in sent email: claims the offer for them while it can, and redirects.",
      description:
        "A person's follow (not a scanner's, a preview's or a HEAD) takes a claim while the offer is valid and has claims left and the contact holds fewer than its per-contact limit; the follow and its reason (claimed, already_claimed, not_started, ended, exhausted, withdrawn, machine) are recorded. Always a 302 with `Cache-Control: no-store` to the offer's URL for that reason (Spoor's page for a closed state without one). An invalid link is a 404 page (limited per client address: 429); more than 30 follows of one recipient's link a minute answer 429.",
      params: Type.Object({ token: Type.String({ description: 'The sealed offer link.' }) }),
      response: { 302: noContent("To the offer's URL for the reason."), ...PAGES },
    },
    handler: async (request, reply) => {
      const opened = await secrets.open('offer link', (request.params as { token: string }).token);
      const fields = opened.ok && opened.value.length === 3 ? opened.value : null;
      if (!fields) return invalid(request, reply);
      const [offerId, sendId, contactId] = fields as [string, string, string];
      if (!followLimit.allow(fields.join(':')))
        throw rateLimited(reply, followLimit.secondsLeft(), 'follows of this link');
      const outcome = await followOffer(
        storage,
        {
          offerId,
          sendId,
          contactId,
          method: request.method,
          userAgent: request.headers['user-agent'] ?? null,
          network: ranges.classify(request.ip),
          sourceHash: secrets.hash(request.ip ?? ''),
          recipientKey: secrets.hash(sendId, contactId),
          at: Date.now(),
        },
        spoorPage,
      );
      if (!outcome.found) return invalid(request, reply);
      return redirect(reply.header('x-spoor-offer', outcome.reason), outcome.location);
    },
  });

  const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
  app.route({
    method: ['GET', 'HEAD'],
    url: `${OFFER_PAGE_PATH}:id`,
    exposeHeadRoute: false,
    config: FOR_PEOPLE,
    schema: {
      operationId: 'openOffer',
      tags: ['offers'],
      summary: "An offer's public link: where the offer sends anyone now, claiming for no one.",
      description:
        'What a copy of an email rendered without a recipient (a preview, a forwarded copy) links to: a 302 with `Cache-Control: no-store` to the claim URL while the offer is valid, else to its URL (or page) for its state. Records nothing.',
      params: IdParams,
      response: { 302: noContent("To the offer's URL for its state."), ...PAGES },
    },
    handler: async (request, reply) => {
      const offer = await findOffer(storage.db, (request.params as { id: string }).id);
      if (!offer) return invalid(request, reply);
      const state = stateOf(termsOf(offer), Date.now());
      return redirect(
        reply,
        urlOfState(urlsOf(offer), state, (closed) => spoorPage(offer.id, closed)),
      );
    },
  });

  app.get(
    `${OFFER_PAGE_PATH}:id/:state`,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'offerStatePage',
        tags: ['offers'],
        summary:
          "Spoor's page for an offer that cannot be claimed (not started, ended, exhausted, withdrawn).",
        description:
          'Where an offer without a URL of its own for a state sends people: plain HTML, no script. An unknown offer is a 404 page.',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64 }),
          state: Type.Union(CLOSED_STATES.map((s) => Type.Literal(s.replace('_', '-')))),
        }),
        response: { 200: page('The page.'), ...PAGES },
      },
    },
    async (request, reply) => {
      const { id, state } = request.params as { id: string; state: string };
      const offer = await findOffer(storage.db, id);
      if (!offer) return invalid(request, reply);
      return reply
        .header('cache-control', 'no-store')
        .header('x-robots-tag', 'noindex')
        .type('text/html; charset=utf-8')
        .send(offerStatePage(offer.name, state.replace('-', '_') as ClosedState));
    },
  );
}
