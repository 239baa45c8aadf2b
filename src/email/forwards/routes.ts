// HTTP for forward to a friend. The form a recipient's {{ forward_url }} opens: a GET only renders it (link
// scanners fetch every link); its POST (url-encoded, the sealed token in the body, limited per client
// address by the project's rate limiter) logs each address and queues the copies, and answers once that is
// durable. Beside the contacts' engagement routes, the pixel and click redirects of the friends' copies:
// their own paths and purposes, so the contacts' hot path never decodes a copy's token.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { media, noContent } from '../../api-contract.ts';
import type { Config } from '../../config.ts';
import { findContactRow } from '../../contacts/store.ts';
import { Memo } from '../../lib/memo.ts';
import {
  answerInvalidLink,
  FOR_PEOPLE,
  formPostsOnly,
  page,
  sendPage,
  TOKEN_PAGE_ERRORS,
} from '../../lib/people-pages.ts';
import { limitPerClient } from '../../lib/rate-limited.ts';
import { WindowCounter } from '../../lib/window-counter.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import { LinkCache } from '../engagement/link-cache.ts';
import { loadMachineRanges } from '../engagement/machine-ranges.ts';
import { honeypotPage, invalidLinkPage, unusableDestinationPage } from '../engagement/pages.ts';
import { PIXEL_GIF, PIXEL_HEADERS } from '../engagement/pixel-gif.ts';
import { mergeContactOf } from '../messages/merge-contact.ts';
import { prepareMessage } from '../messages/render-email.ts';
import { findSend } from '../sends/store.ts';
import { problem } from '../subscription-center/routes.ts';
import {
  COPY_CLICK_PATH,
  COPY_PIXEL_PATH,
  type CopyClaims,
  FORWARD_PATH,
  openCopyToken,
  openForwardFormToken,
} from './forward-links.ts';
import { forwardedPage, forwardFormPage, HONEYPOT_FIELD } from './pages.ts';
import { recordCopyEvent } from './record-copy-event.ts';
import { recordForward } from './record-forward.ts';

export interface ForwardRoutesDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
}

/** As the contacts' links: opens and clicks recorded per copy per minute; over it, answered but not recorded. */
const RECORDED_HITS_PER_COPY_PER_MINUTE = 30;

export function forwardRoutes(scope: FastifyInstance, deps: ForwardRoutesDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { storage, config, secrets } = deps;
  const db = storage.db;
  const ranges = loadMachineRanges(config.machineRangesFile);
  const links = new LinkCache(db);
  const hitLimit = new WindowCounter(RECORDED_HITS_PER_COPY_PER_MINUTE, 60_000);
  const invalidLimit = new WindowCounter(config.collectRateLimit, 60_000);
  const sourceHashes = new Memo(10_000);
  const hashFriend = (match: string) => secrets.hash('forward friend', match);

  /** The forwarder's subject line, as their own email showed it (it is theirs to see). */
  async function formView(token: string) {
    const opened = openForwardFormToken(await secrets.open('forward form', token));
    if (typeof opened === 'string') return opened;
    const [send, contact] = await Promise.all([
      findSend(db, opened.sendId),
      findContactRow(db, opened.contactId),
    ]);
    if (!send || !contact) return 'gone' as const;
    let subject = '';
    try {
      subject = prepareMessage({ subject: send.subject, html: '<p></p>', text: null }).render(
        mergeContactOf(contact),
        null,
      ).subject;
    } catch {
      // A subject that cannot render here is simply not shown.
    }
    return { ...opened, subject };
  }

  const tokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 400 })) });
  app.get(
    FORWARD_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getForwardForm',
        tags: ['forward to a friend'],
        summary: "The forward-to-a-friend form a message's {{ forward_url }} opens.",
        description:
          'Up to 5 address fields and a button; no script. Changes nothing (link scanners fetch every link). The link names the send and the forwarder, sealed; it lasts 90 days (410 after).',
        querystring: tokenQuery,
        response: { 200: page('The form.'), ...TOKEN_PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const view = await formView(token);
      if (typeof view === 'string') return problem(reply, view);
      return sendPage(
        reply,
        200,
        forwardFormPage({ token, subject: view.subject, slots: config.forwards.perPost }),
      );
    },
  );

  const addresses = Type.Union([
    Type.String({ maxLength: 400 }),
    Type.Array(Type.String({ maxLength: 400 }), { maxItems: 20 }),
  ]);
  app.post(
    FORWARD_PATH,
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(config.formRateLimit), formPostsOnly],
      bodyLimit: 16_384,
      schema: {
        operationId: 'forwardToFriends',
        tags: ['forward to a friend'],
        summary: 'Forward the email: each address entered is logged as a forward and sent a copy.',
        description:
          'Posted by the form (application/x-www-form-urlencoded) with its sealed token and up to 5 `email` fields. Each address is logged as a forward; each gets a copy without any of the forwarder’s links unless it is suppressed, belongs to a contact who unsubscribed, or has had its copies for the day — the answer is the same either way. Refused with the form and a message (422) for an invalid address, more than 5 at once, or past the forwarder’s limit for this email. A filled honeypot gets the same answer and leaves nothing.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          token: Type.String({ maxLength: 400 }),
          email: Type.Optional(addresses),
          [HONEYPOT_FIELD]: Type.Optional(Type.String({ maxLength: 1_000 })),
        }),
        response: {
          200: page('Thank you (the same whatever became of each copy).'),
          422: page('The form again, saying what to correct.'),
          ...TOKEN_PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { token } = request.body;
      const view = await formView(token);
      if (typeof view === 'string') return problem(reply, view);
      const raw = request.body.email;
      const fields = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
      const result = await recordForward(
        { storage, limits: config.forwards, hashFriend },
        {
          sendId: view.sendId,
          contactId: view.contactId,
          fields,
          honeypot: (request.body[HONEYPOT_FIELD] ?? '') !== '',
          now: Date.now(),
        },
      );
      if (result === 'gone') return problem(reply, 'gone');
      if (result.done) return sendPage(reply, 200, forwardedPage());
      return sendPage(
        reply,
        422,
        forwardFormPage({
          token,
          subject: view.subject,
          slots: config.forwards.perPost,
          problem: result.problem,
          values: fields,
        }),
      );
    },
  );

  const hitOf = (request: FastifyRequest, kind: 'open' | 'click', claims: CopyClaims, honeypot: boolean) => ({
    kind,
    position: kind === 'click' ? claims.position : 0,
    honeypot,
    method: request.method,
    userAgent: request.headers['user-agent'] ?? null,
    network: ranges.classify(request.ip),
    sourceHash: sourceHashes.get(request.ip ?? '', () => secrets.hash(request.ip ?? '')),
    at: Date.now(),
  });
  const record = async (
    request: FastifyRequest,
    claims: CopyClaims,
    kind: 'open' | 'click',
    honeypot: boolean,
  ) => {
    if (!hitLimit.allow(claims.copyId)) return;
    try {
      await recordCopyEvent(storage, claims, hitOf(request, kind, claims, honeypot));
    } catch (error) {
      // The friend still gets the image or the page; only the count is lost, and logged.
      request.log.error({ err: error }, `a forwarded copy's ${kind} could not be recorded`);
    }
  };
  const invalid = (request: FastifyRequest, reply: FastifyReply) =>
    answerInvalidLink(request, reply, invalidLimit, invalidLinkPage());

  app.get(
    `${COPY_PIXEL_PATH}*`,
    {
      config: { ...FOR_PEOPLE, ownResponsesOnly: true },
      schema: {
        operationId: 'recordForwardedOpen',
        tags: ['forward to a friend'],
        summary: "The open pixel of a friend's forwarded copy: records a forwarded open, answers a 1×1 GIF.",
        description:
          'Answers its GIF whatever the token. A genuine token records an open of the copy: the send’s and the forwarder’s, never a contact’s (machine opens labelled as for contacts).',
        params: Type.Object({ '*': Type.String({ description: '{token}.gif' }) }),
        response: { 200: media('image/gif', 'A transparent 1×1 GIF.', Type.String({ format: 'binary' })) },
      },
    },
    async (request, reply) => {
      const file = request.params['*'];
      const claims = file.endsWith('.gif') ? openCopyToken(secrets.seal, 'open', file.slice(0, -4)) : null;
      if (claims) await record(request, claims, 'open', false);
      return reply.headers(PIXEL_HEADERS).send(PIXEL_GIF);
    },
  );

  app.route({
    method: ['GET', 'HEAD'],
    url: `${COPY_CLICK_PATH}*`,
    exposeHeadRoute: false,
    config: FOR_PEOPLE,
    schema: {
      operationId: 'followForwardedLink',
      tags: ['forward to a friend'],
      summary:
        "A tracked link of a friend's forwarded copy: records the click, redirects to the stored destination.",
      description:
        'The destination is the send’s stored link for the position; nothing in the URL chooses it. Scanner clicks are labelled as for contacts; no cookie is set. An invalid link is a 404 page (limited per client address: 429).',
      params: Type.Object({ '*': Type.String({ description: 'The click token.' }) }),
      response: {
        200: page('The honeypot link: a page no person sees.'),
        302: noContent('To the stored destination.'),
        400: page('A malformed request (a page says why).'),
        404: page('An invalid or unknown link (a page).'),
        422: page('The destination stored for this link cannot be redirected to (a page).'),
        429: page('Too many requests (a page).'),
        500: page("A fault on Spoor's side (a page)."),
        503: page('The database cannot be used right now (a page).'),
      },
    },
    handler: async (request, reply) => {
      const claims = openCopyToken(secrets.seal, 'click', (request.params as { '*': string })['*']);
      const link = claims ? await links.get(claims.sendId, claims.position) : null;
      if (!claims || !link) return invalid(request, reply);
      if (!link.honeypot && !/^https?:\/\//i.test(link.url)) return invalid(request, reply);
      await record(request, claims, 'click', link.honeypot);
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      if (link.honeypot) return reply.type('text/html; charset=utf-8').send(honeypotPage());
      const { target } = link;
      if (!target) return reply.code(422).type('text/html; charset=utf-8').send(unusableDestinationPage());
      return reply.redirect(target, 302);
    },
  });
}
