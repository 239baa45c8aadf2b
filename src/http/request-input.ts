// What every request passes before a route sees it: the body parsers (JSON, text/plain, url-encoded) and the NUL check.
import type { FastifyInstance } from 'fastify';
import { PIXEL_PATH } from '../email/engagement/tracking-urls.ts';
import { COPY_PIXEL_PATH } from '../email/forwards/forward-links.ts';
import { AppError } from '../lib/errors.ts';
import { parseJsonBody } from '../lib/json-body.ts';
import { NUL_MESSAGE, requestHoldsNul } from '../lib/nul.ts';
import { registerFormBody } from './form-body.ts';

export function registerRequestInput(app: FastifyInstance): void {
  // One JSON parser for every body: nesting bounded, NUL and prototype keys refused (lib/json-body.ts).
  const parseJson = (
    _request: unknown,
    body: string | Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  // sendBeacon and CORS-simple fetch send JSON as text/plain; treat it as JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, parseJson);

  // HTML forms on hosted pages post url-encoded bodies.
  registerFormBody(app);

  // NUL in a path id, a query value or a stored header, refused before routing on both engines alike; the
  // open pixels (a contact's, a forwarded copy's) are left alone, as they answer their GIF to everything.
  app.addHook('onRequest', (request, _reply, done) => {
    if (
      requestHoldsNul(request.url, request.headers) &&
      !request.url.startsWith(PIXEL_PATH) &&
      !request.url.startsWith(COPY_PIXEL_PATH)
    )
      return done(new AppError('bad_request', NUL_MESSAGE));
    done();
  });
}
