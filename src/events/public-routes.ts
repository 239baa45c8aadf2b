// HTTP for the event website: the public pages (/events, /events/{slug}), the contact sign-in by emailed
// link and the portal (/events/portal). No API key: these are for people. Pages work without JavaScript;
// a GET never signs anyone in (link scanners fetch every link), a POST from Spoor's own pages does.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ownOrigins } from '../access/admin-api.ts';
import { media, noContent } from '../api-contract.ts';
import type { Config } from '../config.ts';
import { findContact } from '../contacts/store.ts';
import { LANGUAGE_COOKIE, LANGUAGE_COOKIE_DAYS, PORTAL_COOKIE } from '../cookies/definitions.ts';
import { cookieSetter, sessionCookieSetter } from '../cookies/set-cookie.ts';
import { AppError } from '../lib/errors.ts';
import { limitPerClient } from '../lib/rate-limited.ts';
import { WindowCounter } from '../lib/window-counter.ts';
import type { InstallSecrets } from '../secrets/install-secrets.ts';
import type { Storage } from '../storage/database.ts';
import { readCookie } from '../tracking/tracking-cookies.ts';
import { registrationCalendarPath } from './calendar/paths.ts';
import { passCodeFor, passQrDataUrl } from './check-in/pass-code.ts';
import { type EventWhole, textIn } from './event.ts';
import { chooseLanguage, matchLanguage } from './languages.ts';
import {
  checkEmailPage,
  eventListPage,
  eventPage,
  linkProblemPage,
  notFoundPage,
  type PageContext,
  portalPage,
  signedOutPage,
  signInLinkPage,
  signInPage,
} from './pages.ts';
import { registrationRoutes } from './registration-routes.ts';
import { registrationProblem } from './registration-rules.ts';
import { registrationStrings } from './registration-strings.ts';
import {
  completeSignIn,
  openSignInLink,
  PORTAL_PATH,
  portalSessionOf,
  requestSignIn,
  SIGN_IN_LINK_PATH,
  SIGN_IN_PATH,
  SIGN_OUT_PATH,
  signOut,
} from './sign-in.ts';
import {
  findEvent,
  findEventBySlug,
  findRegistrationOf,
  listPasses,
  listSessions,
  listUpcomingPublished,
  registrationsOf,
} from './store.ts';
import { UI_LANGUAGES } from './strings.ts';
import { offerToken } from './waitlist-links.ts';
import { type FormState, portalActions, registrationSection } from './waitlist-pages.ts';
import { formatSpan, formatWhen } from './zoned-time.ts';

export interface EventWebsiteDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
}

const FOR_PEOPLE = { errorsAs: 'page' } as const;
const page = (description: string) => media('text/html', description);
const PAGE_ERRORS = {
  400: page('A malformed request (a page says why).'),
  403: page('Posted from another site (a page).'),
  413: page('The body is too large.'),
  415: page('A body that is not a form post.'),
  429: page('Too many requests; `Retry-After` says when to try again (a page).'),
  500: page("A fault on Spoor's side (a page)."),
  503: page('The database cannot be used right now (a page).'),
};
const LangQuery = Type.Object({
  lang: Type.Optional(
    Type.String({ maxLength: 35, description: 'A language to show (and keep in the language cookie).' }),
  ),
});
/** Requests for a sign-in link per address per 15 minutes: a person needs one or two; more is someone else. */
const LINKS_PER_ADDRESS = 5;

function send(reply: FastifyReply, status: number, body: string, script: boolean) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      `default-src 'none'; ${script ? "script-src 'self'; connect-src 'self'; " : ''}img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    )
    .send(body);
}

const formPostsOnly: onRequestHookHandler = (request, _reply, done) => {
  const type = request.headers['content-type'] ?? '';
  done(
    /^application\/x-www-form-urlencoded\b/i.test(type)
      ? undefined
      : new AppError('bad_request', 'This page takes the form it shows (application/x-www-form-urlencoded).'),
  );
};

export function eventWebsiteRoutes(scope: FastifyInstance, deps: EventWebsiteDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { storage, config, secrets } = deps;
  const db = storage.db;
  const https = config.publicUrl.startsWith('https:');
  const portalCookie = sessionCookieSetter(PORTAL_COOKIE, 'first-party (Spoor host)', true);
  const setLanguage = cookieSetter(LANGUAGE_COOKIE, 'first-party (Spoor host)', https);
  const languageCookie = (code: string) =>
    setLanguage(encodeURIComponent(code), LANGUAGE_COOKIE_DAYS * 86_400);
  const publicOrigin = new URL(config.publicUrl).origin;
  const fromOwnPages: onRequestHookHandler = (request, _reply, done) => {
    const origin = request.headers.origin;
    const refused = typeof origin === 'string' && !ownOrigins(request, publicOrigin).includes(origin);
    done(
      refused
        ? new AppError('forbidden', `Refused: this form is posted from ${publicOrigin} only.`)
        : undefined,
    );
  };
  /** A registration holding a place shows its pass (decision 035); a cancelled one does not. */
  const portalPass = async (registration: { id: string; status: string }) => {
    if (registration.status !== 'registered') return null;
    const code = passCodeFor(secrets, registration.id);
    return { code, qr: await passQrDataUrl(code) };
  };
  const perAddress = new WindowCounter(LINKS_PER_ADDRESS, 15 * 60_000);

  /** What the event page's registration section shows for this visitor (registration-routes.ts posts it). */
  async function formState(request: FastifyRequest, whole: EventWhole, language: string): Promise<FormState> {
    const session = await portalSessionOf(db, secrets, readCookie(request.headers.cookie, PORTAL_COOKIE));
    const contact = session && (await findContact(db, session.contactId));
    const mine = contact ? await findRegistrationOf(db, whole.event.id, contact.id) : undefined;
    const { event } = whole;
    // The pass and sessions are the person's choice: only the event's own opening and room are known here.
    const ask = { passId: null, sessionIds: [] };
    const problem = registrationProblem(
      event,
      [],
      [],
      ask,
      Date.now(),
      registrationStrings(language).problems,
    );
    return {
      signedInAs: contact ? (contact.email ?? '') : null,
      closedText: problem,
      eventFull: event.capacity !== null && event.taken >= event.capacity,
      current: mine && mine.status !== 'cancelled' ? mine.status : null,
    };
  }

  /** The page's language among `available`, setting the language cookie when the visitor picked one. */
  function contextFor(
    request: FastifyRequest,
    reply: FastifyReply,
    available: readonly string[],
    path: string,
    scriptSrc: string | null = null,
    requested?: string,
  ): PageContext {
    const cookie = readCookie(request.headers.cookie, LANGUAGE_COOKIE);
    const chosen = chooseLanguage({
      requested,
      cookie: cookie ? decodeURIComponent(cookie) : undefined,
      acceptLanguage: request.headers['accept-language'],
      available,
    });
    if (chosen.remember) reply.header('set-cookie', languageCookie(chosen.language));
    return { language: chosen.language, languages: available, scriptSrc, path };
  }
  const uiContext = (request: FastifyRequest, reply: FastifyReply, path: string, requested?: string) =>
    contextFor(request, reply, UI_LANGUAGES, path, null, requested);

  app.get(
    '/events',
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getEventList',
        tags: ['event website'],
        summary: 'The event website: published events not yet over, the soonest first.',
        description:
          'Server-rendered; `?lang=` picks the language of the page (kept in the language cookie).',
        querystring: LangQuery,
        response: { 200: page('The list.'), ...PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const context = uiContext(request, reply, '/events', request.query.lang);
      return send(reply, 200, eventListPage(context, await listUpcomingPublished(db, Date.now())), false);
    },
  );

  app.get(
    '/events/:slug',
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getEventPage',
        tags: ['event website'],
        summary: "An event's public page: when and where, its sessions and passes.",
        description:
          "Times in the event's time zone, named on the page. In the event's languages: `?lang=` picks one and the language cookie keeps it; otherwise the browser's language, else the event's first. Carries the tracking script of the event's website. A draft (unpublished) event answers 404; a cancelled one says so.",
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: LangQuery,
        response: {
          200: page('The event.'),
          404: page('No published event with this slug.'),
          ...PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const event = await findEventBySlug(db, request.params.slug.toLowerCase());
      if (!event || event.status === 'draft') {
        const context = uiContext(request, reply, `/events/${request.params.slug}`);
        return send(reply, 404, notFoundPage({ ...context, languages: [] }), false);
      }
      const scriptSrc = event.websiteId ? `/s/${encodeURIComponent(event.websiteId)}.js` : null;
      const context = contextFor(
        request,
        reply,
        event.languages,
        `/events/${event.slug}`,
        scriptSrc,
        request.query.lang,
      );
      const whole = {
        event,
        sessions: await listSessions(db, event.id),
        passes: await listPasses(db, event.id),
      };
      const registration = registrationSection(
        context,
        whole,
        await formState(request, whole, context.language),
      );
      return send(reply, 200, eventPage(context, whole, registration), scriptSrc !== null);
    },
  );

  app.get(
    PORTAL_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getEventPortal',
        tags: ['event website'],
        summary: "A signed-in contact's registrations (the event portal session cookie).",
        description: 'Without a live session: a 303 to the sign-in page.',
        querystring: LangQuery,
        response: { 200: page('The portal.'), 303: noContent('To the sign-in page.'), ...PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const session = await portalSessionOf(db, secrets, readCookie(request.headers.cookie, PORTAL_COOKIE));
      const contact = session && (await findContact(db, session.contactId));
      if (!session || !contact) return reply.header('cache-control', 'no-store').redirect(SIGN_IN_PATH, 303);
      const context = uiContext(request, reply, PORTAL_PATH, request.query.lang);
      const registrations = [];
      for (const registration of await registrationsOf(db, contact.id)) {
        const event = await findEvent(db, registration.eventId);
        if (!event) continue;
        registrations.push({
          eventName: textIn(event.texts, context.language, event.languages[0] ?? '').name,
          slug: event.slug,
          when: formatSpan(event.startsAt, event.endsAt, event.timeZone, context.language),
          status: registration.status,
          actions: portalActions(context, {
            id: registration.id,
            status: registration.status,
            offer:
              registration.offeredAt !== null && registration.offerExpiresAt !== null
                ? {
                    token: offerToken(secrets, registration.id, registration.offeredAt),
                    until: formatWhen(registration.offerExpiresAt, event.timeZone, context.language),
                  }
                : null,
          }),
          ...(registration.status === 'registered'
            ? { calendarUrl: registrationCalendarPath(registration.id) }
            : {}),
          pass: await portalPass(registration),
        });
      }
      return send(reply, 200, portalPage(context, { email: contact.email ?? '', registrations }), false);
    },
  );

  app.get(
    SIGN_IN_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getEventSignIn',
        tags: ['event website'],
        summary: 'The sign-in page: a contact asks for a sign-in link by email.',
        description: 'A form that works without JavaScript. No passwords: the link is the sign-in.',
        querystring: LangQuery,
        response: { 200: page('The form.'), ...PAGE_ERRORS },
      },
    },
    async (request, reply) =>
      send(reply, 200, signInPage(uiContext(request, reply, SIGN_IN_PATH, request.query.lang)), false),
  );

  app.post(
    SIGN_IN_PATH,
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(config.formRateLimit), fromOwnPages, formPostsOnly],
      bodyLimit: 4_096,
      schema: {
        operationId: 'requestEventSignIn',
        tags: ['event website'],
        summary: "Email a sign-in link to the address, if it is a contact's.",
        description:
          'The same page whatever the address (nothing tells whether it is known). The link works once, for 30 minutes. Limited per client address and per email address.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          email: Type.String({ maxLength: 320 }),
          lang: Type.Optional(Type.String({ maxLength: 35 })),
        }),
        response: { 200: page('The same page for every address.'), ...PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      // The form's language is the page's, not a new choice: it names the email's, and sets no cookie.
      const shown = uiContext(request, reply, SIGN_IN_PATH);
      const language =
        (request.body.lang && matchLanguage(request.body.lang, UI_LANGUAGES)) || shown.language;
      const context = { ...shown, language };
      const address = request.body.email.trim().toLowerCase();
      // Past the limit for this address, nothing is sent, and the page says the same as ever.
      if (perAddress.allow(address)) await requestSignIn(db, request.body.email, language);
      return send(reply, 200, checkEmailPage(context), false);
    },
  );

  app.get(
    SIGN_IN_LINK_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getEventSignInLink',
        tags: ['event website'],
        summary: 'The page a sign-in link opens: a button that signs in.',
        description:
          'Signs no one in (mail scanners open links): the button posts the sealed token. A forged, used or expired link gets a page saying so.',
        querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 400 })) }),
        response: {
          200: page('The button.'),
          404: page('A link that is not valid or was used.'),
          410: page('An expired link.'),
          ...PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const context = uiContext(request, reply, SIGN_IN_PATH);
      const token = request.query.token ?? '';
      const link = await openSignInLink(db, secrets, token);
      if (typeof link === 'string')
        return send(reply, link === 'expired' ? 410 : 404, linkProblemPage(context, link), false);
      return send(reply, 200, signInLinkPage(context, token, link.email), false);
    },
  );

  app.post(
    SIGN_IN_LINK_PATH,
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(config.formRateLimit), fromOwnPages, formPostsOnly],
      bodyLimit: 4_096,
      schema: {
        operationId: 'completeEventSignIn',
        tags: ['event website'],
        summary: 'Sign in with a sign-in link: sets the event portal session cookie.',
        description:
          'Posted by the button of the link page. Uses the link up (a second post answers 404) and answers 303 to the portal with `Set-Cookie: spoor_portal` (browser session, Secure, HttpOnly, SameSite=Lax, Path=/events).',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({ token: Type.String({ maxLength: 400 }) }),
        response: {
          303: noContent('Signed in: to the portal.'),
          404: page('A link that is not valid or was used.'),
          410: page('An expired link.'),
          ...PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const signedIn = await completeSignIn(db, secrets, request.body.token);
      if (typeof signedIn === 'string') {
        const context = uiContext(request, reply, SIGN_IN_PATH);
        return send(reply, signedIn === 'expired' ? 410 : 404, linkProblemPage(context, signedIn), false);
      }
      return reply
        .header('set-cookie', portalCookie.set(signedIn.cookieValue))
        .header('cache-control', 'no-store')
        .redirect(PORTAL_PATH, 303);
    },
  );

  app.post(
    SIGN_OUT_PATH,
    {
      config: FOR_PEOPLE,
      onRequest: [fromOwnPages],
      bodyLimit: 1_024,
      schema: {
        operationId: 'eventSignOut',
        tags: ['event website'],
        summary: 'Sign out of the event website: the session ends and its cookie is deleted.',
        description:
          'Posted by the portal’s button; answers a page saying so, with a way back to the events.',
        response: { 200: page('Signed out.'), ...PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const session = await portalSessionOf(db, secrets, readCookie(request.headers.cookie, PORTAL_COOKIE));
      if (session) await signOut(db, session.sessionId);
      reply.header('set-cookie', portalCookie.clear());
      return send(reply, 200, signedOutPage(uiContext(request, reply, SIGN_IN_PATH)), false);
    },
  );

  registrationRoutes(scope, {
    storage,
    config,
    secrets,
    uiContext: (request, reply, path) => uiContext(request, reply, path),
    eventContext: (request, reply, languages, path) => contextFor(request, reply, languages, path),
    send: (reply, status, body) => send(reply, status, body, false),
    fromOwnPages,
    formPostsOnly,
    pageErrors: PAGE_ERRORS,
  });
}
