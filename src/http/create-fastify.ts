// The Fastify instance Spoor serves from: its logger, proxy trust, body limit, TLS, the answer to a URL
// it cannot parse, and the validators (query strings coerced, JSON bodies not).
import { Ajv } from 'ajv';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import type { Config } from '../config.ts';
import { PIXEL_GIF, PIXEL_HEADERS } from '../email/engagement/pixel-gif.ts';
import { PIXEL_PATH } from '../email/engagement/tracking-urls.ts';
import { COPY_PIXEL_PATH } from '../email/forwards/forward-links.ts';

/** Fastify logger; off in tests. */
export type LoggerOption = boolean | { level: string } | undefined;

function logsRequests(logger: LoggerOption): boolean {
  return typeof logger === 'object' && (logger.level === 'debug' || logger.level === 'trace');
}

function requestForLog(request: { method: string; url: string; id: string }) {
  return { id: request.id, method: request.method, url: request.url.split('?')[0] };
}

export function createFastify(config: Config, logger: LoggerOption): FastifyInstance {
  const app = Fastify({
    // Client IP addresses are personal data: Spoor keeps none, so its logs do not either.
    logger: logger
      ? { ...(typeof logger === 'object' ? logger : {}), serializers: { req: requestForLog } }
      : false,
    // A line per request only at debug level: at info, two lines per page view or email open cost the
    // collect endpoint more than its validation. Without them, no per-request child logger either
    // (binding a request id was ~2.5 % of the collect endpoint's time); errors are logged as ever.
    ...(logsRequests(logger)
      ? {}
      : {
          logController: new LogController({ disableRequestLogging: true }),
          childLoggerFactory: (parent: FastifyBaseLogger) => parent,
        }),
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    // A URL Fastify cannot even parse (bad percent-encoding) gets the same clear 400 as any bad request,
    // except under the open pixels' paths (a contact's, a forwarded copy's), which answer their GIF to everything.
    frameworkErrors: (error, request, reply) => {
      const raw = reply as unknown as FastifyReply;
      if (request.url.startsWith(PIXEL_PATH) || request.url.startsWith(COPY_PIXEL_PATH))
        return raw.code(200).headers(PIXEL_HEADERS).send(PIXEL_GIF);
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
  return app;
}
