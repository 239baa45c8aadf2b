// HTTP for registering on the event website: the event page's registration form (through the event's
// Spoor form), cancelling from the portal, and the waitlist's offer and leave links. Pages for people:
// a GET changes nothing (link scanners), each POST comes from Spoor's own pages (origin-checked).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { media, noContent } from '../api-contract.ts';
import type { Config } from '../config.ts';
import { ContactValidationError } from '../contacts/manage-contacts.ts';
import { PORTAL_COOKIE, VISITOR_COOKIE } from '../cookies/definitions.ts';
import { FormValidationError } from '../forms/submit-form.ts';
import { AppError } from '../lib/errors.ts';
import { limitPerClient } from '../lib/rate-limited.ts';
import type { InstallSecrets } from '../secrets/install-secrets.ts';
import type { Storage } from '../storage/database.ts';
import { readCookie } from '../tracking/tracking-cookies.ts';
import { textIn } from './event.ts';
import type { PageContext } from './pages.ts';
import { registerContact } from './register.ts';
import { contactFromForm } from './registration-form.ts';
import { fullPart, registrationProblem } from './registration-rules.ts';
import { type RegistrationStrings, registrationStrings } from './registration-strings.ts';
import { PORTAL_PATH, portalSessionOf, SIGN_IN_PATH } from './sign-in.ts';
import { findEvent, findEventBySlug, findRegistration, listPasses, listSessions } from './store.ts';
import { stringsFor } from './strings.ts';
import { acceptOffer, endRegistration } from './waitlist.ts';
import {
  ACCEPT_PATH,
  DECLINE_PATH,
  LEAVE_PATH,
  leaveToken,
  OFFER_PATH,
  openLeaveToken,
  openOfferToken,
} from './waitlist-links.ts';
import {
  leavePage,
  offerPage,
  outcomePage,
  PORTAL_CANCEL_PATH,
  REGISTER_SUFFIX,
  registrationResultPage,
} from './waitlist-pages.ts';
import { offerState } from './waitlist-rules.ts';
import { formatWhen } from './zoned-time.ts';

export interface RegistrationRouteDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
  /** From public-routes.ts: the page's language, the reply of a page, the post guards. */
  uiContext: (request: FastifyRequest, reply: FastifyReply, path: string) => PageContext;
  eventContext: (
    request: FastifyRequest,
    reply: FastifyReply,
    languages: readonly string[],
    path: string,
  ) => PageContext;
  send: (reply: FastifyReply, status: number, body: string) => FastifyReply;
  fromOwnPages: onRequestHookHandler;
  formPostsOnly: onRequestHookHandler;
  pageErrors: Record<number, unknown>;
}

const page = (description: string) => media('text/html', description);
const TokenBody = Type.Object({ token: Type.String({ maxLength: 400 }) });
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 400 })) });
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function registrationRoutes(scope: FastifyInstance, deps: RegistrationRouteDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { storage, config, secrets, send } = deps;
  const db = storage.db;
  const offerMs = config.eventWaitlistOfferHours * 3_600_000;
  const errors = deps.pageErrors as Record<number, TSchema>;
  const posted = {
    onRequest: [limitPerClient(config.formRateLimit), deps.fromOwnPages, deps.formPostsOnly],
    bodyLimit: 16_384,
  };
  const FOR_PEOPLE = { errorsAs: 'page' } as const;
  const sessionOf = (request: FastifyRequest) =>
    portalSessionOf(db, secrets, readCookie(request.headers.cookie, PORTAL_COOKIE));

  app.post(
    `/events/:slug${REGISTER_SUFFIX}`,
    {
      config: FOR_PEOPLE,
      ...posted,
      schema: {
        operationId: 'registerOnEventPage',
        tags: ['event website'],
        summary:
          "The event page's registration form: register (or join the waitlist) through the event's form.",
        description:
          "A form submission of the event's Spoor form (duplicate detection, identity, consents as for any form), then a registration with exact capacity. A signed-in portal contact sends no name or email. Refusals (closed, unpublished or cancelled event, a pass or session not the event's, a session the pass does not open, full without `waitlist`) are a page saying why, and store nothing; a full one offers to join the waitlist.",
        consumes: ['application/x-www-form-urlencoded'],
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        body: Type.Object({
          pass: Type.Optional(Type.String({ maxLength: 64 })),
          session: Type.Optional(
            Type.Union([
              Type.String({ maxLength: 64 }),
              Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }),
            ]),
          ),
          firstName: Type.Optional(Type.String({ maxLength: 200 })),
          lastName: Type.Optional(Type.String({ maxLength: 200 })),
          email: Type.Optional(Type.String({ maxLength: 320 })),
          waitlist: Type.Optional(Type.String({ maxLength: 5 })),
          lang: Type.Optional(Type.String({ maxLength: 35 })),
          _hp: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: page('Registered, or on the waitlist.'),
          404: page('No published event with this slug.'),
          409: page('Full (with a button joining the waitlist), or registered already.'),
          422: page('Not open for registration, or a choice that is not allowed: nothing stored.'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const event = await findEventBySlug(db, request.params.slug.toLowerCase());
      if (!event || event.status === 'draft') {
        const context = deps.uiContext(request, reply, '/events');
        const [title, text] = stringsFor(context.language).notFound;
        return send(reply, 404, outcomePage(context, title, text, false));
      }
      const context = deps.eventContext(request, reply, event.languages, `/events/${event.slug}`);
      const eventName = textIn(event.texts, context.language, event.languages[0] ?? '').name;
      const words = registrationStrings(context.language);
      const body = request.body;
      const ask = { passId: body.pass || null, sessionIds: [...new Set(list(body.session))].sort() };
      const waitlist = body.waitlist === '1';
      const [passes, sessions] = [await listPasses(db, event.id), await listSessions(db, event.id)];
      const refuse = (status: number, problem: string, full = false) => {
        const retry = full
          ? (Object.fromEntries(
              Object.entries(body).filter(([k, v]) => k !== 'waitlist' && k !== '_hp' && v !== undefined),
            ) as Record<string, string | string[]>)
          : null;
        return send(
          reply,
          status,
          registrationResultPage(context, {
            eventName,
            slug: event.slug,
            outcome: { problem },
            retryAsWaitlist: retry,
          }),
        );
      };
      // Everything that can be told before storing anything is told first: nothing is stored on a refusal.
      const problem = registrationProblem(event, passes, sessions, ask, Date.now(), words.problems);
      if (problem) return refuse(422, problem);
      const full = fullPart(event, passes, sessions, ask);
      if (full && !waitlist)
        return refuse(409, fullText(words, full, sessions, context.language, event.languages[0] ?? ''), true);
      const session = await sessionOf(request);
      let contactId = session?.contactId ?? null;
      if (!contactId) {
        if (!body.email?.trim()) return refuse(422, words.giveEmail);
        try {
          contactId = await contactFromForm(storage, event, {
            fields: { firstName: body.firstName ?? '', lastName: body.lastName ?? '', email: body.email },
            submissionKey: null,
            honeypot: body._hp ? body._hp : null,
            anonymous: false,
            cookieVisitorId: readCookie(request.headers.cookie, VISITOR_COOKIE),
            mirrorVisitorId: null,
            receivedAt: Date.now(),
          });
        } catch (error) {
          if (error instanceof FormValidationError)
            return send(
              reply,
              422,
              registrationResultPage(context, {
                eventName,
                slug: event.slug,
                outcome: { problem: error.message, fieldErrors: error.fieldErrors },
              }),
            );
          if (error instanceof ContactValidationError) return refuse(422, error.message);
          throw error;
        }
        // A bot's honeypot post: the same page as people get, and nothing behind it.
        if (!contactId)
          return send(
            reply,
            200,
            registrationResultPage(context, { eventName, slug: event.slug, outcome: 'registered' }),
          );
      }
      try {
        // The page's language is the registration's: its emails (confirmation, waitlist) speak it.
        const language = event.languages.includes(context.language) ? context.language : null;
        const made = await registerContact(db, { eventId: event.id, contactId, ...ask, waitlist, language });
        return send(
          reply,
          200,
          registrationResultPage(context, { eventName, slug: event.slug, outcome: made.status }),
        );
      } catch (error) {
        if (error instanceof AppError && (error.code === 'conflict' || error.code === 'unprocessable')) {
          // The store's sentence is the API's (English): the page says it in its own words.
          const full = error.details?.['full'];
          const already = error.details?.['already'];
          const problem =
            typeof full === 'string'
              ? fullText(words, full, sessions, context.language, event.languages[0] ?? '')
              : already === 'registered'
                ? words.alreadyRegistered
                : already === 'waitlisted'
                  ? words.alreadyWaitlisted
                  : error.message;
          return refuse(error.code === 'conflict' ? 409 : 422, problem, full !== undefined);
        }
        throw error;
      }
    },
  );

  app.post(
    PORTAL_CANCEL_PATH,
    {
      config: FOR_PEOPLE,
      ...posted,
      schema: {
        operationId: 'cancelEventRegistrationInPortal',
        tags: ['event website'],
        summary:
          "The portal's cancel button: cancels the signed-in contact's registration or waitlist place.",
        description:
          'The places it held are given back in the same transaction and offered at once to the waitlist. Without a live portal session: a 303 to the sign-in page. Another contact’s registration, or one cancelled already: 404, nothing changed.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({ registration: Type.String({ maxLength: 64 }) }),
        response: {
          303: noContent('Cancelled (to the portal), or to the sign-in page.'),
          404: page('No live registration of this contact with this id.'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const session = await sessionOf(request);
      if (!session) return reply.header('cache-control', 'no-store').redirect(SIGN_IN_PATH, 303);
      const ended = await endRegistration(db, request.body.registration, 'cancel', {
        offerMs,
        contactId: session.contactId,
      });
      if (ended === 'gone') {
        const context = deps.uiContext(request, reply, PORTAL_PATH);
        const [title, text] = registrationStrings(context.language).nothingToCancel;
        return send(reply, 404, outcomePage(context, title, text, false));
      }
      return reply.header('cache-control', 'no-store').redirect(PORTAL_PATH, 303);
    },
  );

  /** The registration an offer token names, with its event, while the offer it names is still held. */
  async function heldOffer(token: string) {
    const opened = await openOfferToken(secrets, token);
    if (!opened) return 'invalid' as const;
    const row = await findRegistration(db, opened.registrationId);
    const event = row && (await findEvent(db, row.eventId));
    if (!row || !event) return 'invalid' as const;
    const state = offerState(row, Date.now());
    if (row.offeredAt !== opened.offeredAt || (state !== 'offered' && state !== 'offer_expired'))
      return row.status === 'registered' && row.offeredAt === null
        ? ('accepted' as const)
        : ('gone' as const);
    if (state === 'offer_expired') return 'expired' as const;
    return { row, event, offeredAt: opened.offeredAt };
  }
  const offerProblem = (
    request: FastifyRequest,
    reply: FastifyReply,
    problem: 'invalid' | 'gone' | 'expired' | 'accepted',
  ) => {
    const context = deps.uiContext(request, reply, OFFER_PATH);
    const words = registrationStrings(context.language);
    const [status, [title, text]] =
      problem === 'invalid'
        ? [404, words.linkInvalid]
        : problem === 'expired'
          ? [410, words.offerRanOut]
          : problem === 'accepted'
            ? [200, [words.registeredTitle, words.tookAlready] as const]
            : [410, words.offerClosed];
    return send(reply, status, outcomePage(context, title, text, problem === 'accepted'));
  };

  app.get(
    OFFER_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getWaitlistOffer',
        tags: ['event website'],
        summary: 'The page a waitlist offer link opens: buttons to take the held place or let it go.',
        description:
          'Changes nothing (mail scanners open links); the buttons post. A forged link: 404; an offer run out or ended: 410.',
        querystring: TokenQuery,
        response: {
          200: page('The buttons.'),
          404: page('Not a valid link.'),
          410: page('The offer ended.'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const held = await heldOffer(token);
      if (typeof held === 'string') return offerProblem(request, reply, held);
      const context = deps.eventContext(request, reply, held.event.languages, OFFER_PATH);
      return send(
        reply,
        200,
        offerPage(context, {
          eventName: textIn(held.event.texts, context.language, held.event.languages[0] ?? '').name,
          until: formatWhen(held.row.offerExpiresAt ?? 0, held.event.timeZone, context.language),
          token,
          leaveToken: leaveToken(secrets, held.row.id),
        }),
      );
    },
  );

  for (const [path, how] of [
    [ACCEPT_PATH, 'accept'],
    [DECLINE_PATH, 'decline'],
  ] as const)
    app.post(
      path,
      {
        config: FOR_PEOPLE,
        ...posted,
        schema: {
          operationId: how === 'accept' ? 'acceptWaitlistOffer' : 'declineWaitlistOffer',
          tags: ['event website'],
          summary:
            how === 'accept'
              ? 'Take the place held for a waitlisted person.'
              : 'Let the held place go to the next in the queue.',
          description:
            'Posted by the offer page’s buttons. Single use: the offer ends with it (a second post answers 410).',
          consumes: ['application/x-www-form-urlencoded'],
          body: TokenBody,
          response: {
            200: page('Done.'),
            404: page('Not a valid link.'),
            410: page('The offer ended.'),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const held = await heldOffer(request.body.token);
        if (typeof held === 'string')
          return offerProblem(request, reply, held === 'accepted' && how === 'decline' ? 'gone' : held);
        const context = deps.eventContext(request, reply, held.event.languages, OFFER_PATH);
        const name = textIn(held.event.texts, context.language, held.event.languages[0] ?? '').name;
        const words = registrationStrings(context.language);
        if (how === 'accept') {
          const outcome = await acceptOffer(db, held.row.id, held.offeredAt);
          if (outcome !== 'accepted') return offerProblem(request, reply, outcome);
          return send(reply, 200, outcomePage(context, words.registeredTitle, words.placeYours(name), true));
        }
        const ended = await endRegistration(db, held.row.id, 'decline', {
          offerMs,
          offeredAt: held.offeredAt,
        });
        if (ended === 'gone') return offerProblem(request, reply, 'gone');
        return send(reply, 200, outcomePage(context, words.placeLetGo, words.placeLetGoText(name), true));
      },
    );

  app.get(
    LEAVE_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getLeaveWaitlist',
        tags: ['event website'],
        summary: 'The page a "leave the waitlist" link opens: a button that leaves.',
        description:
          'Changes nothing (mail scanners open links). A forged link: 404; no longer on the waitlist: 410.',
        querystring: TokenQuery,
        response: {
          200: page('The button.'),
          404: page('Not a valid link.'),
          410: page('Not on the waitlist.'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const id = await openLeaveToken(secrets, token);
      const row = id ? await findRegistration(db, id) : undefined;
      const event = row && (await findEvent(db, row.eventId));
      if (!row || !event) return offerProblem(request, reply, 'invalid');
      const context = deps.eventContext(request, reply, event.languages, LEAVE_PATH);
      if (row.status !== 'waitlisted') {
        const words = registrationStrings(context.language);
        const text = row.status === 'registered' ? words.cancelFromPortal : words.leftAlready;
        return send(reply, 410, outcomePage(context, words.notOnWaitlist, text, false));
      }
      return send(
        reply,
        200,
        leavePage(context, {
          eventName: textIn(event.texts, context.language, event.languages[0] ?? '').name,
          token,
        }),
      );
    },
  );

  app.post(
    LEAVE_PATH,
    {
      config: FOR_PEOPLE,
      ...posted,
      schema: {
        operationId: 'leaveWaitlist',
        tags: ['event website'],
        summary: 'Leave the waitlist; a place held for this person goes to the next.',
        description:
          'Posted by the leave page’s button. Never cancels a registration (an old email’s link after the place was taken): 410.',
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenBody,
        response: {
          200: page('Left.'),
          404: page('Not a valid link.'),
          410: page('Not on the waitlist.'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const id = await openLeaveToken(secrets, request.body.token);
      const row = id ? await findRegistration(db, id) : undefined;
      if (!row) return offerProblem(request, reply, 'invalid');
      const event = await findEvent(db, row.eventId);
      const context = event
        ? deps.eventContext(request, reply, event.languages, LEAVE_PATH)
        : deps.uiContext(request, reply, LEAVE_PATH);
      const words = registrationStrings(context.language);
      const ended = await endRegistration(db, row.id, 'leave', { offerMs });
      if (ended === 'gone')
        return send(reply, 410, outcomePage(context, words.notOnWaitlist, words.notOnThisWaitlist, false));
      return send(reply, 200, outcomePage(context, words.leftTitle, words.leftText, true));
    },
  );
}

function fullText(
  words: RegistrationStrings,
  full: string,
  sessions: readonly { id: string; texts: Record<string, { name: string }> }[],
  language: string,
  fallback: string,
): string {
  if (full === 'event' || full === 'pass') return words.full(full);
  const session = sessions.find((s) => s.id === full);
  return words.full({ session: session ? textIn(session.texts as never, language, fallback).name : full });
}
