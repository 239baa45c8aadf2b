// HTTP for the subscription center and sign-up confirmation: hosted pages for people, no session and no
// script. A GET only renders (link scanners fetch every link in an email); the page's buttons POST the
// sealed token in the form body, which is all that authorises a change. A forged, garbled or expired
// token gets a page saying so (404, 410), never a change.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';
import { FOR_PEOPLE, formPostsOnly, page, sendPage, TOKEN_PAGE_ERRORS } from '../../lib/people-pages.ts';
import { limitPerClient } from '../../lib/rate-limited.ts';
import { unsubscribeFromLists } from '../../lists/store.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import type { EngagementEndpoints } from '../engagement/routes.ts';
import { CENTER_PATH, CONFIRM_PATH, openCenterToken, openConfirmToken } from './center-links.ts';
import type { CenterAction } from './center-rules.ts';
import { confirmSignup, readSignup } from './confirm-signup.ts';
import { applyCenterChoice, noticeOf, readCenter } from './manage-center.ts';
import {
  CENTER_WORDING_VERSION,
  centerPage,
  confirmedPage,
  confirmPage,
  type ProblemPage,
  problemPage,
} from './pages.ts';

export interface SubscriptionCenterDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
  engagement: EngagementEndpoints;
}

const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 400 })) });
const Ids = Type.Union([
  Type.String({ maxLength: 64 }),
  Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }),
]);
const STATUS: Record<ProblemPage, number> = {
  invalid: 404,
  gone: 404,
  used: 404,
  expired: 410,
  signup_expired: 410,
};

export const problem = (reply: FastifyReply, which: ProblemPage) =>
  sendPage(reply, STATUS[which], problemPage(which));
const asList = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

export function subscriptionCenterRoutes(scope: FastifyInstance, deps: SubscriptionCenterDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { storage, config, secrets, engagement } = deps;
  const db = storage.db;

  app.get(
    CENTER_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getSubscriptionCenter',
        tags: ['subscription center'],
        summary: "The subscription center a message's {{ subscription_center_url }} opens.",
        description:
          'The public lists with the contact’s status on each, a form to change them and one to unsubscribe from all. Changes nothing (link scanners fetch every link). The link names the send and the contact, sealed; it lasts 90 days (410 after).',
        querystring: TokenQuery,
        response: { 200: page('The center.'), ...TOKEN_PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const opened = openCenterToken(secrets.seal, request.query.token ?? '');
      if (typeof opened === 'string') return problem(reply, opened);
      const view = await readCenter(db, opened.contactId);
      if (!view) return problem(reply, 'gone');
      return sendPage(reply, 200, centerPage({ token: request.query.token ?? '', ...view }));
    },
  );

  app.post(
    CENTER_PATH,
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(config.formRateLimit), formPostsOnly],
      bodyLimit: 16_384,
      schema: {
        operationId: 'changeSubscriptions',
        tags: ['subscription center'],
        summary: "The subscription center's forms: save the lists chosen, or unsubscribe from all.",
        description:
          'Posted by the page (application/x-www-form-urlencoded) with its sealed token. `save` joins the ticked lists and leaves the unticked ones among those the page showed (`shown`); `unsubscribe_all` leaves every list. Each change is a consent event; leaving is the one unsubscribe, counted at most once per message and recipient. Answers the center again with what changed.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          token: Type.String({ maxLength: 400 }),
          action: Type.Union([Type.Literal('save'), Type.Literal('unsubscribe_all')]),
          list: Type.Optional(Ids),
          shown: Type.Optional(Ids),
        }),
        response: { 200: page('The center with what changed.'), ...TOKEN_PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const { token, action } = request.body;
      const opened = openCenterToken(secrets.seal, token);
      if (typeof opened === 'string') return problem(reply, opened);
      if (!(await readCenter(db, opened.contactId))) return problem(reply, 'gone');
      const consent = { source: 'subscription_center', wordingVersion: CENTER_WORDING_VERSION };
      const unsubscribe = async (listIds: string[]) => {
        const outcome = await engagement.unsubscribe(request, opened, { listIds, ...consent });
        if (outcome.recorded) return outcome.unsubscribed;
        // The send is gone (deleted): the same unsubscribe, attributed to no email.
        return unsubscribeFromLists(db, opened.contactId, listIds, {
          sendId: null,
          now: Date.now(),
          ...consent,
        });
      };
      const result = await applyCenterChoice(db, {
        ...opened,
        choice: {
          action: action as CenterAction,
          shown: asList(request.body.shown),
          ticked: asList(request.body.list),
        },
        unsubscribe,
        now: Date.now(),
      });
      const view = await readCenter(db, opened.contactId);
      if (!view) return problem(reply, 'gone');
      return sendPage(
        reply,
        200,
        centerPage({ token, ...view, notice: noticeOf(action as CenterAction, result) }),
      );
    },
  );

  app.get(
    CONFIRM_PATH,
    {
      config: FOR_PEOPLE,
      schema: {
        operationId: 'getSignupConfirmation',
        tags: ['subscription center'],
        summary: "The page a double opt-in email's link opens: a button that confirms.",
        description:
          'Shows the address and the lists asked for; changes nothing (scanners fetch links). The link lasts 30 days (410 after); one already used answers 404.',
        querystring: TokenQuery,
        response: { 200: page('The confirmation page.'), ...TOKEN_PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const opened = openConfirmToken(secrets.seal, token);
      if (opened === 'expired') return problem(reply, 'signup_expired');
      if (typeof opened === 'string') return problem(reply, opened);
      const signup = await readSignup(db, opened.signupId, Date.now());
      if (typeof signup === 'string') return problem(reply, signup);
      return sendPage(reply, 200, confirmPage({ token, ...signup }));
    },
  );

  app.post(
    CONFIRM_PATH,
    {
      config: FOR_PEOPLE,
      onRequest: [limitPerClient(config.formRateLimit), formPostsOnly],
      bodyLimit: 4_096,
      schema: {
        operationId: 'confirmSignup',
        tags: ['subscription center'],
        summary: 'Confirm a sign-up: the contact is made (or matched) and joins every list asked for.',
        description:
          'Posted by the confirmation page (application/x-www-form-urlencoded) with its sealed token. Each list joined is a consent event with the evidence (form, submission time, email sent, confirmation time). A second post answers 404.',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({ token: Type.String({ maxLength: 400 }) }),
        response: { 200: page('Confirmed.'), ...TOKEN_PAGE_ERRORS },
      },
    },
    async (request, reply) => {
      const opened = openConfirmToken(secrets.seal, request.body.token);
      if (opened === 'expired') return problem(reply, 'signup_expired');
      if (typeof opened === 'string') return problem(reply, opened);
      const confirmed = await confirmSignup(storage, opened.signupId, Date.now());
      if (typeof confirmed === 'string') return problem(reply, confirmed);
      return sendPage(reply, 200, confirmedPage(confirmed.lists));
    },
  );
}
