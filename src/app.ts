// Builds the Fastify app: plugins, every domain's routes (the admin API in its keyed scope) and the one error handler.
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import { adminApi, adminArea, refuseUnguardedAdminRoutes } from './access/admin-api.ts';
import { DEMO_PAGE_SLUG } from './bootstrap.ts';
import type { Config } from './config.ts';
import { contactRoutes } from './contacts/routes.ts';
import { cookieDeclaration } from './cookies/declaration.ts';
import { demoRoutes } from './demo/routes.ts';
import type { EngagementWriter } from './email/engagement/engagement-writer.ts';
import { PIXEL_GIF, PIXEL_HEADERS } from './email/engagement/pixel-gif.ts';
import { engagementRoutes } from './email/engagement/routes.ts';
import { PIXEL_PATH } from './email/engagement/tracking-urls.ts';
import { insightsRoutes } from './email/insights/routes.ts';
import { messageRoutes } from './email/messages/routes.ts';
import { sendRoutes } from './email/sends/routes.ts';
import { formLoaderRoutes } from './forms/loader-routes.ts';
import { publicFormRoutes } from './forms/public-routes.ts';
import { formRoutes } from './forms/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { historyRoutes } from './history/routes.ts';
import { signHandoff, verifyHandoff } from './identity/handoff.ts';
import { clientGone, isClientHangUp } from './lib/client-hang-up.ts';
import { AppError, httpStatusOf } from './lib/errors.ts';
import { outageLog } from './lib/outage-log.ts';
import { conflictOf } from './lib/unique-violation.ts';
import { listRoutes } from './lists/routes.ts';
import { countUnmatched, metricsRoutes } from './metrics/routes.ts';
import { privacyRoutes } from './privacy/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { registerRequestInput } from './request-input.ts';
import { loadInstallSecrets } from './secrets/install-secrets.ts';
import type { Storage } from './storage/database.ts';
import { RETRY_AFTER_SECONDS, unavailableError } from './storage/unavailable.ts';
import { createIngestor, type Ingestor } from './tracking/ingest.ts';
import { trackingRoutes } from './tracking/routes.ts';
import { webRoutes } from './web/routes.ts';
import { websiteRoutes } from './websites/routes.ts';
import { TrackedOrigins } from './websites/tracked-origins.ts';
import { WebsiteCache } from './websites/website-cache.ts';

export interface AppOptions {
  config: Config;
  storage: Storage;
  /** Fastify logger; off in tests. */
  logger?: boolean | { level: string };
  demoWebsiteId?: string;
  /**
   * Where collect's events go; by default the durable ingest of `storage` (tracking/ingest.ts). The
   * bench's ceiling runs (bench/ceiling-server.ts) pass other ones to measure the HTTP path alone.
   */
  ingestor?: Ingestor;
  /** Where email hits go; by default the durable engagement writer of `storage` (the same bench runs). */
  engagementWriter?: EngagementWriter;
}

export interface SpoorApp {
  app: FastifyInstance;
  ingestor: Ingestor;
}

const TRACKER_PATH = new URL('../tracker/dist/spoor.js', import.meta.url);

function logsRequests(logger: AppOptions['logger']): boolean {
  return typeof logger === 'object' && (logger.level === 'debug' || logger.level === 'trace');
}

function requestForLog(request: { method: string; url: string; id: string }) {
  return { id: request.id, method: request.method, url: request.url.split('?')[0] };
}

export async function buildApp(options: AppOptions): Promise<SpoorApp> {
  const { config, storage } = options;
  const app = Fastify({
    // Client IP addresses are personal data: Spoor keeps none, so its logs do not either.
    logger: options.logger
      ? { ...(typeof options.logger === 'object' ? options.logger : {}), serializers: { req: requestForLog } }
      : false,
    // A line per request only at debug level: at info, two lines per page view or email open cost the
    // collect endpoint more than its validation. Without them, no per-request child logger either
    // (binding a request id was ~2.5 % of the collect endpoint's time); errors are logged as ever.
    ...(logsRequests(options.logger)
      ? {}
      : {
          logController: new LogController({ disableRequestLogging: true }),
          childLoggerFactory: (logger: FastifyBaseLogger) => logger,
        }),
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    // A URL Fastify cannot even parse (bad percent-encoding) gets the same clear 400 as any bad request,
    // except under the open pixel's path, which answers its GIF to everything.
    frameworkErrors: (error, request, reply) => {
      const raw = reply as unknown as FastifyReply;
      if (request.url.startsWith(PIXEL_PATH)) return raw.code(200).headers(PIXEL_HEADERS).send(PIXEL_GIF);
      return raw.code(400).send({ error: 'bad_request', message: `Invalid request: ${error.message}.` });
    },
    ...(config.tls ? { https: config.tls } : {}),
  }) as unknown as FastifyInstance;

  // Query strings and paths are text and need coercing ("limit=10" → 10); JSON bodies are typed and must
  // not be: coercion would turn 0 or "" into null and quietly clear a setting.
  const validatorOptions = {
    useDefaults: true,
    removeAdditional: true,
    allErrors: false,
    strict: false,
  } as const;
  const bodyValidator = new Ajv({ ...validatorOptions, coerceTypes: false });
  const urlValidator = new Ajv({ ...validatorOptions, coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyValidator : urlValidator).compile(schema),
  );

  registerRequestInput(app);

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate_limited',
        `Too many requests from this client; try again in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Spoor API',
        version: '0.1.0',
        description: 'Engagement tracking for outbound marketing.',
      },
      // No global requirement: admin routes declare theirs (admin-api.ts); the rest are public.
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  setErrorHandling(app);
  // Before any route: each route added from here on is counted by its pattern.
  metricsRoutes(app, { config, storage });

  // Every /api route needs an admin API key, attached to the route itself, never to a spelling of the URL:
  // routes under /api mount only through adminApi below, or the app refuses to start.
  refuseUnguardedAdminRoutes(app);

  const websites = new WebsiteCache(storage.db);
  const ingestor = options.ingestor ?? createIngestor(storage, config.maxBatchSize);
  app.addHook('onClose', async () => ingestor.close());

  healthRoutes(app, { storage });
  app.get(
    '/cookies.json',
    { schema: { tags: ['privacy'], summary: 'Every cookie Spoor sets (machine-readable).' } },
    async () => cookieDeclaration(),
  );
  // Install secrets sign email tokens and email-click handoffs (read by tracking and engagement).
  const secrets = await loadInstallSecrets(storage.db, config.tokenKeys);
  trackingRoutes(app, {
    ingestor,
    websites,
    collectBodyLimit: config.collectBodyLimit,
    collectRateLimit: config.collectRateLimit,
    trackerPath: TRACKER_PATH,
    ownOrigin: new URL(config.publicUrl).origin,
    handoffVisitor: (token) => verifyHandoff(secrets.hash, token, Date.now()),
    trackedOrigins: new TrackedOrigins(storage.db),
    signHandoff: (visitorId) => signHandoff(secrets.hash, visitorId, Date.now()),
  });
  // Each domain's routes in the admin area whose scope manages them (docs/api.md, "Scopes").
  adminApi(app, storage.db, (admin) => {
    adminArea(admin, 'tracking', (tracking) => {
      websiteRoutes(tracking, { db: storage.db, cache: websites, publicUrl: config.publicUrl });
      reportRoutes(tracking, { db: storage.db });
      formRoutes(tracking, { db: storage.db });
      historyRoutes(tracking, { db: storage.db });
      privacyRoutes(tracking, { storage });
    });
    adminArea(admin, 'contacts', (contacts) => {
      contactRoutes(contacts, { db: storage.db });
      contacts.register(import('./contacts/import-routes.ts'), { storage });
    });
    adminArea(admin, 'email', (email) => {
      listRoutes(email, { db: storage.db });
      messageRoutes(email, { db: storage.db });
      sendRoutes(email, { db: storage.db });
      insightsRoutes(email, { db: storage.db });
    });
  });
  publicFormRoutes(app, {
    storage,
    websites,
    publicUrl: config.publicUrl,
    formRateLimit: config.formRateLimit,
    prefillCookieDays: config.prefillCookieDays,
    handoffVisitor: (token) => verifyHandoff(secrets.hash, token, Date.now()),
  });
  formLoaderRoutes(app);

  // Email: the engagement endpoints (sending is a job: src/workers.ts).
  engagementRoutes(app, {
    storage,
    config,
    secrets,
    ...(options.engagementWriter ? { writer: options.engagementWriter } : {}),
  });

  if (options.demoWebsiteId) demoRoutes(app, { websiteId: options.demoWebsiteId });
  webRoutes(app, options.demoWebsiteId ? { demo: { page: '/demo/', signup: `/p/${DEMO_PAGE_SLUG}` } } : {});

  return { app, ingestor };
}

function setErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    countUnmatched(request.method, 404, reply.elapsedTime);
    reply
      .code(404)
      .send({ error: 'not_found', message: `Nothing here: ${request.method} ${request.url.split('?')[0]}` });
  });

  const outages = outageLog(app.log);
  app.addHook('onClose', async () => outages.flush());
  app.setErrorHandler((caught: FastifyError | AppError, request, reply) => {
    // A client that hung up mid-request is nobody's failure (and its ECONNRESET is not the database's).
    if (isClientHangUp(caught, clientGone(request.raw))) {
      request.log.debug({ err: caught }, 'the client hung up before its request was complete');
      return reply
        .code(400)
        .send({ error: 'bad_request', message: 'The request ended before its body did.' });
    }
    // A lost connection or a full disk is not the request's fault: 503, logged once per interval.
    const unavailable = unavailableError(caught);
    if (unavailable) outages.note('request', unavailable.reason, caught);
    const error = unavailable ?? caught;
    // A unique constraint hit by two saves at once is the same conflict a store's own check reports.
    const conflict = conflictOf(error);
    if (conflict)
      return reply
        .code(httpStatusOf[conflict.code])
        .send({ error: conflict.code, message: conflict.message });
    if (error instanceof AppError) {
      if (error.code === 'unavailable') reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.code(httpStatusOf[error.code]).send({
        error: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply
        .code(400)
        .send({ error: 'bad_request', message: `Invalid request: ${fastifyError.message}.` });
    }
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply
          .code(413)
          .send({ error: 'payload_too_large', message: 'The request body is too large.' });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send({
          error: 'unsupported_media_type',
          message: `This endpoint does not accept ${request.headers['content-type'] ?? 'a body without a content type'}. JSON endpoints take application/json (the collect endpoint also text/plain), the CSV import text/csv; /docs lists each.`,
        });
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send({ error: 'bad_request', message: 'The body is not valid JSON.' });
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return reply
        .code(fastifyError.statusCode)
        .send({ error: 'bad_request', message: fastifyError.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: 'internal', message: 'Something went wrong on our side; nothing was recorded.' });
  });
}
