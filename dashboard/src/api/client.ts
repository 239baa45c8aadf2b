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
  ) {
    super(message);
  }
}

const throwOnError: Middleware = {
  async onResponse({ response }) {
    if (response.ok) return response;
    let body: { error?: string; message?: string } = {};
    try {
      body = await response.clone().json();
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    throw new ApiError(
      response.status,
      body.message ?? `The server answered ${response.status}.`,
      body.error,
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

/**
 * A POST to a route the OpenAPI document does not have yet (being built on another branch): the same
 * headers and errors as `api`. Replace each use with `api.POST` once the route is in schema.d.ts.
 */
export async function postNotYetTyped(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as { message?: string; error?: string }) : undefined;
  if (!response.ok)
    throw new ApiError(
      response.status,
      parsed?.message ?? `The server answered ${response.status}.`,
      parsed?.error,
    );
  return parsed;
}
