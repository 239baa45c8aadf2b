// The API contract served at /docs/json: document settings, the shared error body, and the responses every
// route shares (added to each route's schema here, so no route repeats them and none forgets them).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import type { Config } from './config.ts';
import type { ErrorCode } from './lib/errors.ts';

/** Every `error` code a JSON error body can carry (lib/errors.ts, plus the framework's own in app.ts). */
const ERROR_CODES: (ErrorCode | 'unsupported_media_type' | 'internal')[] = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'rate_limited',
  'unavailable',
  'internal',
];

/** The one error body of every JSON route (the error mapper in app.ts writes it). */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ enum: ERROR_CODES, description: 'What went wrong, for a program.' }),
    message: Type.String({ description: 'What went wrong, for a person.' }),
    details: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'Facts a client can act on, e.g. `fields` (one message per field) or `unknownContactIds`.',
      }),
    ),
  },
  {
    $id: 'Error',
    title: 'Error',
    examples: [{ error: 'not_found', message: 'No website with id 0Pq3Rt…' }],
  },
);

/** A reference to a schema registered with `sharedSchemas` (named in the document's components). */
export function ref<T extends TSchema>(schema: T, options: { description?: string } = {}) {
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id ?? ''}#`, ...options });
}

/** What each error status means, as every route's document says it. */
const ERROR_MEANINGS: Record<number, string> = {
  400: 'Bad request: a value is malformed or missing (the message names it).',
  401: 'No API key or session, or an unknown, revoked or ended one.',
  403: "The API key's scopes or the user's role do not allow this request, or a change made with the session cookie failed the forgery check (Origin, X-CSRF-Token).",
  404: 'Not found.',
  409: 'Conflict with the current state (the message says which).',
  413: 'The request body is too large.',
  415: 'The body has a content type this operation does not take.',
  422: 'Well-formed, but cannot be accepted (`details.fields` names each problem where there are several).',
  429: 'Too many requests; the `Retry-After` header says when to try again.',
  500: "A fault on Spoor's side (logged); nothing was recorded.",
  503: 'The database cannot be used right now (connection lost, disk full); nothing was done. Retry after `Retry-After` seconds.',
};

/** JSON error responses for these statuses (the meaning of each can be made more precise per route). */
export function errors(...statuses: (number | [number, string])[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, ERROR_MEANINGS[entry]];
      return [status, ref(ErrorBody, { description: description ?? 'Error.' })];
    }),
  );
}

/** A response that is not JSON (a page, a script, an image), documented by its media type only. */
export function media(
  type: string,
  description: string,
  schema: TSchema = Type.String(),
): { description: string; content: Record<string, { schema: TSchema }> } {
  return { description, content: { [type]: { schema } } };
}

/** A response without a body. */
export function noContent(description: string) {
  return Type.Unsafe<undefined>({ description, type: 'null' });
}

/** The tags in reading order: what the document's table of contents shows first. */
const TAGS = [
  { name: 'websites', description: 'Websites to track, their settings and the snippet to paste.' },
  { name: 'reports', description: 'What happened on a website over a range of days.' },
  { name: 'tracking', description: "Called by the tracking script from visitors' browsers (public)." },
  { name: 'contacts', description: 'People: contacts, custom fields, CSV import and history.' },
  { name: 'forms', description: 'Forms, their embed loader, hosted pages and public submissions.' },
  { name: 'lists', description: 'Mailing lists and their members.' },
  { name: 'messages', description: 'Email messages (templates) and previews.' },
  { name: 'sends', description: 'Sending a message to a list, its progress and recipients.' },
  {
    name: 'offers',
    description:
      'Offers: managed links with a validity window and exact claim limits, their links and pages.',
  },
  {
    name: 'email engagement',
    description: 'Opens, clicks and one-click unsubscribes: the links inside sent email (public).',
  },
  {
    name: 'subscription center',
    description: "The pages a recipient's subscription center and double opt-in links open (public).",
  },
  {
    name: 'forward to a friend',
    description:
      "The form a message's forward link opens, and the friends' copies' pixel and links (public).",
  },
  { name: 'email insights', description: 'What recipients did with a send.' },
  {
    name: 'scoring',
    description:
      'Lead scoring: models with drafts and publishing, explained scores, grades and sales-ready contacts.',
  },
  { name: 'events', description: 'Events, their sessions and passes: created, changed and published.' },
  {
    name: 'event website',
    description: "The public event pages, contacts' sign-in by emailed link and their portal (public).",
  },
  { name: 'privacy', description: "Exporting and erasing a contact's data; the cookie declaration." },
  { name: 'accounts', description: 'Signing in, users, invitations, API keys and the audit log.' },
  {
    name: 'webhooks',
    description:
      'Outgoing webhooks (administrators): endpoints, signed deliveries per Standard Webhooks, their log and replay.',
  },
  { name: 'health', description: 'Health and metrics, for load balancers, monitors and Prometheus.' },
  { name: 'pages', description: 'Pages for people who open the server in a browser.' },
];

/** SPOOR_PUBLIC_URL names the server; SPOOR_METRICS_TOKEN without SPOOR_METRICS_PORT declares /metrics' scheme. */
export type ApiContractConfig = Pick<Config, 'publicUrl' | 'metricsToken' | 'metricsPort'>;

/**
 * A wildcard route (`/e/o/*`) is one token in the document (`/e/o/{token}`): OpenAPI has no wildcard and
 * the router's `*` is not a parameter name any tool accepts.
 */
function documentedUrl({ schema, url }: { schema: FastifySchema; url: string }) {
  if (!url.endsWith('*')) return { schema, url };
  const route = schema as { params?: { properties?: Record<string, unknown>; required?: string[] } };
  const { '*': token, ...others } = route.params?.properties ?? {};
  const params = { ...route.params, properties: { ...others, token }, required: ['token'] };
  return { schema: { ...route, params } as FastifySchema, url: `${url.slice(0, -1)}:token` };
}

/** A route answering GET and HEAD with one schema gets one operationId; the HEAD one is made its own. */
function distinctHeadIds(document: { paths?: Record<string, Record<string, { operationId?: string }>> }) {
  for (const operations of Object.values(document.paths ?? {})) {
    const { get, head } = operations;
    if (get?.operationId && head?.operationId === get.operationId)
      operations['head'] = { ...head, operationId: `${get.operationId}Head` };
  }
  return document;
}

/**
 * Registers the OpenAPI plugins and the shared responses. Response schemas document and are checked by the
 * tests (test/helpers/response-contract.ts); they do not shape what is sent: bodies are serialised as
 * before, with JSON.stringify (decision 014-api-contract).
 */
export async function registerApiContract(app: FastifyInstance, config: ApiContractConfig): Promise<void> {
  // /metrics is served on this listener behind SPOOR_METRICS_TOKEN: its security scheme is declared.
  const metricsToken = config.metricsToken !== undefined && config.metricsPort === undefined;
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addSchema(ErrorBody);
  app.addHook('onRoute', addSharedResponses);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Spoor API',
        version: '0.1.0',
        description:
          'Engagement tracking for outbound marketing. Admin operations (`/api/…`) need an API key ' +
          '(`Authorization: Bearer spk_…`) or a signed-in session (the `spoor_session` cookie, with ' +
          '`X-CSRF-Token` on changes); the rest are public. Every JSON error has the `Error` shape.',
        license: { name: 'See the LICENSE file of the Spoor repository', identifier: 'NOASSERTION' },
      },
      servers: [{ url: new URL(config.publicUrl).origin, description: 'This server (SPOOR_PUBLIC_URL)' }],
      tags: TAGS,
      // No global requirement: admin routes declare theirs (admin-api.ts); the rest are public.
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An admin API key (spoor api-keys create).',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'spoor_session',
            description:
              'A signed-in user (POST /api/session). Every change made with it also needs the X-CSRF-Token header (the csrfToken of the session) and an Origin of this server.',
          },
          ...(metricsToken
            ? { metricsToken: { type: 'http', scheme: 'bearer', description: 'SPOOR_METRICS_TOKEN.' } }
            : {}),
        },
      },
    },
    transform: documentedUrl,
    transformObject: (documentObject) =>
      distinctHeadIds((documentObject as { openapiObject: never }).openapiObject) as never,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

/** Fastify reads a body on these methods whatever the route's schema says (and refuses it: 413, 415). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function takesBody(route: RouteOptions): boolean {
  return (Array.isArray(route.method) ? route.method : [route.method]).some((m) => BODY_METHODS.has(m));
}

/**
 * Public routes say so (`security: []`: no requirement). The answers every documented route can give without its handler: 400 (a NUL anywhere, a malformed value,
 * bad JSON), 500 (a fault the error mapper cannot name) and, with a body, 413 and 415. Only where the route lists its own responses and has not said
 * otherwise: a route whose errors are pages (email engagement) lists them itself, and one that answers
 * nothing but its own (the open pixel) says so with `config: { ownResponsesOnly: true }`.
 */
function addSharedResponses(route: RouteOptions): void {
  const schema = route.schema as (RouteOptions['schema'] & { hide?: boolean }) | undefined;
  if (!schema || schema.hide) return;
  // Public unless it says otherwise (admin-api.ts puts the key on admin routes after this hook).
  const publicByDefault = { security: [], ...schema };
  const ownOnly = (route.config as { ownResponsesOnly?: boolean } | undefined)?.ownResponsesOnly;
  route.schema =
    schema.response && !ownOnly
      ? withResponses(publicByDefault, errors(400, ...(takesBody(route) ? [413, 415] : []), 500))
      : publicByDefault;
}

/** A route schema with more responses (those it lists itself win), in the order of their statuses. */
export function withResponses<S extends { response?: unknown }>(schema: S, more: Record<number, unknown>): S {
  const merged: Record<string, unknown> = { ...more, ...(schema.response as Record<string, unknown>) };
  const sorted = Object.keys(merged)
    .sort()
    .map((status) => [status, merged[status]]);
  return { ...schema, response: Object.fromEntries(sorted) };
}
