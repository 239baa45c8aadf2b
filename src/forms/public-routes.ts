// Public HTTP for forms: the embed definition, submissions, prefill and hosted marketing pages.
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody, errors, media, noContent, ref } from '../api-contract.ts';
import type { Config } from '../config.ts';
import { ContactValidationError } from '../contacts/manage-contacts.ts';
import { cappedMaxAgeSeconds, VISITOR_COOKIE } from '../cookies/definitions.ts';
import { cookieSetter } from '../cookies/set-cookie.ts';
import type { Handoffs } from '../identity/handoff.ts';
import { redirectTargetOf } from '../lib/destination-url.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { limitPerClient } from '../lib/rate-limited.ts';
import { utcDay } from '../lib/time.ts';
import type { Storage } from '../storage/database.ts';
import { readCookie, setVisitorCookie } from '../tracking/tracking-cookies.ts';
import { answerPreflight, approveOrigin } from '../websites/cors.ts';
import { isOriginAllowed } from '../websites/origin-rules.ts';
import type { WebsiteCache } from '../websites/website-cache.ts';
import { countForm } from './counts-store.ts';
import type { Form } from './form.ts';
import { DEFAULT_THANK_YOU } from './form-definition.ts';
import { formLoaderRoutes } from './loader-routes.ts';
import { PREFILL_COOKIE, prefillValues } from './prefill.ts';
import { renderPage, renderThankYou } from './render-page.ts';
import { findForm, findFormByPageSlug } from './store.ts';
import { FormValidationError, submitForm } from './submit-form.ts';

export interface FormRouteDeps {
  config: Config;
  storage: Storage;
  websites: WebsiteCache;
  /** Email-click handoffs (src/identity/handoff.ts): a genuine one names the visitor who submits. */
  handoffs: Handoffs;
}

const setPrefillCookie = cookieSetter(PREFILL_COOKIE, 'first-party (your site)');

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const AfterSubmit = Type.Union([
  Type.Object({ kind: Type.Literal('message'), text: Type.String() }),
  Type.Object({ kind: Type.Literal('redirect'), url: Type.String() }),
]);
const PublicForm = Type.Object(
  {
    id: Type.String(),
    fields: Type.Array(
      Type.Object({
        key: Type.String(),
        type: Type.String(),
        label: Type.String(),
        required: Type.Boolean(),
        options: Type.Optional(Type.Array(Type.String())),
        maxLength: Type.Optional(Type.Integer()),
        prefill: Type.Optional(Type.Literal(true)),
        defaultValue: Type.Optional(Type.String()),
      }),
    ),
    submitLabel: Type.String(),
    prefill: Type.Boolean(),
    afterSubmit: AfterSubmit,
    token: Type.String({
      description: 'A fresh submission key: a second submission with it changes nothing.',
    }),
    prefillDays: Type.Integer(),
    gpc: Type.Boolean({ description: 'Whether Global Privacy Control makes a submission anonymous.' }),
  },
  { title: 'PublicForm', description: 'What the embed loader needs to draw a form.' },
);
const Submitted = Type.Object(
  {
    ok: Type.Literal(true),
    message: Type.Optional(Type.String({ description: 'The thank-you text.' })),
    redirect: Type.Optional(Type.String({ description: 'Where to send the person.' })),
    prefill: Type.Optional(Type.String({ description: 'The "remember me" token.' })),
  },
  { examples: [{ ok: true, message: 'Thank you!' }] },
);
const html = (description: string) => ({ 'text/html': { schema: Type.String({ description }) } });
const json = (schema: TSchema) => ({ 'application/json': { schema } });
const publicErrors = errors(
  [403, "The page's origin may not use this form."],
  [404, 'No such form.'],
  429,
  503,
);

/** What the embed loader needs to draw a form: no match rules, no internal settings. */
function publicDefinition(form: Form, extra: { prefillDays: number; gpc: boolean }) {
  const { fields, submitLabel, prefill, afterSubmit } = form.definition;
  return {
    id: form.id,
    fields: fields.map(({ key, type, label, required, options, maxLength, prefill: p, defaultValue }) => ({
      key,
      type,
      label,
      required: required ?? false,
      ...(options ? { options } : {}),
      ...(maxLength ? { maxLength } : {}),
      ...(p ? { prefill: true } : {}),
      ...(type === 'hidden' && defaultValue !== undefined ? { defaultValue } : {}),
    })),
    submitLabel,
    prefill,
    afterSubmit,
    token: newId(),
    ...extra,
  };
}

/** The visitor a submitted or linked handoff names, when it is genuine and unexpired. */
function handoffOf(token: unknown, verify: Handoffs['visitorOf']): string | null {
  return typeof token === 'string' && token.length <= 200 ? verify(token) : null;
}

/** Mounts hosted pages, embeds, submissions, prefill and the embed loader (forms.js). */
export function publicFormRoutes(app: FastifyInstance, deps: FormRouteDeps): void {
  const { storage, config } = deps;
  const db = storage.db;
  const selfOrigin = new URL(config.publicUrl).origin;
  formLoaderRoutes(app);

  /** Embedded forms may be used from their website's allowed origins; hosted pages from Spoor's own. */
  async function originMayUse(origin: string, form: Form): Promise<boolean> {
    if (origin === selfOrigin) return true;
    const website = form.websiteId ? await deps.websites.get(form.websiteId) : undefined;
    return website !== undefined && isOriginAllowed(origin, website.allowedOrigins);
  }
  const refusal = (origin: string) => `Origin ${origin} may not use this form.`;

  /** A hosted page (Spoor's own origin) needs no CORS; an embedding page needs its website's approval. */
  async function allowCors(request: FastifyRequest, reply: FastifyReply, form: Form): Promise<void> {
    const origin = request.headers.origin;
    if (!origin || origin === selfOrigin) return;
    await approveOrigin(reply, origin, { allows: (o) => originMayUse(o, form), refusal });
  }

  async function publicForm(id: string): Promise<Form> {
    const form = await findForm(db, id);
    if (!form) throw new AppError('not_found', 'This form does not exist.');
    return form;
  }

  // The prefill GET carries X-Spoor-Prefill, so browsers preflight /f/{id}/prefill as well. Approved
  // only for the origins the form itself accepts (the same rule as the requests that follow).
  const preflight = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const form = await publicForm(request.params.id.replace(/\.json$/, ''));
    return answerPreflight(request.headers.origin, reply, {
      methods: 'GET, POST',
      headers: 'content-type, x-spoor-prefill',
      allows: (origin) => originMayUse(origin, form),
      refusal,
    });
  };
  app.options('/f/:id', { schema: { hide: true } }, preflight);
  app.options('/f/:id/prefill', { schema: { hide: true } }, preflight);

  app.get<{ Params: { id: string } }>(
    '/f/:id',
    {
      schema: {
        operationId: 'getPublicForm',
        tags: ['forms'],
        summary: 'A form definition for the embed loader (/f/{id}.json).',
        description: "Public: read by the embed loader from the pages of the form's website (CORS).",
        params: IdParams,
        response: {
          200: PublicForm,
          ...errors([403, "The page's origin may not use this form."], [404, 'No such form.'], 503),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id.replace(/\.json$/, '');
      const form = await publicForm(id);
      await allowCors(request, reply, form);
      reply.header('cache-control', 'no-store');
      // The embed loader reads the definition once per page showing the form: a view of the form.
      await countForm(db, form.id, utcDay(Date.now()), 'views');
      const website = form.websiteId ? await deps.websites.get(form.websiteId) : undefined;
      // gpc: the loader treats Global Privacy Control as "anonymous" exactly when the website does.
      return publicDefinition(form, {
        prefillDays: config.prefillCookieDays,
        gpc: website?.gpcMode === 'anonymize',
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/f/:id/prefill',
    {
      onRequest: limitPerClient(config.formRateLimit * 4),
      schema: {
        operationId: 'getFormPrefill',
        tags: ['forms'],
        summary: "Prefill values for a returning contact who chose 'remember me'.",
        description:
          'The token comes in the X-Spoor-Prefill header or the prefill cookie; without a valid one, `values` is empty.',
        params: IdParams,
        response: {
          200: Type.Object(
            { values: Type.Record(Type.String(), Type.String()) },
            { examples: [{ values: { email: 'ann@shop.example', firstName: 'Ann' } }] },
          ),
          ...publicErrors,
        },
      },
    },
    async (request, reply) => {
      const form = await publicForm(request.params.id);
      await allowCors(request, reply, form);
      reply.header('cache-control', 'no-store');
      const header = request.headers['x-spoor-prefill'];
      const token =
        (typeof header === 'string' ? header : null) ?? readCookie(request.headers.cookie, PREFILL_COOKIE);
      return { values: await prefillValues(db, form, token, config.prefillCookieDays) };
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/f/:id',
    {
      bodyLimit: 65_536,
      onRequest: limitPerClient(config.formRateLimit),
      schema: {
        operationId: 'submitForm',
        tags: ['forms'],
        summary: 'Submit a form (HTML form post, or JSON from the embed loader).',
        description:
          'The fields by key, plus `_token` (the submission key), `_remember`, `_a` (anonymous), `_h` (a handoff) and `_hp` (the honeypot). A form post (url-encoded) is answered with pages and a 303 redirect; JSON (or JSON as text/plain) with JSON. Invalid values answer 422 naming each field.',
        params: IdParams,
        consumes: ['application/json', 'text/plain', 'application/x-www-form-urlencoded'],
        body: Type.Record(Type.String(), Type.Unknown(), {
          examples: [{ email: 'ann@shop.example', firstName: 'Ann', _token: 'aB3dE5fG7hJ9kL1mN3pQ5r' }],
        }),
        response: {
          200: { description: 'Submitted.', content: { ...json(Submitted), ...html('The thank-you page.') } },
          303: noContent('A form post whose form redirects after submitting: to that address.'),
          422: {
            description:
              'Invalid values: `details.fields` names each (JSON), or the page again with the messages.',
            content: { ...json(ref(ErrorBody)), ...html('The form page with the messages.') },
          },
          ...publicErrors,
        },
      },
    },
    async (request, reply) => {
      const form = await publicForm(request.params.id);
      const html = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
      await allowCors(request, reply, form);
      const body = request.body ?? {};
      const website = form.websiteId ? await deps.websites.get(form.websiteId) : undefined;
      const gpc = website?.gpcMode === 'anonymize' && request.headers['sec-gpc'] === '1';
      const flag = (name: string) => ['1', 'on', 'true', 1, true].includes(body[name] as never);
      try {
        const result = await submitForm(storage, {
          form,
          fields: body,
          submissionKey: typeof body['_token'] === 'string' ? body['_token'] : null,
          honeypot: typeof body['_hp'] === 'string' && body['_hp'] !== '' ? body['_hp'] : null,
          rememberMe: flag('_remember'),
          anonymous: flag('_a') || gpc,
          // A hosted page opened from the site's link brings the site's visitor (_h) where it has no cookie.
          cookieVisitorId:
            readCookie(request.headers.cookie, VISITOR_COOKIE) ??
            handoffOf(body['_h'], deps.handoffs.visitorOf),
          mirrorVisitorId: typeof body['_v'] === 'string' ? body['_v'] : null,
          receivedAt: Date.now(),
        });
        const cookies: string[] = [];
        if (result.visitorId && website) {
          // As the collect endpoint sets it: the form post reached the tracking host.
          cookies.push(setVisitorCookie(result.visitorId, 'third-party', website.visitorCookieDays));
        }
        if (result.prefillToken) {
          cookies.push(setPrefillCookie(result.prefillToken, cappedMaxAgeSeconds(config.prefillCookieDays)));
        }
        if (cookies.length > 0) reply.header('set-cookie', cookies);
        const after = result.afterSubmit;
        // A redirect stored before URLs were normalised may not fit a Location header: thank instead.
        const target = after.kind === 'redirect' ? redirectTargetOf(after.url) : null;
        const thanks = after.kind === 'message' ? after.text : DEFAULT_THANK_YOU;
        if (html) {
          if (target) return reply.redirect(target, 303);
          return reply.type('text/html; charset=utf-8').send(renderThankYou(form, thanks));
        }
        return {
          ok: true,
          ...(target ? { redirect: target } : { message: thanks }),
          ...(result.prefillToken ? { prefill: result.prefillToken } : {}),
        };
      } catch (error) {
        if (html && (error instanceof FormValidationError || error instanceof ContactValidationError)) {
          const errors =
            error instanceof FormValidationError
              ? error.fieldErrors
              : (error.details?.['fields'] as Record<string, string>);
          const src = website ? `/s/${website.id}.js` : null;
          return reply
            .code(422)
            .type('text/html; charset=utf-8')
            .send(
              renderPage(form, {
                values: body,
                errors,
                trackingScriptSrc: src,
                gpcAnonymizes: website?.gpcMode === 'anonymize',
                handoff: handoffOf(body['_h'], deps.handoffs.visitorOf) ? (body['_h'] as string) : null,
              }),
            );
        }
        throw error;
      }
    },
  );

  app.get<{ Params: { slug: string }; Querystring: { spoor_h?: string } }>(
    '/p/:slug',
    {
      schema: {
        operationId: 'getHostedPage',
        tags: ['forms'],
        summary: 'A hosted marketing page with its form.',
        description: 'The page a form defines (`page.slug`), served at /p/{slug}.',
        response: {
          200: media('text/html', 'The page.'),
          404: media('text/html', 'No page with this slug.'),
          ...errors(503),
        },
        params: Type.Object({ slug: Type.String({ maxLength: 80 }) }),
        querystring: Type.Object({
          spoor_h: Type.Optional(Type.String({ maxLength: 200, description: "The site's visitor handoff." })),
        }),
      },
    },
    async (request, reply) => {
      const form = await findFormByPageSlug(db, request.params.slug);
      if (!form)
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send('<!doctype html><title>Not found</title><h1>This page does not exist.</h1>');
      await countForm(db, form.id, utcDay(Date.now()), 'views');
      const website = form.websiteId ? await deps.websites.get(form.websiteId) : undefined;
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          renderPage(form, {
            trackingScriptSrc: website ? `/s/${website.id}.js` : null,
            gpcAnonymizes: website?.gpcMode === 'anonymize',
            // Carried in the form too: the submission names the visitor even before the script has run.
            handoff: handoffOf(request.query.spoor_h, deps.handoffs.visitorOf)
              ? request.query.spoor_h!
              : null,
          }),
        );
    },
  );
}
