// Public account pages (server-rendered forms, no JavaScript needed): /account/accept (an invitation or
// the first administrator's link), /account/reset (a reset link) and /account/forgot (ask for one).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import { SESSION_COOKIE } from '../../cookies/definitions.ts';
import { sessionCookieSetter } from '../../cookies/set-cookie.ts';
import { AppError } from '../../lib/errors.ts';
import { FOR_PEOPLE, page, sendPage } from '../../lib/people-pages.ts';
import { limitPerClient } from '../../lib/rate-limited.ts';
import type { Database } from '../../storage/schema.ts';
import { readCookie } from '../../tracking/tracking-cookies.ts';
import { ownOrigins } from '../admin-api.ts';
import { recordAudit } from '../audit/record.ts';
import { type SessionTimeouts, signInOriginRefusal } from '../sessions/session-rules.ts';
import { openSession } from '../sessions/sessions.ts';
import {
  acceptInvitation,
  completePasswordReset,
  createPasswordReset,
  type LinkSecrets,
  openInvitation,
  openPasswordReset,
} from './account-links.ts';
import { passwordResetMail, type SendAccountMail } from './account-mail.ts';
import { acceptPage, forgotPage, messagePage, resetPage } from './account-pages.ts';
import { findUserByEmail } from './store.ts';

export interface AccountPageDeps {
  db: Kysely<Database>;
  secrets: LinkSecrets;
  publicUrl: string;
  timeouts: SessionTimeouts;
  sendMail: SendAccountMail;
}

/** Posts per minute per client address on each page (each costs an argon2 hash or an email). */
const POSTS_PER_MINUTE = 20;
const PAGE_ERRORS = {
  400: page('A malformed request (a page says why).'),
  403: page('Posted from another site (a page).'),
  413: page('The body is too large.'),
  415: page('A body that is not a form post.'),
  429: page('Too many requests; `Retry-After` says when to try again (a page).'),
  500: page("A fault on Spoor's side (a page)."),
  503: page('The database or the mail server cannot be used right now (a page).'),
};
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 400 })) });
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/**
 * `same-origin`, not `no-referrer`: under no-referrer a browser posts the page's own form with `Origin: null`,
 * which the origin check must refuse (Chromium did, on the first-administrator page).
 */
const html = (reply: FastifyReply, status: number, body: string) =>
  sendPage(reply, status, body, 'same-origin');

/** The sentence of a refusal a person can fix on the page (a weak password, a taken email), or rethrows. */
function fixable(error: unknown): string {
  if (error instanceof AppError && (error.code === 'unprocessable' || error.code === 'conflict'))
    return error.message;
  throw error;
}

export function accountPageRoutes(scope: FastifyInstance, deps: AccountPageDeps) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, secrets } = deps;
  const publicOrigin = new URL(deps.publicUrl).origin;
  // A form posted from another site (an attacker's invitation accepted in a victim's browser) is refused.
  const fromOwnPages: onRequestHookHandler = (request, _reply, done) => {
    const origin = request.headers.origin;
    const refusal = signInOriginRefusal(
      typeof origin === 'string' ? origin : undefined,
      ownOrigins(request, publicOrigin),
    );
    done(refusal ? new AppError('forbidden', refusal) : undefined);
  };
  const cookie = sessionCookieSetter(
    SESSION_COOKIE,
    'first-party (Spoor host)',
    deps.publicUrl.startsWith('https:'),
  );
  const dashboard = '/app/';

  app.get(
    '/account/accept',
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getAcceptInvitationPage',
        tags: ['accounts'],
        summary: 'The page an invitation link (or the first-start link) opens: choose a password.',
        description:
          'A form that works without JavaScript. The link works once and expires (7 days; 24 hours for the first administrator).',
        querystring: TokenQuery,
        response: {
          200: page('The form.'),
          404: page('The link is used, expired or not valid.'),
          ...PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const invitation = await openInvitation(db, secrets, token);
      return html(
        reply,
        200,
        acceptPage({ token, email: invitation.email, role: invitation.role, name: invitation.name ?? '' }),
      );
    },
  );

  app.post(
    '/account/accept',
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(POSTS_PER_MINUTE), fromOwnPages],
      schema: {
        operationId: 'acceptInvitation',
        tags: ['accounts'],
        summary: 'Accept an invitation: create the account and sign in.',
        description:
          'Posted by the form of GET /account/accept (application/x-www-form-urlencoded). Creates the user with the chosen password, signs them in (the `spoor_session` cookie) and answers a page linking to the dashboard; a problem the person can fix is shown on the form again (422).',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          token: Type.String({ maxLength: 400 }),
          email: field(320),
          name: field(200),
          password: Type.String({ maxLength: 1024 }),
          confirm: Type.String({ maxLength: 1024 }),
        }),
        response: {
          200: page('Signed in: a link to the dashboard.'),
          404: page('The link is used, expired or not valid.'),
          422: page('The form again, saying what to change.'),
          ...PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { token, email, name, password, confirm } = request.body;
      const invitation = await openInvitation(db, secrets, token);
      const again = (error: string) =>
        html(
          reply,
          422,
          acceptPage({ token, email: invitation.email, role: invitation.role, name: name ?? '', error }),
        );
      if (password !== confirm) return again('The two passwords differ; type the same one twice.');
      let user: Awaited<ReturnType<typeof acceptInvitation>>;
      try {
        user = await acceptInvitation(db, secrets, token, { email, name, password });
      } catch (error) {
        return again(fixable(error));
      }
      await recordAudit(db, {
        actor: { kind: 'user', id: user.id, label: user.email },
        action: 'acceptInvitation',
        targetId: user.id,
        outcome: 'ok',
      });
      const session = await openSession(db, user, deps.timeouts, {
        previousSessionId: readCookie(request.headers.cookie, SESSION_COOKIE),
      });
      reply.header('set-cookie', cookie.set(session.sessionId));
      return html(
        reply,
        200,
        messagePage(`Welcome, ${user.name}`, 'Your account is ready and you are signed in.', {
          href: dashboard,
          text: 'Open the dashboard',
        }),
      );
    },
  );

  app.get(
    '/account/reset',
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getResetPasswordPage',
        tags: ['accounts'],
        summary: 'The page a password reset link opens: choose a new password.',
        description: 'A form that works without JavaScript. The link works once, for 60 minutes.',
        querystring: TokenQuery,
        response: {
          200: page('The form.'),
          404: page('The link is used, expired or not valid.'),
          ...PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const { user } = await openPasswordReset(db, secrets, token);
      return html(reply, 200, resetPage({ token, email: user.email }));
    },
  );

  app.post(
    '/account/reset',
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(POSTS_PER_MINUTE), fromOwnPages],
      schema: {
        operationId: 'resetPassword',
        tags: ['accounts'],
        summary: 'Set a new password from a reset link; every session of the user ends.',
        description: 'Posted by the form of GET /account/reset (application/x-www-form-urlencoded).',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          token: Type.String({ maxLength: 400 }),
          password: Type.String({ maxLength: 1024 }),
          confirm: Type.String({ maxLength: 1024 }),
        }),
        response: {
          200: page('Done: the new password works now.'),
          404: page('The link is used, expired or not valid.'),
          422: page('The form again, saying what to change.'),
          ...PAGE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { token, password, confirm } = request.body;
      const { user } = await openPasswordReset(db, secrets, token);
      const again = (error: string) => html(reply, 422, resetPage({ token, email: user.email, error }));
      if (password !== confirm) return again('The two passwords differ; type the same one twice.');
      try {
        await completePasswordReset(db, secrets, token, password);
      } catch (error) {
        return again(fixable(error));
      }
      await recordAudit(db, {
        actor: { kind: 'user', id: user.id, label: user.email },
        action: 'resetPassword',
        targetId: user.id,
        outcome: 'ok',
      });
      return html(
        reply,
        200,
        messagePage(
          'Your password is changed',
          'Sign in with it now; every earlier session was signed out.',
          {
            href: dashboard,
            text: 'Sign in',
          },
        ),
      );
    },
  );

  app.get(
    '/account/forgot',
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getForgotPasswordPage',
        tags: ['accounts'],
        summary: 'Ask for a password reset link by email.',
        description: 'A form that works without JavaScript.',
        response: { 200: page('The form.'), ...PAGE_ERRORS },
      },
    },
    async (_request, reply) => html(reply, 200, forgotPage()),
  );

  app.post(
    '/account/forgot',
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(POSTS_PER_MINUTE), fromOwnPages],
      schema: {
        operationId: 'requestPasswordReset',
        tags: ['accounts'],
        summary: 'Email a password reset link to an account, if there is one.',
        description:
          'The same answer whether the email has an account or not (no one learns who has one); the email goes to active accounts only.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({ email: Type.String({ maxLength: 320 }) }),
        response: { 200: page('The same page for every email.'), ...PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const user = await findUserByEmail(db, request.body.email);
      if (user?.status === 'active') {
        const token = await createPasswordReset(db, secrets, user.id);
        await deps
          .sendMail(
            passwordResetMail({
              to: user.email,
              link: resetLink(deps.publicUrl, token),
              host: new URL(deps.publicUrl).host,
            }),
          )
          // Said to nobody (the page is the same either way); logged for the operator.
          .catch((error: unknown) =>
            request.log.warn({ err: error }, 'a password reset email could not be sent'),
          );
      }
      return html(
        reply,
        200,
        messagePage(
          'Check your email',
          'If this email has an account, a link to choose a new password is on its way. It works once, for 60 minutes.',
        ),
      );
    },
  );
}

export function acceptLink(publicUrl: string, token: string): string {
  return `${publicUrl}/account/accept?token=${encodeURIComponent(token)}`;
}

export function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/account/reset?token=${encodeURIComponent(token)}`;
}
