// HTTP for email engagement: the open pixel, the click redirect and one-click unsubscribe (RFC 8058).
// Tokens are verified here; the destination of a click comes from storage only. Insights: insights-routes.ts.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { media, noContent } from '../../api-contract.ts';
import type { Config } from '../../config.ts';
import { VISITOR_COOKIE } from '../../cookies/definitions.ts';
import { signHandoff, withHandoff } from '../../identity/handoff.ts';
import { AppError } from '../../lib/errors.ts';
import { Memo } from '../../lib/memo.ts';
import { outageLog } from '../../lib/outage-log.ts';
import { answerInvalidLink, FOR_PEOPLE, page } from '../../lib/people-pages.ts';
import { rateLimited } from '../../lib/rate-limited.ts';
import type { TokenClaims } from '../../lib/tokens.ts';
import { WindowCounter } from '../../lib/window-counter.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import { unavailableReason } from '../../storage/unavailable.ts';
import { readCookie, setVisitorCookie } from '../../tracking/tracking-cookies.ts';
import { TrackedOrigins } from '../../websites/tracked-origins.ts';
import { WEBSITE_DEFAULTS } from '../../websites/website.ts';
import type { EngagementHit, HitKind, HitOutcome } from './engagement-hit.ts';
import { createEngagementWriter } from './engagement-writer.ts';
import { type Link, LinkCache } from './link-cache.ts';
import { loadMachineRanges } from './machine-ranges.ts';
import { checkOneClickBody, parseMultipartFields } from './one-click-body.ts';
import {
  confirmUnsubscribePage,
  honeypotPage,
  invalidLinkPage,
  unsubscribedPage,
  unusableDestinationPage,
} from './pages.ts';
import { PIXEL_GIF, PIXEL_HEADERS } from './pixel-gif.ts';
import { CLICK_PATH, PIXEL_PATH, UNSUBSCRIBE_PATH } from './tracking-urls.ts';

export interface EngagementDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
}

const ONE_CLICK_BODY_LIMIT = 4_096;
/**
 * Limits per recipient (per token), not per client address: opens and clicks of thousands of people
 * arrive through a few mail-proxy and gateway addresses (Gmail, Apple, Safe Links), and a limit per
 * address would silently drop their data. Over these a hit is still answered (the GIF, the redirect)
 * but not recorded; a person's link always works.
 */
const RECORDED_OPENS_PER_RECIPIENT_PER_MINUTE = 30;
const RECORDED_CLICKS_PER_RECIPIENT_PER_MINUTE = 30;
/** Unsubscribes are idempotent; more than this per recipient per minute is abuse and gets a 429. */
const UNSUBSCRIBE_REQUESTS_PER_RECIPIENT_PER_MINUTE = 10;

const PAGE_ERRORS: Record<number, string> = {
  400: 'A malformed request (a page says why).',
  404: 'An invalid or unknown link (a page).',
  413: 'The body is too large.',
  415: 'A body that is not a form post.',
  422: 'The destination stored for this link cannot be redirected to (a page).',
  429: 'Too many requests; `Retry-After` says when to try again (a page).',
  500: "A fault on Spoor's side (a page).",
  503: 'The database cannot be used right now; `Retry-After` says when to try again (a page).',
};
const pageErrors = (...statuses: number[]): Record<number, ReturnType<typeof page>> =>
  Object.fromEntries(statuses.map((status) => [status, page(PAGE_ERRORS[status] ?? 'An error page.')]));

/** What other email pages use of the engagement endpoints: the one way to unsubscribe. */
export interface EngagementEndpoints {
  /**
   * Unsubscribes the recipient of a send through the engagement writer, as the unsubscribe link does:
   * counted at most once per message and recipient, each ended membership a consent event.
   */
  unsubscribe(
    request: FastifyRequest,
    recipient: { sendId: string; contactId: string },
    unsubscribe: NonNullable<EngagementHit['unsubscribe']>,
  ): Promise<HitOutcome>;
}

export function engagementRoutes(app: FastifyInstance, deps: EngagementDeps): EngagementEndpoints {
  const { storage, config, secrets } = deps;
  const writer = createEngagementWriter(storage, {
    maxBatch: config.maxBatchSize,
    trackingDefault: config.emailTrackingDefault,
  });
  app.addHook('onClose', async () => writer.close());
  const ranges = loadMachineRanges(config.machineRangesFile);
  const links = new LinkCache(storage.db);
  const trackedOrigins = new TrackedOrigins(storage.db);
  const openLimit = new WindowCounter(RECORDED_OPENS_PER_RECIPIENT_PER_MINUTE, 60_000);
  const clickLimit = new WindowCounter(RECORDED_CLICKS_PER_RECIPIENT_PER_MINUTE, 60_000);
  const unsubscribeLimit = new WindowCounter(UNSUBSCRIBE_REQUESTS_PER_RECIPIENT_PER_MINUTE, 60_000);
  // Invalid tokens are limited per client address: guessing and enumerating get a 429 soon.
  const invalidClickLimit = new WindowCounter(config.collectRateLimit, 60_000);
  const invalidUnsubscribeLimit = new WindowCounter(config.formRateLimit, 60_000);
  // A database outage fails every hit: logged when it starts, then once per interval with a count.
  const outages = outageLog(app.log);
  app.addHook('onClose', async () => outages.flush());
  const logUnrecorded = (what: string, error: unknown) => {
    const reason = unavailableReason(error);
    if (reason) outages.note(what, reason, error);
    else app.log.error({ err: error }, what);
  };
  const recipientOf = (claims: TokenClaims) => `${claims.sendId}:${claims.contactId}`;
  // The same recipients and addresses come back (opens repeat, proxies carry many people): remember
  // their keyed hashes rather than computing two HMACs for every hit. Memory only, bounded.
  const recipientKeys = new Memo(100_000);
  const sourceHashes = new Memo(100_000);

  const hitOf = (
    request: FastifyRequest,
    kind: HitKind,
    claims: TokenClaims,
    link?: Link,
  ): EngagementHit => ({
    kind,
    sendId: claims.sendId,
    contactId: claims.contactId,
    recipientKey: recipientKeys.get(recipientOf(claims), () => secrets.hash(claims.sendId, claims.contactId)),
    position: claims.position,
    honeypot: link?.honeypot ?? false,
    method: request.method,
    userAgent: request.headers['user-agent'] ?? null,
    network: ranges.classify(request.ip),
    sourceHash: sourceHashes.get(request.ip ?? '', () => secrets.hash(request.ip ?? '')),
    visitorCookie: kind === 'click' ? readCookie(request.headers.cookie, VISITOR_COOKIE) : null,
    at: Date.now(),
  });

  const tooMany = (reply: FastifyReply, limit: WindowCounter) =>
    rateLimited(reply, limit.secondsLeft(), 'requests for this link');
  const invalid = (request: FastifyRequest, reply: FastifyReply, limit: WindowCounter) =>
    answerInvalidLink(request, reply, limit, invalidLinkPage());

  app.register(async (scope) => {
    // Only here: RFC 8058 asks mail providers for multipart/form-data; nothing else in Spoor takes it.
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'string', bodyLimit: ONE_CLICK_BODY_LIMIT },
      (request, body, done) => {
        try {
          done(null, parseMultipartFields(body as string, request.headers['content-type'] ?? ''));
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );
    // The pixel answers its GIF to everything under its path, whatever the token: it is never refused.
    scope.get(
      `${PIXEL_PATH}*`,
      {
        config: { ...FOR_PEOPLE, ownResponsesOnly: true },
        schema: {
          operationId: 'recordOpen',
          tags: ['email engagement'],
          summary: 'The open pixel in sent email: records an open, answers a 1×1 GIF.',
          description:
            'Answers its GIF to everything under its path, whatever the token: a mail client never sees an error. An open with a genuine token is recorded (at most 30 per recipient a minute).',
          params: Type.Object({ '*': Type.String({ description: '{token}.gif' }) }),
          response: { 200: media('image/gif', 'A transparent 1×1 GIF.', Type.String({ format: 'binary' })) },
        },
      },
      async (request, reply) => {
        const file = (request.params as { '*': string })['*'];
        const claims = file.endsWith('.gif') ? await secrets.verify(file.slice(0, -4), 'open') : null;
        if (claims && openLimit.allow(recipientOf(claims))) {
          try {
            await writer.record(hitOf(request, 'open', claims));
          } catch (error) {
            logUnrecorded('an email open could not be recorded', error);
          }
        }
        return reply.headers(PIXEL_HEADERS).send(PIXEL_GIF);
      },
    );

    scope.route({
      method: ['GET', 'HEAD'],
      url: `${CLICK_PATH}*`,
      exposeHeadRoute: false,
      config: FOR_PEOPLE,
      schema: {
        operationId: 'followEmailLink',
        tags: ['email engagement'],
        summary: 'A tracked link in sent email: records the click, redirects to the destination.',
        description:
          'An invalid or unknown link is a 404 page (limited per client address: 429). The hidden honeypot link answers a page; a stored destination that cannot be redirected to answers 422. HEAD is answered like GET (scanners use it).',
        params: Type.Object({ '*': Type.String({ description: 'The click token.' }) }),
        response: {
          200: page('The honeypot link: a page no person sees.'),
          302: noContent("To the destination (with a visitor handoff for pages carrying Spoor's script)."),
          422: page(PAGE_ERRORS[422] as string),
          ...pageErrors(400, 404, 429, 500, 503),
        },
      },
      handler: async (request, reply) => {
        const claims = await secrets.verify((request.params as { '*': string })['*'], 'click');
        const link = claims ? await links.get(claims.sendId, claims.position) : null;
        if (!claims || !link) return invalid(request, reply, invalidClickLimit);
        if (!link.honeypot && !/^https?:\/\//i.test(link.url))
          return invalid(request, reply, invalidClickLimit);
        let visitorId: string | null = null;
        try {
          if (clickLimit.allow(recipientOf(claims)))
            visitorId = (await writer.record(hitOf(request, 'click', claims, link))).visitorId;
        } catch (error) {
          // The person still gets where the email promised; only the count is lost, and logged.
          logUnrecorded('an email click could not be recorded', error);
        }
        reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
        if (link.honeypot) return reply.type('text/html; charset=utf-8').send(honeypotPage());
        const { target, targetOrigin } = link;
        if (!target || !targetOrigin)
          return reply.code(422).type('text/html; charset=utf-8').send(unusableDestinationPage());
        if (!visitorId) return reply.redirect(target, 302);
        reply.header(
          'set-cookie',
          setVisitorCookie(visitorId, 'third-party', WEBSITE_DEFAULTS.visitorCookieDays),
        );
        // Browsers that block third-party cookies never send that cookie from the customer's site: a
        // short-lived handoff in the landing URL tells the site's script who this browser is (only for
        // pages that carry Spoor's script; another company's site gets the plain destination).
        if (!(await trackedOrigins.includes(targetOrigin))) return reply.redirect(target, 302);
        return reply.redirect(withHandoff(target, signHandoff(secrets.seal, visitorId, Date.now())), 302);
      },
    });

    const unsubscribeParams = Type.Object({ token: Type.String({ description: 'The unsubscribe token.' }) });
    const unsubscribeClaims = async (request: FastifyRequest, reply: FastifyReply) => {
      const claims = await secrets.verify((request.params as { token: string }).token, 'unsubscribe');
      if (claims && !unsubscribeLimit.allow(recipientOf(claims))) throw tooMany(reply, unsubscribeLimit);
      return claims;
    };
    scope.get(
      `${UNSUBSCRIBE_PATH}:token`,
      {
        config: FOR_PEOPLE,
        schema: {
          operationId: 'confirmUnsubscribe',
          tags: ['email engagement'],
          summary: 'The unsubscribe link in sent email: a page whose button unsubscribes.',
          description: 'Changes nothing (scanners fetch every link); the button POSTs to the same address.',
          params: unsubscribeParams,
          response: { 200: page('The confirmation page.'), ...pageErrors(400, 404, 429, 500, 503) },
        },
      },
      async (request, reply) => {
        if (!(await unsubscribeClaims(request, reply)))
          return invalid(request, reply, invalidUnsubscribeLimit);
        // A GET changes nothing: scanners fetch every link. The page's button POSTs.
        return reply
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(confirmUnsubscribePage());
      },
    );

    scope.post(
      `${UNSUBSCRIBE_PATH}:token`,
      {
        config: FOR_PEOPLE,
        bodyLimit: ONE_CLICK_BODY_LIMIT,
        schema: {
          operationId: 'unsubscribe',
          tags: ['email engagement'],
          summary: "Unsubscribe: the page's button, or a mail provider's one-click unsubscribe (RFC 8058).",
          description:
            'Posted as application/x-www-form-urlencoded or multipart/form-data (`List-Unsubscribe=One-Click`); answers a plain 200 page, no redirect, no cookies. Idempotent.',
          params: unsubscribeParams,
          consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
          response: { 200: page('Unsubscribed.'), ...pageErrors(400, 404, 413, 415, 429, 500, 503) },
        },
      },
      async (request, reply) => {
        const claims = await unsubscribeClaims(request, reply);
        if (!claims) return invalid(request, reply, invalidUnsubscribeLimit);
        const type = request.headers['content-type'];
        if (type && !/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
          throw new AppError(
            'bad_request',
            'A one-click unsubscribe is posted as multipart/form-data or application/x-www-form-urlencoded.',
          );
        }
        checkOneClickBody(request.body);
        await writer.record(hitOf(request, 'unsubscribe', claims));
        // RFC 8058: a plain 200, no redirect, no cookies.
        return reply
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(unsubscribedPage());
      },
    );
  });

  return {
    unsubscribe: (request, recipient, unsubscribe) =>
      writer.record({
        ...hitOf(request, 'unsubscribe', { kind: 'unsubscribe', ...recipient, position: 0 }),
        unsubscribe,
      }),
  };
}
