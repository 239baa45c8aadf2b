// Serves the dashboard at /app/: hashed assets with a year-long cache, index.html (never cached, so a new
// release is picked up at once) for every other path under /app/ (the app routes in the browser), all
// under a Content-Security-Policy that runs only the dashboard's own scripts.

import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { media } from '../api-contract.ts';
import { SESSION_COOKIE } from '../cookies/definitions.ts';
import { readCookie } from '../tracking/tracking-cookies.ts';
import { type DashboardFile, type DashboardFiles, loadDashboardFiles } from './dashboard-files.ts';

/**
 * Scripts and styles from this origin only (no 'unsafe-inline'); the data: image is the blank favicon.
 * React and uPlot set styles through the CSSOM, which style-src does not govern.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Spoor</title></head><body>
<h1>The dashboard is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and restart Spoor.</p>
</body></html>`;

function send(request: FastifyRequest, reply: FastifyReply, file: DashboardFile) {
  const gzip = file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  reply
    .type(file.type)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff');
  if (!reply.hasHeader('vary')) reply.header('vary', 'accept-encoding');
  if (gzip) reply.header('content-encoding', 'gzip');
  return reply.send(gzip ? file.gzip : file.body);
}

function sendIndex(request: FastifyRequest, reply: FastifyReply, built: DashboardFiles | undefined) {
  reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
  if (!built)
    return reply
      .code(503)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(NOT_BUILT);
  reply.header('vary', 'accept-encoding, cookie');
  // Whether the request carries the session cookie at all (valid or not: the app asks the API which).
  const hasSession = readCookie(request.headers.cookie, SESSION_COOKIE) !== null;
  return send(request, reply, hasSession ? built.index : built.signedOutIndex);
}

const page = {
  200: media('text/html', 'The dashboard (the app decides what to show for the path), or one of its files.'),
  503: media('text/html', 'The dashboard has not been built on this server (`npm run build`).'),
};

export function dashboardRoutes(
  app: FastifyInstance,
  built: DashboardFiles | undefined = loadDashboardFiles(),
): void {
  // /app and /app/ are both the app (its assets' URLs are absolute, so either resolves them).
  app.get(
    '/app',
    {
      schema: {
        operationId: 'getDashboard',
        tags: ['pages'],
        summary: 'The dashboard: sign in, then see and manage websites, contacts, forms, lists and emails.',
        description: 'A single-page app (docs/dashboard.md); it calls this API with the session cookie.',
        response: page,
      },
    },
    async (request, reply) => sendIndex(request, reply, built),
  );
  app.get<{ Params: { '*': string } }>(
    '/app/*',
    {
      schema: {
        operationId: 'getDashboardPath',
        tags: ['pages'],
        summary: 'The dashboard (at /app/), a page of it, or one of its files (scripts, styles).',
        description:
          'A single-page app (docs/dashboard.md) that calls this API with the session cookie: sign in, then see and manage websites, contacts, forms, lists and emails. Files under `assets/` have a content hash in their name and are cached for a year; any other path, `/app/` itself included, is a page of the app, answered with the app itself. (`/app/` is this route with an empty path: OpenAPI linters refuse a path ending in a slash.)',
        params: Type.Object({ '*': Type.String({ description: 'The path under /app/.' }) }),
        response: {
          200: {
            description: 'A page of the app (HTML) or one of its files.',
            content: {
              'text/html': { schema: Type.String() },
              'text/javascript': { schema: Type.String() },
              'text/css': { schema: Type.String() },
            },
          },
          503: page[503],
          404: media('text/plain', 'No such file under /app/assets/ (an asset of an older release).'),
        },
      },
    },
    async (request, reply) => {
      const path = request.params['*'];
      const file = built?.files.get(path);
      if (file && path !== 'index.html') return send(request, reply, file);
      // A missing asset is a 404, never the app: a browser would run HTML as a script and fail obscurely.
      if (path.startsWith('assets/'))
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send('Not found.');
      return sendIndex(request, reply, built);
    },
  );
}
