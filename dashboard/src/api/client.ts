// The one API client: openapi-fetch typed by schema.d.ts (generated from Spoor's OpenAPI document by
// `npm run dashboard:api-types`). Same origin, so the session cookie goes with every request; state-changing
// requests also carry the session's CSRF token, which the server checks with the Origin header.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

let csrfToken: string | undefined;

/** Set by the session provider whenever the session (and so its token) changes. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** What a failed request threw: the HTTP status and the server's message (the `Error` shape). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    /** The answer's `details` (422: `fields`, a message per field; 409: what is in the way). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * What a form shows of a failed save: a message per field (beside each field it `shows`) and a summary
 * under the form. When every problem is beside its field, the summary points there instead of repeating
 * the API's field names; otherwise it is the API's message, which names them all.
 */
export function formProblems(
  thrown: Error,
  shows: readonly string[],
): { summary: string; fields: Record<string, string> } {
  const details = thrown instanceof ApiError ? thrown.details : undefined;
  const fields = (details?.['fields'] ?? {}) as Record<string, string>;
  const keys = Object.keys(fields);
  if (keys.length === 0 || !keys.every((key) => shows.includes(key)))
    return { summary: thrown.message, fields };
  const summary =
    keys.length === 1
      ? 'One value is not valid: see the field marked above.'
      : `${keys.length} values are not valid: see the fields marked above.`;
  return { summary, fields };
}

const throwOnError: Middleware = {
  async onResponse({ response }) {
    if (response.ok) return response;
    let body: { error?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      body = await response.clone().json();
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    throw new ApiError(
      response.status,
      body.message ?? `The server answered ${response.status}.`,
      body.error,
      body.details,
    );
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf, throwOnError);

/**
 * Unwraps an openapi-fetch answer for TanStack Query: the data, or the error thrown above. (Answers without
 * a body, 204, have data undefined.)
 */
export async function data<T>(request: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const result = await request;
  return result.data as T;
}
