// The one error mapper: every failure (an AppError's code, a validation or body error, the database
// away, a client that hung up) becomes one status and a clear message; never a stack trace. API
// clients get JSON; routes people meet in a browser from an email (config `errorsAs: 'page'`) get a
// short HTML page with the same status.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientGone, isClientHangUp } from '../lib/client-hang-up.ts';
import { AppError, httpStatusOf } from '../lib/errors.ts';
import { outageLog } from '../lib/outage-log.ts';
import { conflictOf } from '../lib/unique-violation.ts';
import { countUnmatched } from '../metrics/routes.ts';
import { RETRY_AFTER_SECONDS, unavailableError } from '../storage/unavailable.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'page': errors are answered as an HTML page for a person (the email links), not JSON. */
    errorsAs?: 'page';
  }
}

export interface ErrorMapperOptions {
  /** The HTML of an error page for a person: its title and one sentence. */
  errorPage: (title: string, message: string) => string;
}

export function mapErrors(app: FastifyInstance, options: ErrorMapperOptions): void {
  app.setNotFoundHandler((request, reply) => {
    countUnmatched(request.method, 404, reply.elapsedTime);
    reply
      .code(404)
      .send({ error: 'not_found', message: `Nothing here: ${request.method} ${request.url.split('?')[0]}` });
  });

  const outages = outageLog(app.log);
  app.addHook('onClose', async () => outages.flush());
  app.setErrorHandler((caught: FastifyError | AppError, request, reply) => {
    if (request.routeOptions.config?.errorsAs === 'page') return answerWithPage(caught, request, reply);
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

  /** People (and mail providers) meet these routes, not API clients: errors are short pages. */
  function answerWithPage(caught: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) {
    const unavailable = unavailableError(caught);
    if (unavailable) outages.note('email engagement request', unavailable.reason, caught);
    const error = unavailable ?? caught;
    const status = pageStatusOf(error);
    if (status >= 500 && !unavailable) request.log.error({ err: error }, 'email engagement request failed');
    if (unavailable) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    const message =
      status >= 500 ? 'Something went wrong on our side; please try again in a moment.' : error.message;
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        options.errorPage(status === 429 ? 'Too many requests' : 'This request cannot be handled', message),
      );
  }
}

function pageStatusOf(error: FastifyError | AppError): number {
  if (error instanceof AppError) return httpStatusOf[error.code];
  if ((error as FastifyError).validation) return 400;
  const status = (error as FastifyError).statusCode;
  return status && status >= 400 && status < 600 ? status : 500;
}
