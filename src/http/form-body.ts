// The url-encoded body parser (HTML forms on hosted pages, one-click unsubscribes): a repeated key becomes
// an array, and a NUL anywhere is refused as it is in every other input.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { formBodyHoldsNul, NUL_MESSAGE } from '../lib/nul.ts';

export type FormFields = Record<string, string | string[]>;

/** The fields of an application/x-www-form-urlencoded body. */
export function parseFormBody(body: string): FormFields {
  if (formBodyHoldsNul(body)) throw new AppError('bad_request', NUL_MESSAGE);
  const fields: FormFields = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = fields[key];
    fields[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}

export function registerFormBody(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, parseFormBody(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}
